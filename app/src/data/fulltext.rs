//! What a person typed into a search box, as a full-text query for either backend.
//!
//! Both backends index words (SQLite FTS5 `unicode61`, Postgres `to_tsvector('simple', …)`),
//! lower-cased. A query matches documents holding every typed word as a word prefix, so
//! "refu card" finds "Refund to my card". Punctuation only separates words: it can never
//! reach the query language as an operator.

/// More words than this add nothing but cost; the rest are ignored.
const MAX_WORDS: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchTerms(Vec<String>);

impl SearchTerms {
    pub fn parse(text: &str) -> SearchTerms {
        let mut words: Vec<String> = Vec::new();
        for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            let word = word.to_lowercase();
            if !words.contains(&word) && words.len() < MAX_WORDS {
                words.push(word);
            }
        }
        SearchTerms(words)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// An FTS5 `MATCH` expression: every word as a quoted prefix term (implicit AND).
    pub fn fts5(&self) -> String {
        self.0.iter().map(|word| format!("\"{word}\"*")).collect::<Vec<_>>().join(" ")
    }

    /// A `to_tsquery('simple', …)` expression: every word as a prefix, all required.
    pub fn tsquery(&self) -> String {
        self.0.iter().map(|word| format!("{word}:*")).collect::<Vec<_>>().join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_deduplicated_and_stripped_of_operators() {
        let terms = SearchTerms::parse("Refund \"card\" OR -card* 100%_ NEAR(x)");
        assert_eq!(terms.words(), ["refund", "card", "or", "100", "near", "x"].map(String::from));
        assert_eq!(terms.fts5(), "\"refund\"* \"card\"* \"or\"* \"100\"* \"near\"* \"x\"*");
        assert_eq!(terms.tsquery(), "refund:* & card:* & or:* & 100:* & near:* & x:*");
    }

    #[test]
    fn punctuation_alone_is_no_query_and_long_queries_are_capped() {
        assert!(SearchTerms::parse("%_ '\" *").is_empty());
        assert_eq!(SearchTerms::parse("a b c d e f g h i j").words().len(), MAX_WORDS);
        assert_eq!(SearchTerms::parse("Crème brûlée").words(), ["crème", "brûlée"]);
    }
}
