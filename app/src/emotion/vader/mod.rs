//! VADER sentiment (Hutto & Gilbert 2014), a faithful port of the Python reference
//! `vaderSentiment` 3.3.2: the same lexicons, rules and arithmetic order, so that compound
//! scores match the reference (checked over 23,703 human-rated sentences by the
//! `vader_reference` test). Quirks of the reference are kept on purpose and marked.

mod lexicon;
mod rules;

pub(crate) use lexicon::reference_valences;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use lexicon::Entry;
pub(crate) use lexicon::Lexicon;
use rules::{but_check, is_upper, scalar_inc_dec, special_idioms_check, C_INCR, N_SCALAR};

/// VADER's four scores. `compound` is the normalised sum in −1 … 1; `pos`, `neu` and `neg`
/// are the proportions of the text in each class. Unrounded (the reference rounds on output).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Polarity {
    pub compound: f64,
    pub pos: f64,
    pub neu: f64,
    pub neg: f64,
}

/// Scores a text exactly as the reference `SentimentIntensityAnalyzer.polarity_scores` does.
pub fn polarity_scores(text: &str) -> Polarity {
    let (text, sentiments) = sentiments_with(text, lexicon::reference());
    score_valence(&sentiments, &text)
}

/// The sum of word valences plus punctuation emphasis (what `compound` normalises), scored
/// with another lexicon; the extended score builds on it.
pub(crate) fn raw_sum_with(text: &str, lexicon: &Lexicon) -> f64 {
    let (text, sentiments) = sentiments_with(text, lexicon);
    let sum: f64 = sentiments.iter().fold(0.0, |acc, s| acc + s);
    let emphasis = punctuation_emphasis(&text);
    if sum > 0.0 {
        sum + emphasis
    } else if sum < 0.0 {
        sum - emphasis
    } else {
        sum
    }
}

/// One word of the text with everything the rules ask about it, looked up once.
struct Word<'t, 'l> {
    lower: Cow<'t, str>,
    entry: Option<&'l Entry>,
    upper: bool,
}

impl Word<'_, '_> {
    fn valence(&self) -> Option<f64> {
        self.entry.and_then(|e| e.valence)
    }

    fn in_lexicon(&self) -> bool {
        self.valence().is_some()
    }

    fn ends_idiom(&self) -> bool {
        self.entry.is_some_and(|e| e.ends_idiom)
    }

    fn negated(&self) -> bool {
        self.entry.is_some_and(|e| e.negation) || self.lower.contains("n't")
    }
}

/// The text after emoji replacement and the valence of each of its words.
fn sentiments_with<'t>(text: &'t str, lexicon: &Lexicon) -> (Cow<'t, str>, Vec<f64>) {
    let text = replace_emojis(text);
    let sentiments = {
        let ascii = text.is_ascii();
        // ASCII text is lower-cased once, as a whole; words then borrow from it at the same
        // byte offsets (no allocation per capitalised word).
        let lower_text: Cow<str> = if ascii && text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(&text)
        };
        let words: Vec<Word> = words_and_emoticons(&text, ascii)
            .map(|(start, end)| {
                let raw = &text[start..end];
                let lower = if ascii { Cow::Borrowed(&lower_text[start..end]) } else { lower_case(raw) };
                let entry = lexicon.get(&lower);
                Word { lower, entry, upper: is_upper(raw) }
            })
            .collect();
        let lowered: Vec<&str> = words.iter().map(|w| w.lower.as_ref()).collect();
        let capitals = words.iter().filter(|w| w.upper).count();
        let is_cap_diff = capitals > 0 && capitals < words.len();

        let mut sentiments: Vec<f64> = Vec::with_capacity(words.len());
        for (i, word) in words.iter().enumerate() {
            let is_booster = word.entry.is_some_and(|e| e.booster.is_some());
            if is_booster || (i + 1 < words.len() && lowered[i] == "kind" && lowered[i + 1] == "of") {
                sentiments.push(0.0);
                continue;
            }
            sentiments.push(word_valence(i, &words, &lowered, is_cap_diff));
        }
        but_check(&lowered, &mut sentiments);
        sentiments
    };
    (text, sentiments)
}

/// The valence one word contributes, after negation, boosters, capitals and idioms.
fn word_valence(i: usize, words: &[Word], lowered: &[&str], is_cap_diff: bool) -> f64 {
    let Some(base) = words[i].valence() else {
        return 0.0;
    };
    let mut valence = base;
    // "no" directly before a lexicon word negates that word instead of counting itself.
    if lowered[i] == "no" && i != words.len() - 1 && words[i + 1].in_lexicon() {
        valence = 0.0;
    }
    if (i > 0 && lowered[i - 1] == "no")
        || (i > 1 && lowered[i - 2] == "no")
        || (i > 2 && lowered[i - 3] == "no" && (lowered[i - 1] == "or" || lowered[i - 1] == "nor"))
    {
        valence = base * N_SCALAR;
    }
    if words[i].upper && is_cap_diff {
        if valence > 0.0 {
            valence += C_INCR;
        } else {
            valence -= C_INCR;
        }
    }
    for start_i in 0..3 {
        if i > start_i && !words[i - (start_i + 1)].in_lexicon() {
            let before = &words[i - (start_i + 1)];
            let mut s = scalar_inc_dec(before.entry.and_then(|e| e.booster), before.upper, valence, is_cap_diff);
            if start_i == 1 && s != 0.0 {
                s *= 0.95;
            }
            if start_i == 2 && s != 0.0 {
                s *= 0.9;
            }
            valence += s;
            valence = negation_check(valence, words, lowered, start_i, i);
            // Idioms are only looked for when a word that can end one is near.
            if start_i == 2 && words[i - 2..words.len().min(i + 3)].iter().any(|w| w.ends_idiom()) {
                valence = special_idioms_check(valence, lowered, i);
            }
        }
    }
    least_check(valence, words, lowered, i)
}

fn negation_check(valence: f64, words: &[Word], lowered: &[&str], start_i: usize, i: usize) -> f64 {
    let word = |back: usize| lowered[i - back];
    let negated = |back: usize| words[i - back].negated();
    match start_i {
        0 if negated(1) => valence * N_SCALAR,
        1 if word(2) == "never" && (word(1) == "so" || word(1) == "this") => valence * 1.25,
        1 if word(2) == "without" && word(1) == "doubt" => valence,
        1 if negated(2) => valence * N_SCALAR,
        // Reference quirk: `never so|this` is checked with an `or` that also fires on a bare
        // "so"/"this" just before the word.
        2 if (word(3) == "never" && (word(2) == "so" || word(2) == "this")) || (word(1) == "so" || word(1) == "this") => valence * 1.25,
        2 if word(3) == "without" && (word(2) == "doubt" || word(1) == "doubt") => valence,
        2 if negated(3) => valence * N_SCALAR,
        _ => valence,
    }
}

fn least_check(valence: f64, words: &[Word], lowered: &[&str], i: usize) -> f64 {
    if i > 1 && !words[i - 1].in_lexicon() && lowered[i - 1] == "least" {
        if lowered[i - 2] != "at" && lowered[i - 2] != "very" {
            return valence * N_SCALAR;
        }
    } else if i > 0 && !words[i - 1].in_lexicon() && lowered[i - 1] == "least" {
        return valence * N_SCALAR;
    }
    valence
}

/// Python's `str.lower`, borrowing when nothing changes (the common case).
fn lower_case(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(word.to_ascii_lowercase())
        } else {
            Cow::Borrowed(word)
        }
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

/// Replaces single-character emojis by their descriptions, separated by spaces as the
/// reference does, then trims.
fn replace_emojis(text: &str) -> Cow<'_, str> {
    // Every emoji in the lexicon is outside ASCII.
    if text.is_ascii() {
        return Cow::Borrowed(python_strip(text));
    }
    let emojis = lexicon::emoji_descriptions();
    let mut out = String::with_capacity(text.len());
    let mut prev_space = true;
    for c in text.chars() {
        match emojis.get(&c) {
            Some(description) => {
                if !prev_space {
                    out.push(' ');
                }
                out.push_str(description);
                prev_space = false;
            }
            None => {
                out.push(c);
                prev_space = c == ' ';
            }
        }
    }
    Cow::Owned(python_strip(&out).to_string())
}

/// Python's `str.isspace` set (a superset of Rust's `char::is_whitespace`: it adds the
/// information separators U+001C…U+001F).
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn python_strip(text: &str) -> &str {
    text.trim_matches(is_python_space)
}

/// Splits on whitespace and strips ASCII punctuation around words, keeping short tokens
/// (emoticons such as ":)") whole. Yields byte ranges; `ascii` selects a byte-wise fast path
/// with the same result.
fn words_and_emoticons(text: &str, ascii: bool) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut position = 0;
    let base = text.as_ptr() as usize;
    let mut unicode_tokens = (!ascii).then(|| text.split(is_python_space));
    std::iter::from_fn(move || loop {
        let (start, end) = match unicode_tokens.as_mut() {
            Some(tokens) => {
                let token = tokens.next()?;
                let start = token.as_ptr() as usize - base;
                (start, start + token.len())
            }
            None => {
                let bytes = text.as_bytes();
                while position < bytes.len() && is_ascii_python_space(bytes[position]) {
                    position += 1;
                }
                if position >= bytes.len() {
                    return None;
                }
                let start = position;
                while position < bytes.len() && !is_ascii_python_space(bytes[position]) {
                    position += 1;
                }
                (start, position)
            }
        };
        if start == end {
            continue;
        }
        let token = &text[start..end];
        let stripped = trim_ascii_punctuation(token);
        // Counting stops at three: only "at most two characters" matters.
        if stripped.chars().take(3).count() <= 2 {
            return Some((start, end));
        }
        let stripped_start = stripped.as_ptr() as usize - base;
        return Some((stripped_start, stripped_start + stripped.len()));
    })
}

/// Strips ASCII punctuation from both ends. Byte-wise is exact for any UTF-8 text: ASCII
/// bytes never occur inside a multi-byte character.
fn trim_ascii_punctuation(token: &str) -> &str {
    let bytes = token.as_bytes();
    let start = bytes.iter().position(|b| !b.is_ascii_punctuation()).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !b.is_ascii_punctuation()).map_or(start, |i| i + 1);
    &token[start..end]
}

/// `is_python_space` for one ASCII byte.
fn is_ascii_python_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f)
}

fn score_valence(sentiments: &[f64], text: &str) -> Polarity {
    if sentiments.is_empty() {
        return Polarity::default();
    }
    let mut sum: f64 = sentiments.iter().fold(0.0, |acc, s| acc + s);
    let emphasis = punctuation_emphasis(text);
    if sum > 0.0 {
        sum += emphasis;
    } else if sum < 0.0 {
        sum -= emphasis;
    }
    let compound = normalize(sum);

    let (mut pos_sum, mut neg_sum, mut neu_count) = (0.0_f64, 0.0_f64, 0_u32);
    for &s in sentiments {
        if s > 0.0 {
            pos_sum += s + 1.0;
        }
        if s < 0.0 {
            neg_sum += s - 1.0;
        }
        if s == 0.0 {
            neu_count += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += emphasis;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= emphasis;
    }
    let total = pos_sum + neg_sum.abs() + f64::from(neu_count);
    Polarity { compound, pos: (pos_sum / total).abs(), neu: (f64::from(neu_count) / total).abs(), neg: (neg_sum / total).abs() }
}

fn punctuation_emphasis(text: &str) -> f64 {
    let (mut exclamations, mut questions) = (0_usize, 0_usize);
    for byte in text.bytes() {
        match byte {
            b'!' => exclamations += 1,
            b'?' => questions += 1,
            _ => {}
        }
    }
    let exclamations = exclamations.min(4);
    let question_emphasis = match questions {
        0 | 1 => 0.0,
        2 | 3 => questions as f64 * 0.18,
        _ => 0.96,
    };
    exclamations as f64 * 0.292 + question_emphasis
}

/// Maps a sum of valences into −1 … 1.
pub(crate) fn normalize(score: f64) -> f64 {
    let alpha = 15.0;
    (score / (score * score + alpha).sqrt()).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compound(text: &str) -> f64 {
        (polarity_scores(text).compound * 10_000.0).round() / 10_000.0
    }

    /// Values printed by the reference implementation's own examples.
    #[test]
    fn matches_the_reference_examples() {
        assert_eq!(compound("VADER is smart, handsome, and funny."), 0.8316);
        assert_eq!(compound("VADER is smart, handsome, and funny!"), 0.8439);
        assert_eq!(compound("VADER is very smart, handsome, and funny."), 0.8545);
        assert_eq!(compound("VADER is VERY SMART, handsome, and FUNNY."), 0.9227);
        assert_eq!(compound("VADER is not smart, handsome, nor funny."), -0.7424);
        assert_eq!(compound("At least it isn't a horrible book."), 0.431);
        assert_eq!(compound("Today SUX!"), -0.5461);
        assert_eq!(compound("Make sure you :) or :D today!"), 0.8633);
        assert_eq!(compound("Not bad at all"), 0.431);
        assert_eq!(compound(""), 0.0);
    }

    #[test]
    fn proportions_add_up() {
        let p = polarity_scores("The plot was good, but the characters are uncompelling and the dialog is not great.");
        assert!((p.pos + p.neu + p.neg - 1.0).abs() < 1e-9);
        assert!(p.compound < 0.0);
    }
}
