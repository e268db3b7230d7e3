//! The extended sentiment score: VADER with a customer-service lexicon (complaints about
//! products and service, waiting, repeat contact, sarcasm such as "great, another delay").
//! Reported beside the reference-exact compound, never instead of it.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::patterns::PatternSet;
use super::text::{tokenize, Token};
use super::vader;

const WORDS: &str = include_str!("lexicon/sentiment_words.tsv");
const PHRASES: &str = include_str!("lexicon/sentiment_phrases.tsv");

fn lexicon() -> &'static vader::Lexicon {
    static LEXICON: OnceLock<vader::Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut lexicon: FxHashMap<&'static str, f64> = vader::reference_valences().clone();
        for line in WORDS.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (word, valence) = line.split_once('\t').expect("sentiment_words.tsv: word<TAB>valence");
            let valence = valence.trim().parse().expect("sentiment_words.tsv: valence is a number");
            lexicon.insert(word, valence);
        }
        vader::Lexicon::with_valences(&lexicon)
    })
}

fn phrases() -> &'static PatternSet {
    static PHRASES_SET: OnceLock<PatternSet> = OnceLock::new();
    PHRASES_SET.get_or_init(|| PatternSet::parse(PHRASES, &["shift", "sarcasm"]).expect("sentiment_phrases.tsv is well-formed"))
}

/// The extended compound score, −1 … 1.
pub fn extended_compound(text: &str) -> f64 {
    let tokens = tokenize(text);
    extended_compound_with_tokens(text, &tokens).0
}

/// As [`extended_compound`], reusing tokens the caller already has; also returns the token
/// ranges of sarcastic phrases ("great, another delay").
pub(crate) fn extended_compound_with_tokens(text: &str, tokens: &[Token<'_>]) -> (f64, Vec<(usize, usize)>) {
    let found = phrases().find(tokens);
    let shift: f64 = found.iter().map(|m| m.weight).sum();
    let sarcasm = found.iter().filter(|m| m.label == SARCASM).map(|m| (m.first, m.end)).collect();
    let raw = vader::raw_sum_with(text, lexicon()) + shift;
    (vader::normalize(raw), sarcasm)
}

const SARCASM: usize = 1;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::vader::polarity_scores;

    #[test]
    fn reads_customer_service_sarcasm_and_waiting_as_negative() {
        for text in [
            "Great, another delay.",
            "Still waiting for my refund.",
            "This is the third time I'm asking.",
            "Thanks for nothing!",
            "Perfect, yet another broken charger.",
        ] {
            let extended = extended_compound(text);
            assert!(extended < -0.2, "{text:?}: extended {extended:.3}, reference {:.3}", polarity_scores(text).compound);
        }
    }

    #[test]
    fn keeps_plain_praise_positive() {
        for text in ["Great service, thank you so much!", "I can't recommend it enough.", "No problems at all, works great."] {
            assert!(extended_compound(text) > 0.4, "{text:?}");
        }
    }

    #[test]
    fn equals_the_reference_without_domain_words() {
        let text = "The weather is lovely today.";
        assert!((extended_compound(text) - polarity_scores(text).compound).abs() < 1e-12);
    }
}
