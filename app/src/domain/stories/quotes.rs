//! Gratitude quotes: a customer's own thank-you words, shown on the wall only with consent
//! to exactly the words and the naming shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_QUOTE_CHARS: usize = 400;

/// The exact text a customer approves for a quote.
pub fn quote_consent_text(quote: &str, naming: &str, customer_name: &str) -> String {
    let told_by = crate::domain::community::naming::public_name(naming, customer_name);
    format!("“{quote}”\n\nShown as: {told_by}")
}

/// A quote must be the whole message or one of its sentences, word for word.
pub fn checked_quote(quote: &str, message: &str) -> Result<String, String> {
    let quote = quote.trim();
    if quote.is_empty() {
        return Err("Choose the words to quote.".into());
    }
    if quote.chars().count() > MAX_QUOTE_CHARS {
        return Err(format!("A quote is at most {MAX_QUOTE_CHARS} characters; choose one sentence."));
    }
    let whole = message.trim() == quote;
    if whole || super::draft::sentences(message).iter().any(|s| s == quote) {
        Ok(quote.to_string())
    } else {
        Err("Quotes are the customer's words, unchanged: choose the whole message or one of its sentences.".into())
    }
}

fn escape_html(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// An HTML snippet of a consented quote for recovery or transactional mail (inline styles,
/// as mail clients ignore style sheets). Only for quotes on the wall: a withdrawn quote must
/// not be pasted again.
pub fn mail_snippet(quote: &str, said_by: &str, site: &str) -> String {
    format!(
        "<blockquote style=\"margin:16px 0;padding:8px 16px;border-left:4px solid #15803d;color:#222;font-style:italic\">\
         “{}”<br><span style=\"font-style:normal;color:#555\">— {}, shared with permission · <a href=\"{}/wall\">more thank-you notes</a></span></blockquote>",
        escape_html(quote),
        escape_html(said_by),
        escape_html(site.trim_end_matches('/'))
    )
}

/// The wall's honesty line: how many thank-you messages and positive CSAT comments there
/// were, and how many are shown.
pub fn selection_note(shown: i64, thank_yous: i64) -> String {
    match thank_yous {
        0 => "No thank-you messages or positive survey comments in the last 30 days yet.".to_string(),
        1 => format!("{shown} of 1 thank-you message or positive survey comment in the last 30 days is shown, with consent. Quotes are never edited."),
        n => format!("{shown} of {n} thank-you messages and positive survey comments in the last 30 days are shown, with consent. Quotes are never edited."),
    }
}

/// The lowest satisfaction score (1–5) whose comment may be proposed for the wall.
pub const QUOTABLE_CSAT_AT_LEAST: f64 = 4.0;

/// A CSAT comment is proposed only when the score is high *and* the engine reads the words
/// as warm (gratitude or joy, positive overall, no stronger negative feeling): "5 — but the
/// app still crashes" is a score, not a thank-you.
pub fn is_quotable_csat(score: f64, comment: &str) -> bool {
    use crate::emotion::emotions::Emotion;
    if score < QUOTABLE_CSAT_AT_LEAST || comment.trim().is_empty() {
        return false;
    }
    let analysis = crate::emotion::analyze(comment);
    let warmth = analysis.intensity_of(Emotion::Gratitude).max(analysis.intensity_of(Emotion::Joy));
    let worst = Emotion::ALL.iter().filter(|e| e.is_negative()).map(|e| analysis.intensity_of(*e)).fold(0.0, f64::max);
    analysis.extended > 0.2 && warmth > 0.0 && warmth > worst
}

/// Where a quote's words come from: a thank-you message or a satisfaction-survey comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuoteSource {
    Message(i64),
    Csat(i64),
}

impl QuoteSource {
    /// The form value: `message:12` or `csat:7`.
    pub fn key(self) -> String {
        match self {
            QuoteSource::Message(id) => format!("message:{id}"),
            QuoteSource::Csat(id) => format!("csat:{id}"),
        }
    }

    pub fn parse(key: &str) -> Result<QuoteSource, String> {
        let problem = || format!("“{key}” is not a quote source: expected message:<id> or csat:<id>.");
        let (kind, id) = key.trim().split_once(':').ok_or_else(problem)?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0).ok_or_else(problem)?;
        match kind {
            "message" => Ok(QuoteSource::Message(id)),
            "csat" => Ok(QuoteSource::Csat(id)),
            _ => Err(problem()),
        }
    }

    /// The quote's (`message_id`, `csat_event_id`) columns.
    pub fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            QuoteSource::Message(id) => (Some(id), None),
            QuoteSource::Csat(id) => (None, Some(id)),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QuoteSource::Message(_) => "thank-you message",
            QuoteSource::Csat(_) => "survey comment",
        }
    }
}

/// A thank-you message or positive survey comment marketing may propose for the wall.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GratitudeCandidate {
    pub source: QuoteSource,
    pub customer_name: String,
    pub body: String,
    /// The conversation's channel; `None` for a survey answer without a conversation.
    pub channel: Option<String>,
    /// The satisfaction score, for survey comments.
    pub csat_score: Option<f64>,
    pub created_at: DateTime<Utc>,
}

/// A quote as the studio sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StudioQuote {
    pub id: i64,
    pub quote: String,
    pub customer_name: String,
    pub naming: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: super::model::Publication,
    pub consent: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_the_customers_words() {
        let message = "Wow. Thank you for sorting this out so fast! You are great.";
        assert_eq!(checked_quote(" Thank you for sorting this out so fast! ", message).unwrap(), "Thank you for sorting this out so fast!");
        assert_eq!(checked_quote(message, message).unwrap(), message);
        assert!(checked_quote("Thank you for sorting this out!", message).is_err());
        assert!(checked_quote("", message).is_err());
    }

    #[test]
    fn the_mail_snippet_is_escaped() {
        let html = mail_snippet("<b>Thanks</b> & \"bye\"", "Quinn <A.>", "https://x.example/");
        assert!(html.contains("“&lt;b&gt;Thanks&lt;/b&gt; &amp; &quot;bye&quot;”"));
        assert!(html.contains("— Quinn &lt;A.&gt;, shared with permission"));
        assert!(html.contains("href=\"https://x.example/wall\""));
    }

    #[test]
    fn the_consent_text_shows_the_naming() {
        assert_eq!(quote_consent_text("So fast!", "first_name_initial", "Quinn Adams"), "“So fast!”\n\nShown as: Quinn A.");
        assert_eq!(
            selection_note(2, 9),
            "2 of 9 thank-you messages and positive survey comments in the last 30 days are shown, with consent. Quotes are never edited."
        );
        assert_eq!(selection_note(0, 0), "No thank-you messages or positive survey comments in the last 30 days yet.");
    }

    #[test]
    fn only_warm_high_scoring_survey_comments_are_quotable() {
        assert!(is_quotable_csat(5.0, "Thank you so much, Sam sorted it out in minutes!"));
        assert!(!is_quotable_csat(3.0, "Thank you so much, Sam sorted it out in minutes!"), "a middling score");
        assert!(!is_quotable_csat(5.0, "   "), "no comment");
        assert!(!is_quotable_csat(5.0, "The app still crashes and I am really frustrated."), "a high score with angry words");
        assert!(!is_quotable_csat(4.0, "Ticket 4411."), "no warmth in the words");
    }

    #[test]
    fn quote_sources_round_trip_and_reject_garbage() {
        for source in [QuoteSource::Message(12), QuoteSource::Csat(7)] {
            assert_eq!(QuoteSource::parse(&source.key()), Ok(source));
        }
        for bad in ["", "message", "message:", "message:-3", "csat:x", "story:4"] {
            assert!(QuoteSource::parse(bad).unwrap_err().contains("not a quote source"), "{bad}");
        }
    }
}
