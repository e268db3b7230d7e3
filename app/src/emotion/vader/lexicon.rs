//! The VADER lexicons (MIT licence, see LICENSE-vaderSentiment.txt), compiled into the binary
//! and parsed once on first use.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

const VALENCE_LEXICON: &str = include_str!("vader_lexicon.txt");
const EMOJI_LEXICON: &str = include_str!("emoji_utf8_lexicon.txt");

/// Word (lower case) → mean valence rating, −4 … 4.
pub fn valences() -> &'static FxHashMap<&'static str, f64> {
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
