//! Word tokens with their position in the original text, so that every finding of the engine
//! can point at the words it is based on.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A word (letters, digits and inner apostrophes) in lower case, with its byte range in the
/// original text and the clause it belongs to (clauses end at `. ! ? ;` and line breaks).
#[derive(Clone, Debug, PartialEq)]
pub struct Token<'a> {
    pub lower: Cow<'a, str>,
    pub start: usize,
    pub end: usize,
    pub clause: u32,
    /// Written in capitals and longer than one letter ("NEVER"), a sign of shouting.
    pub shouted: bool,
}

/// The words a finding is based on: the original text and its byte range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

impl Evidence {
    pub fn of(text: &str, start: usize, end: usize) -> Self {
        Evidence { text: text[start..end].to_string(), start, end }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

fn ends_clause(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '\n')
}

/// Splits `text` into word tokens. Apostrophes inside a word are kept ("don't", with the
/// typographic ’ read as '); everything else separates words.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut clause = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if ends_clause(c) {
            clause += 1;
            continue;
        }
        if !is_word_char(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if is_word_char(next) {
                end = i + next.len_utf8();
                chars.next();
            } else if is_apostrophe(next) {
                // Keep the apostrophe only when a letter follows ("don't", not "customers' ").
                let mut lookahead = chars.clone();
                lookahead.next();
                match lookahead.peek() {
                    Some(&(_, after)) if is_word_char(after) => {
                        chars.next();
                        end = i + next.len_utf8();
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        let word = &text[start..end];
        tokens.push(Token {
            lower: normalize(word),
            start,
            end,
            clause,
            shouted: word.chars().filter(|c| c.is_alphabetic()).count() > 1
                && word.chars().any(char::is_uppercase)
                && !word.chars().any(char::is_lowercase),
        });
    }
    tokens
}

/// Lower case with the typographic apostrophe folded, borrowing when nothing changes.
fn normalize(word: &str) -> Cow<'_, str> {
    let needs_change = word.chars().any(|c| c.is_uppercase() || c == '’');
    if !needs_change {
        return Cow::Borrowed(word);
    }
    Cow::Owned(word.to_lowercase().replace('’', "'"))
}

/// Words that turn the meaning of the next few words around.
pub fn is_negator(word: &str) -> bool {
    matches!(word, "not" | "no" | "never" | "neither" | "nor" | "nothing" | "without" | "hardly" | "barely")
        || word.ends_with("n't")
        || matches!(word, "dont" | "didnt" | "doesnt" | "isnt" | "wasnt" | "cant" | "wont" | "havent" | "arent")
}

/// True when a negator stands in the three words before token `index`, in the same clause.
pub fn negated_at(tokens: &[Token<'_>], index: usize) -> bool {
    let clause = tokens[index].clause;
    tokens[index.saturating_sub(3)..index].iter().any(|t| t.clause == clause && is_negator(&t.lower))
}

/// Amounts of money written in the text ("$129.00", "€40", "250 dollars"), in whole units.
pub fn money_amounts(text: &str) -> Vec<f64> {
    let mut amounts = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let symbol = ['$', '€', '£'].iter().find(|s| rest.starts_with(**s));
        if let Some(symbol) = symbol {
            let after = &rest[symbol.len_utf8()..];
            let after = after.trim_start();
            if let Some(value) = leading_number(after) {
                amounts.push(value);
            }
            i += symbol.len_utf8();
            continue;
        }
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            if let Some(value) = leading_number(rest) {
                let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')).unwrap_or(rest.len());
                let unit = rest[digits..].trim_start().to_ascii_lowercase();
                if ["dollars", "euros", "pounds", "usd", "eur", "gbp"].iter().any(|u| unit.starts_with(u)) {
                    amounts.push(value);
                }
                i += digits.max(1);
                continue;
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    amounts
}

fn leading_number(text: &str) -> Option<f64> {
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')).unwrap_or(text.len());
    let number = text[..end].trim_end_matches(['.', ',']).replace(',', "");
    number.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.lower.into_owned()).collect()
    }

    #[test]
    fn keeps_inner_apostrophes_and_positions() {
        assert_eq!(words("I DON’T want the customers' refund—now!"), ["i", "don't", "want", "the", "customers", "refund", "now"]);
        let text = "Still waiting, 3rd time.";
        let tokens = tokenize(text);
        assert_eq!(&text[tokens[2].start..tokens[2].end], "3rd");
        assert!(!tokens[0].shouted);
        assert!(tokenize("NEVER again")[0].shouted);
        assert!(!tokenize("I am")[0].shouted);
    }

    #[test]
    fn clauses_bound_negation() {
        let tokens = tokenize("I am not upset. Happy now");
        assert!(negated_at(&tokens, 3));
        assert!(!negated_at(&tokens, 4));
    }

    #[test]
    fn finds_money() {
        assert_eq!(money_amounts("charged $1,299.00 and €40 plus 250 dollars"), [1299.0, 40.0, 250.0]);
        assert!(money_amounts("order 12345 arrived").is_empty());
    }
}

/// A piece of text, marked (with a label) or not, for highlighting evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub mark: Option<String>,
}

/// Cuts `text` into plain and marked segments. `marks` are byte ranges with a label; where
/// ranges overlap, the one starting first wins. Ranges off a character boundary are ignored.
pub fn highlight(text: &str, marks: &[(usize, usize, String)]) -> Vec<Segment> {
    let mut marks: Vec<&(usize, usize, String)> = marks
        .iter()
        .filter(|(start, end, _)| start < end && *end <= text.len() && text.is_char_boundary(*start) && text.is_char_boundary(*end))
        .collect();
    marks.sort_by_key(|(start, end, _)| (*start, std::cmp::Reverse(*end)));
    let mut segments = Vec::new();
    let mut at = 0;
    for (start, end, label) in marks {
        if *start < at {
            continue;
        }
        if *start > at {
            segments.push(Segment { text: text[at..*start].to_string(), mark: None });
        }
        segments.push(Segment { text: text[*start..*end].to_string(), mark: Some(label.clone()) });
        at = *end;
    }
    if at < text.len() {
        segments.push(Segment { text: text[at..].to_string(), mark: None });
    }
    segments
}

#[cfg(test)]
mod highlight_tests {
    use super::*;

    #[test]
    fn marks_ranges_and_skips_overlaps() {
        let text = "so frustrated, cancel my plan";
        let segments = highlight(text, &[(15, 29, "churn".into()), (3, 13, "anger".into()), (20, 22, "x".into())]);
        let shown: Vec<(&str, Option<&str>)> = segments.iter().map(|s| (s.text.as_str(), s.mark.as_deref())).collect();
        assert_eq!(shown, [("so ", None), ("frustrated", Some("anger")), (", ", None), ("cancel my plan", Some("churn"))]);
        assert_eq!(highlight("ab", &[(0, 9, "x".into())]), [Segment { text: "ab".into(), mark: None }]);
    }
}
