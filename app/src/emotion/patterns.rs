//! Phrase patterns over word tokens: the format of every lexicon file in `lexicon/`.
//!
//! One rule per line, tab-separated: `label`, `weight`, `phrases`; `#` starts a comment.
//! `phrases` lists alternative phrases separated by `|` (`fed up|sick and tired`). A phrase
//! is a sequence of word slots separated by spaces; a slot lists alternative words separated
//! by `/`. A word is literal (`refund`), a prefix ending in `*` (`frustrat*`), or `_` for any
//! word; a slot ending in `?` may be skipped (`cancel my/our/the? subscription*/account`).
//! A phrase never reaches across the end of a sentence.

use rustc_hash::FxHashMap as HashMap;

use super::text::{negated_at, Token};

#[derive(Clone, Debug, PartialEq)]
enum Alternative {
    Word(String),
    Prefix(String),
    Any,
}

impl Alternative {
    fn matches(&self, word: &str) -> bool {
        match self {
            Alternative::Word(w) => w == word,
            Alternative::Prefix(p) => word.starts_with(p.as_str()),
            Alternative::Any => true,
        }
    }
}

#[derive(Clone, Debug)]
struct Slot {
    alternatives: Vec<Alternative>,
    optional: bool,
}

#[derive(Clone, Debug)]
struct Pattern {
    label: usize,
    weight: f64,
    slots: Vec<Slot>,
}

/// A match of one pattern: its label, weight and the token range it covers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Match {
    pub label: usize,
    pub weight: f64,
    pub first: usize,
    /// One past the last token.
    pub end: usize,
    /// A negator stood just before the phrase ("not happy").
    pub negated: bool,
}

/// A compiled lexicon. Patterns are indexed by the words (or prefix starts) their first slot
/// accepts, so that matching costs two hash lookups per token plus the few candidates.
#[derive(Clone, Debug)]
pub struct PatternSet {
    #[cfg_attr(not(test), allow(dead_code))]
    labels: Vec<String>,
    patterns: Vec<Pattern>,
    by_first_word: HashMap<String, Vec<usize>>,
    /// Patterns whose first slot accepts a prefix, by the prefix's first three characters.
    by_prefix_start: HashMap<String, Vec<usize>>,
    /// Patterns starting with `_` or a prefix shorter than three characters: tried everywhere.
    unindexed: Vec<usize>,
}

/// Length of the key of `by_prefix_start`, in characters.
const PREFIX_KEY_CHARS: usize = 3;

fn prefix_key(word: &str) -> Option<&str> {
    let end = word
        .char_indices()
        .nth(PREFIX_KEY_CHARS)
        .map_or((word.chars().count() == PREFIX_KEY_CHARS).then_some(word.len()), |(i, _)| Some(i))?;
    Some(&word[..end])
}

impl PatternSet {
    /// Parses a lexicon file; `labels` are the accepted labels, in the order callers index.
    /// A malformed line is a programming error in a shipped file, reported with its number.
    pub fn parse(source: &str, labels: &[&str]) -> Result<PatternSet, String> {
        let mut set = PatternSet {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            patterns: Vec::new(),
            by_first_word: HashMap::default(),
            by_prefix_start: HashMap::default(),
            unindexed: Vec::new(),
        };
        for (number, line) in source.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(label), Some(weight), Some(pattern), None) = (fields.next(), fields.next(), fields.next(), fields.next()) else {
                return Err(format!("line {}: expected label, weight and pattern", number + 1));
            };
            let label = labels.iter().position(|l| *l == label).ok_or_else(|| format!("line {}: unknown label {label:?}", number + 1))?;
            let weight: f64 = weight.parse().map_err(|_| format!("line {}: weight {weight:?} is not a number", number + 1))?;
            for phrase in pattern.split('|') {
                let slots = parse_slots(phrase).ok_or_else(|| format!("line {}: empty slot in {phrase:?}", number + 1))?;
                set.add_expanding_optional_start(label, weight, &slots);
            }
        }
        Ok(set)
    }

    /// A pattern starting with optional slots is added once per possible first slot, so that
    /// every pattern can be indexed by what its first token must be.
    fn add_expanding_optional_start(&mut self, label: usize, weight: f64, slots: &[Slot]) {
        let Some((first, rest)) = slots.split_first() else {
            return;
        };
        let mut required = first.clone();
        required.optional = false;
        let mut with_first = vec![required];
        with_first.extend_from_slice(rest);
        self.add(label, weight, with_first);
        if first.optional {
            self.add_expanding_optional_start(label, weight, rest);
        }
    }

    fn add(&mut self, label: usize, weight: f64, slots: Vec<Slot>) {
        let index = self.patterns.len();
        let mut everywhere = false;
        for alternative in &slots[0].alternatives {
            match alternative {
                Alternative::Word(word) => self.by_first_word.entry(word.clone()).or_default().push(index),
                Alternative::Prefix(prefix) => match prefix_key(prefix) {
                    Some(key) => self.by_prefix_start.entry(key.to_string()).or_default().push(index),
                    None => everywhere = true,
                },
                Alternative::Any => everywhere = true,
            }
        }
        if everywhere {
            self.unindexed.push(index);
        }
        self.patterns.push(Pattern { label, weight, slots });
    }

    #[cfg(test)]
    fn label(&self, index: usize) -> &str {
        &self.labels[index]
    }

    /// Every match; where matches of the same label overlap, the one found first (earliest
    /// position, then order in the file) counts (so "cancel my subscription" does not also count "cancel").
    pub fn find(&self, tokens: &[Token<'_>]) -> Vec<Match> {
        let mut matches: Vec<Match> = Vec::new();
        let mut candidates: Vec<usize> = Vec::new();
        for start in 0..tokens.len() {
            candidates.clear();
            let word = tokens[start].lower.as_ref();
            if let Some(indexed) = self.by_first_word.get(word) {
                candidates.extend_from_slice(indexed);
            }
            if let Some(indexed) = prefix_key(word).and_then(|key| self.by_prefix_start.get(key)) {
                candidates.extend_from_slice(indexed);
            }
            candidates.extend_from_slice(&self.unindexed);
            if candidates.is_empty() {
                continue;
            }
            // File order decides between overlapping matches of one label.
            candidates.sort_unstable();
            candidates.dedup();
            for &index in &candidates {
                let pattern = &self.patterns[index];
                if let Some(end) = match_slots(&pattern.slots, tokens, start) {
                    if end == start {
                        continue;
                    }
                    let overlaps = matches.iter().any(|m| m.label == pattern.label && m.end > start);
                    if overlaps {
                        continue;
                    }
                    matches.push(Match {
                        label: pattern.label,
                        weight: pattern.weight,
                        first: start,
                        end,
                        negated: negated_at(tokens, start),
                    });
                }
            }
        }
        matches
    }
}

fn parse_slots(pattern: &str) -> Option<Vec<Slot>> {
    let slots: Option<Vec<Slot>> = pattern
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(|slot| {
            let (body, optional) = match slot.strip_suffix('?') {
                Some(body) => (body, true),
                None => (slot, false),
            };
            let alternatives: Vec<Alternative> = body
                .split('/')
                .map(|alt| {
                    let alt = alt.to_lowercase().replace('’', "'");
                    if alt == "_" {
                        Some(Alternative::Any)
                    } else if let Some(prefix) = alt.strip_suffix('*') {
                        (!prefix.is_empty()).then(|| Alternative::Prefix(prefix.to_string()))
                    } else {
                        (!alt.is_empty()).then_some(Alternative::Word(alt))
                    }
                })
                .collect::<Option<_>>()?;
            Some(Slot { alternatives, optional })
        })
        .collect();
    slots.filter(|s| !s.is_empty())
}

/// Matches `slots` at `tokens[at..]` within one clause; returns one past the last token.
fn match_slots(slots: &[Slot], tokens: &[Token<'_>], at: usize) -> Option<usize> {
    let clause = tokens.get(at).map(|t| t.clause);
    fn go(slots: &[Slot], tokens: &[Token<'_>], at: usize, clause: Option<u32>) -> Option<usize> {
        let Some((slot, rest)) = slots.split_first() else {
            return Some(at);
        };
        if let Some(token) = tokens.get(at) {
            if Some(token.clause) == clause && slot.alternatives.iter().any(|a| a.matches(&token.lower)) {
                if let Some(end) = go(rest, tokens, at + 1, clause) {
                    return Some(end);
                }
            }
        }
        if slot.optional {
            return go(rest, tokens, at, clause);
        }
        None
    }
    go(slots, tokens, at, clause)
}

#[cfg(test)]
mod tests {
    use super::super::text::tokenize;
    use super::*;

    const LEXICON: &str = "\
# comment
churn\t0.9\tcancel my/our/the? subscription*/account
churn\t0.6\tswitching to|moving to
anger\t0.5\tfrustrat*|fed up
";

    fn labels(set: &PatternSet, text: &str) -> Vec<(String, String)> {
        let tokens = tokenize(text);
        set.find(&tokens)
            .into_iter()
            .map(|m| (set.label(m.label).to_string(), text[tokens[m.first].start..tokens[m.end - 1].end].to_string()))
            .collect()
    }

    #[test]
    fn matches_alternatives_optionals_and_prefixes() {
        let set = PatternSet::parse(LEXICON, &["churn", "anger"]).unwrap();
        assert_eq!(
            labels(&set, "Please CANCEL subscriptions now, so frustrating!"),
            [("churn".to_string(), "CANCEL subscriptions".to_string()), ("anger".to_string(), "frustrating".to_string())]
        );
        assert_eq!(labels(&set, "cancel our account").len(), 1);
        assert_eq!(labels(&set, "I'm fed up, moving to another bank").len(), 2);
        assert!(labels(&set, "switching. to").is_empty(), "clauses bound phrases");
    }

    #[test]
    fn reports_malformed_lines() {
        assert!(PatternSet::parse("x\t1\ta", &["y"]).unwrap_err().contains("unknown label"));
        assert!(PatternSet::parse("y\tz\ta", &["y"]).unwrap_err().contains("not a number"));
        assert!(PatternSet::parse("y\t1", &["y"]).unwrap_err().contains("line 1"));
    }

    #[test]
    fn marks_negated_matches() {
        let set = PatternSet::parse("anger\t1\tangry", &["anger"]).unwrap();
        let tokens = tokenize("I'm not angry");
        assert!(set.find(&tokens)[0].negated);
    }
}
