//! Traits of a customer that help agents write to them: do they argue with facts or with
//! experiences, do they tell stories, and how have they given feedback so far.

use serde::{Deserialize, Serialize};

use super::intents::Intent;
use super::text::tokenize;
use super::Analysis;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WritingStyle {
    /// Numbers, versions, order ids, measurements: answer with facts and specifics.
    DataDriven,
    /// Feelings and experiences: answer with empathy and the human side.
    ExperienceDriven,
    Balanced,
    /// Too little text to tell.
    Unknown,
}

impl WritingStyle {
    pub fn label(self) -> &'static str {
        match self {
            WritingStyle::DataDriven => "data-driven writer",
            WritingStyle::ExperienceDriven => "experience-driven writer",
            WritingStyle::Balanced => "balanced writer",
            WritingStyle::Unknown => "writing style not known yet",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedbackHistory {
    /// Messages with praise or thanks.
    pub praise: u32,
    /// Clearly negative messages.
    pub complaints: u32,
    pub csat_responses: u32,
    pub csat_average: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Traits {
    pub writing: WritingStyle,
    pub data_signals: u32,
    pub experience_signals: u32,
    /// 0 … 1: long messages told as a sequence of events.
    pub storyteller: f64,
    pub feedback: FeedbackHistory,
}

const DATA_WORDS: &[&str] = &[
    "version",
    "error",
    "code",
    "order",
    "invoice",
    "number",
    "id",
    "serial",
    "model",
    "ms",
    "gb",
    "mb",
    "kb",
    "percent",
    "seconds",
    "minutes",
    "hours",
    "days",
    "steps",
    "log",
    "logs",
    "screenshot",
    "browser",
    "firmware",
    "settings",
    "api",
    "reference",
    "tracking",
];
const EXPERIENCE_WORDS: &[&str] = &[
    "feel",
    "feels",
    "felt",
    "feeling",
    "experience",
    "love",
    "hate",
    "hope",
    "worried",
    "upset",
    "happy",
    "sad",
    "family",
    "kids",
    "wife",
    "husband",
    "mum",
    "mom",
    "dad",
    "heart",
    "stress",
    "stressed",
    "embarrassed",
    "excited",
    "disappointed",
    "frustrated",
];
const NARRATIVE_MARKERS: &[&str] = &[
    "then",
    "after",
    "afterwards",
    "when",
    "yesterday",
    "later",
    "finally",
    "first",
    "eventually",
    "suddenly",
    "meanwhile",
    "ago",
    "before",
];

/// Traits from a customer's inbound messages, their analyses (same order) and CSAT answers.
pub fn traits(messages: &[&str], analyses: &[Analysis], csat: &[u8]) -> Traits {
    let (mut data, mut experience, mut words, mut markers) = (0_u32, 0_u32, 0_usize, 0_usize);
    for message in messages {
        let tokens = tokenize(message);
        words += tokens.len();
        for token in &tokens {
            let word = token.lower.as_ref();
            if word.chars().any(|c| c.is_ascii_digit()) || DATA_WORDS.contains(&word) {
                data += 1;
            }
            if EXPERIENCE_WORDS.contains(&word) {
                experience += 1;
            }
            if NARRATIVE_MARKERS.contains(&word) {
                markers += 1;
            }
        }
    }
    experience += analyses.iter().map(|a| a.emotions.iter().map(|e| e.evidence.len() as u32).sum::<u32>()).sum::<u32>();
    let writing = match (data, experience) {
        (d, e) if d + e < 3 => WritingStyle::Unknown,
        (d, e) if d >= 2 * e => WritingStyle::DataDriven,
        (d, e) if e >= 2 * d => WritingStyle::ExperienceDriven,
        _ => WritingStyle::Balanced,
    };
    let storyteller = if messages.is_empty() {
        0.0
    } else {
        let per_message = messages.len() as f64;
        let length = (words as f64 / per_message / 120.0).min(1.0);
        let narrative = (markers as f64 / per_message / 4.0).min(1.0);
        ((0.5 * length + 0.5 * narrative) * 100.0).round() / 100.0
    };
    let feedback = FeedbackHistory {
        praise: analyses.iter().filter(|a| a.has_intent(Intent::Praise)).count() as u32,
        complaints: analyses.iter().filter(|a| a.extended <= -0.3).count() as u32,
        csat_responses: csat.len() as u32,
        csat_average: (!csat.is_empty()).then(|| csat.iter().map(|c| f64::from(*c)).sum::<f64>() / csat.len() as f64),
    };
    Traits { writing, data_signals: data, experience_signals: experience, storyteller, feedback }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::analyze;

    fn of(messages: &[&str], csat: &[u8]) -> Traits {
        let analyses: Vec<Analysis> = messages.iter().map(|m| analyze(m)).collect();
        traits(messages, &analyses, csat)
    }

    #[test]
    fn tells_data_from_experience_writers() {
        let data = of(&["Order 48213, invoice 2024-118: firmware version 3.2.1 shows error code 0x80 after 30 seconds."], &[]);
        assert_eq!(data.writing, WritingStyle::DataDriven);
        let feeling = of(&["I feel so let down and frustrated, my family was looking forward to this and I'm really upset."], &[]);
        assert_eq!(feeling.writing, WritingStyle::ExperienceDriven);
        assert_eq!(of(&["Hi"], &[]).writing, WritingStyle::Unknown);
    }

    #[test]
    fn storytellers_and_feedback_history() {
        let story = "When I first ordered, the box came late. Then the lid was cracked, and after I called, \
            they sent another one. Yesterday it finally arrived and then I noticed the charger was missing. \
            Before that I had never had a problem, and eventually I just wanted it to work for my daughter's birthday.";
        assert!(of(&[story], &[]).storyteller > 0.5);
        assert!(of(&["Where is my order?"], &[]).storyteller < 0.2);
        let history = of(&["Thanks, great support!", "This is unacceptable, still broken."], &[5, 2]);
        assert_eq!(history.feedback.praise, 1);
        assert_eq!(history.feedback.complaints, 1);
        assert_eq!(history.feedback.csat_average, Some(3.5));
    }
}
