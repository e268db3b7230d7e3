//! Emotions per message, with intensity 0–1 and the words they are based on.
//!
//! Lexicon: `lexicon/emotions.tsv` (our own, documented there). Each matching phrase adds its
//! weight, raised by an intensifier just before it ("really frustrated": ×1.3), shouting
//! ("FURIOUS": ×1.25) or an exclamation mark ending its sentence (×1.15). A negated phrase
//! ("not happy") counts instead as a little disappointment; praise words inside a sarcastic
//! phrase ("great, another delay") count as anger. Intensity = 1 − e^(−Σ weights).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::patterns::{Match, PatternSet};
use super::text::{Evidence, Token};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Emotion {
    /// Anger and frustration.
    Anger,
    /// Anxiety and worry.
    Anxiety,
    /// Sadness and disappointment.
    Sadness,
    Confusion,
    Gratitude,
    /// Joy and relief.
    Joy,
}

impl Emotion {
    pub const ALL: [Emotion; 6] =
        [Emotion::Anger, Emotion::Anxiety, Emotion::Sadness, Emotion::Confusion, Emotion::Gratitude, Emotion::Joy];

    pub fn label(self) -> &'static str {
        match self {
            Emotion::Anger => "anger / frustration",
            Emotion::Anxiety => "anxiety / worry",
            Emotion::Sadness => "sadness / disappointment",
            Emotion::Confusion => "confusion",
            Emotion::Gratitude => "gratitude",
            Emotion::Joy => "joy / relief",
        }
    }

    pub fn is_negative(self) -> bool {
        matches!(self, Emotion::Anger | Emotion::Anxiety | Emotion::Sadness)
    }

    /// Stable name for data and APIs ("anger").
    pub fn key(self) -> &'static str {
        match self {
            Emotion::Anger => "anger",
            Emotion::Anxiety => "anxiety",
            Emotion::Sadness => "sadness",
            Emotion::Confusion => "confusion",
            Emotion::Gratitude => "gratitude",
            Emotion::Joy => "joy",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmotionScore {
    pub emotion: Emotion,
    /// 0 … 1, rounded to two decimals.
    pub intensity: f64,
    pub evidence: Vec<Evidence>,
}

/// Emotions below this intensity are not reported.
const REPORT_THRESHOLD: f64 = 0.15;

const INTENSIFIERS: &[&str] = &[
    "very",
    "so",
    "really",
    "extremely",
    "absolutely",
    "totally",
    "completely",
    "incredibly",
    "beyond",
    "utterly",
    "super",
    "deeply",
    "truly",
];

fn lexicon() -> &'static PatternSet {
    static LEXICON: OnceLock<PatternSet> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let labels: Vec<&str> = Emotion::ALL.iter().map(|e| e.key()).collect();
        PatternSet::parse(include_str!("lexicon/emotions.tsv"), &labels).expect("emotions.tsv is well-formed")
    })
}

/// The emotions of one message, strongest first. `sarcasm` holds token ranges of sarcastic
/// phrases found by the sentiment lexicon.
pub fn detect(text: &str, tokens: &[Token<'_>], sarcasm: &[(usize, usize)]) -> Vec<EmotionScore> {
    let mut totals = [0.0_f64; 6];
    let mut evidence: [Vec<Evidence>; 6] = Default::default();
    for found in lexicon().find(tokens) {
        let emotion = Emotion::ALL[found.label];
        let in_sarcasm = sarcasm.iter().any(|&(first, end)| found.first < end && first < found.end);
        let counted_as = match (found.negated, in_sarcasm, emotion) {
            (_, true, Emotion::Joy | Emotion::Gratitude) => (Emotion::Anger, 0.4),
            (true, _, Emotion::Joy | Emotion::Gratitude) => (Emotion::Sadness, 0.3),
            (true, _, _) => continue,
            (false, _, _) => (emotion, found.weight),
        };
        let (emotion, weight) = counted_as;
        let slot = emotion as usize;
        totals[slot] += weight * emphasis(text, tokens, &found);
        let (start, end) = (tokens[found.first].start, tokens[found.end - 1].end);
        let start = if found.negated { preceding_negator_start(tokens, found.first).unwrap_or(start) } else { start };
        if !evidence[slot].iter().any(|e| e.start == start) {
            evidence[slot].push(Evidence::of(text, start, end));
        }
    }
    shouting_and_punctuation(text, tokens, &mut totals, &mut evidence);

    let mut scores: Vec<EmotionScore> = Emotion::ALL
        .iter()
        .zip(totals)
        .zip(evidence)
        .filter_map(|((&emotion, total), evidence)| {
            let intensity = ((1.0 - (-total).exp()) * 100.0).round() / 100.0;
            (intensity >= REPORT_THRESHOLD).then_some(EmotionScore { emotion, intensity, evidence })
        })
        .collect();
    scores.sort_by(|a, b| b.intensity.total_cmp(&a.intensity));
    scores
}

fn emphasis(text: &str, tokens: &[Token<'_>], found: &Match) -> f64 {
    let mut factor = 1.0;
    if found.first > 0 && INTENSIFIERS.contains(&tokens[found.first - 1].lower.as_ref()) {
        factor *= 1.3;
    }
    if tokens[found.first..found.end].iter().any(|t| t.shouted) {
        factor *= 1.25;
    }
    let after = &text[tokens[found.end - 1].end..];
    let sentence_end = after.find(['.', '!', '?', '\n']).map(|i| &after[i..i + 1]);
    if sentence_end == Some("!") {
        factor *= 1.15;
    }
    factor
}

fn preceding_negator_start(tokens: &[Token<'_>], first: usize) -> Option<usize> {
    tokens[first.saturating_sub(3)..first].iter().find(|t| super::text::is_negator(&t.lower)).map(|t| t.start)
}

/// Shouting (three or more words in capitals) and "!!!" read as anger; "??" as confusion.
fn shouting_and_punctuation(text: &str, tokens: &[Token<'_>], totals: &mut [f64; 6], evidence: &mut [Vec<Evidence>; 6]) {
    let shouted: Vec<&Token> = tokens.iter().filter(|t| t.shouted).collect();
    if shouted.len() >= 3 {
        let anger = Emotion::Anger as usize;
        totals[anger] += 0.3;
        evidence[anger].push(Evidence::of(text, shouted[0].start, shouted[0].end));
    }
    for (mark, emotion, weight) in [("!!", Emotion::Anger, 0.25), ("??", Emotion::Confusion, 0.3)] {
        if let Some(at) = text.find(mark) {
            let run_end = text[at..].find(|c: char| c.to_string() != mark[..1]).map_or(text.len(), |n| at + n);
            totals[emotion as usize] += weight;
            evidence[emotion as usize].push(Evidence::of(text, at, run_end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::tokenize;
    use super::*;

    fn emotions(text: &str) -> Vec<EmotionScore> {
        detect(text, &tokenize(text), &[])
    }

    fn intensity(text: &str, emotion: Emotion) -> f64 {
        emotions(text).into_iter().find(|e| e.emotion == emotion).map_or(0.0, |e| e.intensity)
    }

    #[test]
    fn finds_each_emotion_with_evidence() {
        let angry = emotions("I'm really frustrated, this is unacceptable!");
        assert_eq!(angry[0].emotion, Emotion::Anger);
        let words: Vec<&str> = angry[0].evidence.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(words, ["frustrated", "unacceptable"]);
        assert!(intensity("I'm worried my card was stolen", Emotion::Anxiety) > 0.5);
        assert!(intensity("So disappointed, I expected better", Emotion::Sadness) > 0.5);
        assert!(intensity("I don't understand my invoice, it makes no sense", Emotion::Confusion) > 0.5);
        assert!(intensity("Thank you so much, I really appreciate it", Emotion::Gratitude) > 0.6);
        assert!(intensity("Phew, finally working. So relieved!", Emotion::Joy) > 0.6);
    }

    #[test]
    fn intensifiers_and_shouting_raise_intensity() {
        let plain = intensity("I am angry.", Emotion::Anger);
        assert!(intensity("I am really angry.", Emotion::Anger) > plain);
        assert!(intensity("I am ANGRY.", Emotion::Anger) > plain);
        assert!(intensity("I am angry!", Emotion::Anger) > plain);
    }

    #[test]
    fn negation_and_sarcasm() {
        assert_eq!(intensity("I'm not angry, just asking", Emotion::Anger), 0.0);
        let not_happy = emotions("I am not happy with this");
        assert_eq!(not_happy[0].emotion, Emotion::Sadness);
        assert_eq!(not_happy[0].evidence[0].text, "not happy");
        let text = "Great, another delay.";
        let tokens = tokenize(text);
        let found = detect(text, &tokens, &[(0, 2)]);
        assert_eq!(found[0].emotion, Emotion::Anger);
        assert_eq!(intensity("", Emotion::Joy), 0.0);
    }

    #[test]
    fn shouting_and_repeated_marks() {
        assert!(intensity("WHERE IS MY ORDER", Emotion::Anger) > 0.2);
        assert!(intensity("Where is it??", Emotion::Confusion) > 0.2);
        assert_eq!(emotions("Where is it?"), []);
    }
}
