//! A story as marketing drafts it, checked, and the exact text a customer consents to.

use serde::{Deserialize, Serialize};

use crate::domain::community::naming::Naming;

pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_NARRATIVE_CHARS: usize = 2_000;
pub const MAX_RESOLUTION_CHARS: usize = 600;
pub const MAX_QUOTES: usize = 3;

/// What marketing writes. `quotes` are sentences the customer wrote, unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryDraft {
    pub title: String,
    pub narrative: String,
    pub resolution: String,
    pub quotes: Vec<String>,
    /// `full_name`, `first_name_initial` or `anonymous`.
    pub naming: String,
}

/// Why a draft cannot be saved, naming the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftProblem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> DraftProblem {
    DraftProblem { field, message: message.into() }
}

fn checked_text(field: &'static str, label: &str, text: &str, min: usize, max: usize) -> Result<String, DraftProblem> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars < min {
        return Err(problem(field, format!("{label} is too short: at least {min} characters.")));
    }
    if chars > max {
        return Err(problem(field, format!("{label} is too long: at most {max} characters (it has {chars}).")));
    }
    Ok(text.to_string())
}

impl StoryDraft {
    /// Trims and checks every field. `customer_sentences` are the sentences the customer wrote
    /// in the conversation: a quote must be one of them, word for word.
    pub fn checked(&self, customer_sentences: &[String]) -> Result<StoryDraft, DraftProblem> {
        let title = checked_text("title", "The title", &self.title, 8, MAX_TITLE_CHARS)?;
        let narrative = checked_text("narrative", "The story", &self.narrative, 40, MAX_NARRATIVE_CHARS)?;
        let resolution = checked_text("resolution", "The resolution", &self.resolution, 10, MAX_RESOLUTION_CHARS)?;
        if Naming::parse(&self.naming).is_none() {
            return Err(problem("naming", "Choose how the customer is named: full name, first name and initial, or anonymous."));
        }
        let mut quotes: Vec<String> = Vec::new();
        for quote in self.quotes.iter().map(|q| q.trim()).filter(|q| !q.is_empty()) {
            if !customer_sentences.iter().any(|sentence| sentence == quote) {
                return Err(problem(
                    "quotes",
                    format!("“{}” is not something the customer wrote in this conversation; quotes are never rewritten.", preview(quote)),
                ));
            }
            if !quotes.iter().any(|q| q == quote) {
                quotes.push(quote.to_string());
            }
        }
        if quotes.len() > MAX_QUOTES {
            return Err(problem("quotes", format!("Choose at most {MAX_QUOTES} quotes (you chose {}).", quotes.len())));
        }
        Ok(StoryDraft { title, narrative, resolution, quotes, naming: self.naming.clone() })
    }

    /// How the customer appears on the story.
    pub fn told_by(&self, customer_name: &str) -> String {
        crate::domain::community::naming::public_name(&self.naming, customer_name)
    }

    /// The exact text the customer is asked to approve: everything that will be public,
    /// including how they are named. Consent is valid only while this text is unchanged.
    pub fn consent_text(&self, customer_name: &str) -> String {
        let mut text = format!("{}\n\n{}\n\nHow it was resolved: {}", self.title, self.narrative, self.resolution);
        for quote in &self.quotes {
            text.push_str(&format!("\n\nIn your words: “{quote}”"));
        }
        text.push_str(&format!("\n\nShown as: {}", self.told_by(customer_name)));
        text
    }
}

fn preview(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        short.push('…');
    }
    short
}

/// The sentences of a message, as offered for quoting (trimmed, at least three words).
pub fn sentences(body: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current = String::new();
    let mut push = |sentence: &mut String| {
        let trimmed = sentence.trim();
        if trimmed.split_whitespace().count() >= 3 {
            found.push(trimmed.to_string());
        }
        sentence.clear();
    };
    for ch in body.chars() {
        if ch == '\n' {
            push(&mut current);
            continue;
        }
        current.push(ch);
        if matches!(ch, '.' | '!' | '?') {
            push(&mut current);
        }
    }
    push(&mut current);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> StoryDraft {
        StoryDraft {
            title: "  Charged twice, fixed in a day ".into(),
            narrative: "Dana was charged twice for one order and wrote to us, understandably upset.".into(),
            resolution: "We refunded the second charge the same day.".into(),
            quotes: vec!["Thank you so much, that was quick!".into(), "".into()],
            naming: "first_name_initial".into(),
        }
    }

    #[test]
    fn splits_messages_into_quotable_sentences() {
        assert_eq!(
            sentences("Hi. I was charged twice! Can you help me?\nThank you so much, that was quick!"),
            ["I was charged twice!", "Can you help me?", "Thank you so much, that was quick!"]
        );
    }

    #[test]
    fn a_checked_draft_is_trimmed_and_quotes_must_be_the_customers_words() {
        let said = sentences("Thank you so much, that was quick! I will tell my friends.");
        let checked = draft().checked(&said).unwrap();
        assert_eq!(checked.title, "Charged twice, fixed in a day");
        assert_eq!(checked.quotes, ["Thank you so much, that was quick!"]);

        let mut rewritten = draft();
        rewritten.quotes = vec!["Thank you so much, that was amazing!".into()];
        assert_eq!(rewritten.checked(&said).unwrap_err().field, "quotes");
    }

    #[test]
    fn names_the_field_that_is_wrong() {
        let said: Vec<String> = Vec::new();
        let mut short = draft();
        short.quotes.clear();
        short.title = "Hi".into();
        assert_eq!(short.checked(&said).unwrap_err().message, "The title is too short: at least 8 characters.");
        let mut naming = draft();
        naming.quotes.clear();
        naming.naming = "nickname".into();
        assert_eq!(naming.checked(&said).unwrap_err().field, "naming");
        let mut long = draft();
        long.quotes.clear();
        long.narrative = "x".repeat(MAX_NARRATIVE_CHARS + 1);
        assert!(long.checked(&said).unwrap_err().message.contains("at most 2000"));
    }

    #[test]
    fn the_consent_text_holds_everything_public_including_the_naming() {
        let said = sentences("Thank you so much, that was quick!");
        let checked = draft().checked(&said).unwrap();
        let text = checked.consent_text("Dana Smith");
        assert!(text.starts_with("Charged twice, fixed in a day\n\nDana was charged twice"));
        assert!(text.contains("How it was resolved: We refunded"));
        assert!(text.contains("In your words: “Thank you so much, that was quick!”"));
        assert!(text.ends_with("Shown as: Dana S."));
        let mut anonymous = checked.clone();
        anonymous.naming = "anonymous".into();
        assert_ne!(anonymous.consent_text("Dana Smith"), text, "a different naming needs new consent");
    }
}
