//! The VADER lexicons (MIT licence, see LICENSE-vaderSentiment.txt), compiled into the binary
//! and parsed once on first use.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::rules::{idiom_last_words, negation_words, BOOSTERS};

const VALENCE_LEXICON: &str = include_str!("vader_lexicon.txt");
const EMOJI_LEXICON: &str = include_str!("emoji_utf8_lexicon.txt");

/// What the rules need to know about a word, found with one lookup.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Entry {
    /// Mean valence rating, −4 … 4, for a sentiment word.
    pub valence: Option<f64>,
    /// The rating change of a booster or dampener ("very", "slightly").
    pub booster: Option<f64>,
    /// A negation word ("not", "never", "without").
    pub negation: bool,
    /// The last word of an idiom or multi-word booster ("kiss of death", "kind of").
    pub ends_idiom: bool,
}

/// Valences, boosters and negations in one map (lower-case word → entry).
pub struct Lexicon {
    entries: FxHashMap<&'static str, Entry>,
}

impl Lexicon {
    /// A lexicon with `valences` and the reference's boosters and negations.
    pub fn with_valences(valences: &FxHashMap<&'static str, f64>) -> Lexicon {
        let mut entries: FxHashMap<&'static str, Entry> = FxHashMap::default();
        entries.reserve(valences.len() + 128);
        for (word, valence) in valences {
            entries.entry(word).or_default().valence = Some(*valence);
        }
        for (word, booster) in BOOSTERS.iter() {
            entries.entry(word).or_default().booster = Some(*booster);
        }
        for word in negation_words() {
            entries.entry(word).or_default().negation = true;
        }
        for word in idiom_last_words() {
            entries.entry(word).or_default().ends_idiom = true;
        }
        Lexicon { entries }
    }

    pub fn get(&self, word: &str) -> Option<&Entry> {
        self.entries.get(word)
    }
}

/// The reference lexicon, built once.
pub fn reference() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::with_valences(reference_valences()))
}

/// Word (lower case) → mean valence rating, −4 … 4.
pub fn reference_valences() -> &'static FxHashMap<&'static str, f64> {
    static LEXICON: OnceLock<FxHashMap<&'static str, f64>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        VALENCE_LEXICON
            .lines()
            .filter_map(|line| {
                let mut fields = line.trim().split('\t');
                let word = fields.next()?;
                let valence = fields.next()?.trim().parse().ok()?;
                Some((word, valence))
            })
            .collect()
    })
}

/// Single-character emoji → its textual description ("😁" → "beaming face with smiling eyes").
/// Like the reference, only single code points are replaced.
pub fn emoji_descriptions() -> &'static FxHashMap<char, &'static str> {
    static EMOJIS: OnceLock<FxHashMap<char, &'static str>> = OnceLock::new();
    EMOJIS.get_or_init(|| {
        EMOJI_LEXICON
            .lines()
            .filter_map(|line| {
                let mut fields = line.trim().split('\t');
                let emoji = fields.next()?;
                let description = fields.next()?;
                let mut chars = emoji.chars();
                match (chars.next(), chars.next()) {
                    (Some(single), None) => Some((single, description)),
                    _ => None,
                }
            })
            .collect()
    })
}
