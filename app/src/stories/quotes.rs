//! Gratitude quotes: a customer's own thank-you words, shown on the wall only with consent
//! to exactly the words and the naming shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};


pub const MAX_QUOTE_CHARS: usize = 400;

/// The exact text a customer approves for a quote.
pub fn quote_consent_text(quote: &str, naming: &str, customer_name: &str) -> String {
    let told_by = crate::community::naming::public_name(naming, customer_name);
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

/// The wall's honesty line: how many thank-you messages there were, and how many are shown.
pub fn selection_note(shown: i64, thank_yous: i64) -> String {
    match thank_yous {
        0 => "No thank-you messages in the last 30 days yet.".to_string(),
        1 => format!("{shown} of 1 thank-you message in the last 30 days is shown, with consent. Quotes are never edited."),
        n => format!("{shown} of {n} thank-you messages in the last 30 days are shown, with consent. Quotes are never edited."),
    }
}

/// A thank-you message marketing may propose for the wall.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct GratitudeCandidate {
    pub message_id: i64,
    pub customer_name: String,
    pub body: String,
    pub channel: String,
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
    pub status: String,
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
        assert_eq!(selection_note(2, 9), "2 of 9 thank-you messages in the last 30 days are shown, with consent. Quotes are never edited.");
        assert_eq!(selection_note(0, 0), "No thank-you messages in the last 30 days yet.");
    }
}
