//! Satisfaction after resolution: the rating request sent on the conversation's channel, with
//! five one-click links. A link carries a signed token naming its request; clicking records
//! the rating without signing in, and the customer may change it (and add a comment) for
//! seven days. Links expire after thirty. The pure part: scores, tokens, links, the question.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long the links in a rating request work.
pub const LINK_DAYS: i64 = 30;
/// How long after the first click a rating can still be changed.
pub const CHANGE_DAYS: i64 = 7;
/// Longest comment kept, in characters (as `POST /api/v1/csat`).
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// What each score means, 1 to 5.
pub const SCORE_LABELS: [&str; 5] = ["Very dissatisfied", "Dissatisfied", "Neither", "Satisfied", "Very satisfied"];

pub fn score_label(score: i64) -> &'static str {
    usize::try_from(score - 1).ok().and_then(|index| SCORE_LABELS.get(index)).copied().unwrap_or("Unknown")
}

/// The question sent when an agent resolves with "ask for a rating".
pub const QUESTION: &str =
    "We've marked this as resolved. How did we do? One click is enough — and you can tell us anything we could do better.";

/// The signed token of rating request `id`: the id and a keyed tag (no guessing another's).
#[cfg(feature = "ssr")]
pub fn token(secret: &[u8], id: i64) -> String {
    let tag = crate::domain::signing::token_hash(secret, &format!("rating-request:{id}"));
    format!("{id}-{}", &tag[..24])
}

/// The request a token names, if its tag is ours.
#[cfg(feature = "ssr")]
pub fn request_of(secret: &[u8], token: &str) -> Option<i64> {
    let (id, tag) = token.split_once('-')?;
    let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
    let expected = self::token(secret, id);
    let expected_tag = &expected[expected.len() - 24..];
    crate::domain::signing::same_secret(tag, expected_tag).then_some(id)
}

/// The five links of a request, score 1 first.
pub fn links(public_url: &str, token: &str) -> Vec<String> {
    (1..=5).map(|score| format!("{}/rate/{token}/{score}", public_url.trim_end_matches('/'))).collect()
}

/// The rating request as a mail body (Markdown: each link is a line of its own).
pub fn mail_body(question: &str, links: &[String]) -> String {
    let mut body = format!("{question}\n\n");
    for (index, link) in links.iter().enumerate() {
        body.push_str(&format!("- [{} — {}]({link})\n", index + 1, SCORE_LABELS[index.min(4)]));
    }
    body.push_str(&format!("\nThe links work for {LINK_DAYS} days; you can change your rating for {CHANGE_DAYS} days after you give it."));
    body
}

/// Whether a score may still be recorded or changed, and why not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    Open,
    /// The links expired before any rating was given.
    Expired,
    /// Rated more than `CHANGE_DAYS` ago: the rating stands.
    Settled,
}

pub fn window(expires_at: DateTime<Utc>, rated_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Window {
    match rated_at {
        Some(rated) if now > rated + Duration::days(CHANGE_DAYS) => Window::Settled,
        Some(_) => Window::Open,
        None if now > expires_at => Window::Expired,
        None => Window::Open,
    }
}

/// What the thank-you page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingView {
    pub score: i64,
    pub comment: Option<String>,
    pub subject: String,
    /// Until when the customer may change it.
    pub changeable_until: Option<DateTime<Utc>>,
    /// The five links, to change it.
    pub links: Vec<String>,
    /// Set when this click could not change anything: the rating shown is the one that stands.
    pub refused: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn tokens_name_their_request_and_nothing_else() {
        let secret = b"a secret of at least thirty-two bytes";
        let token = token(secret, 42);
        assert_eq!(request_of(secret, &token), Some(42));
        assert_eq!(request_of(secret, &token.replacen("42-", "43-", 1)), None);
        assert_eq!(request_of(b"another secret of thirty-two bytes!", &token), None);
        assert_eq!(request_of(secret, "42"), None);
        assert_eq!(request_of(secret, "-1-abc"), None);
    }

    #[test]
    fn five_links_and_a_readable_mail() {
        let links = links("https://care.example.com/", "7-abc");
        assert_eq!(links[0], "https://care.example.com/rate/7-abc/1");
        assert_eq!(links[4], "https://care.example.com/rate/7-abc/5");
        let body = mail_body(QUESTION, &links);
        assert!(body.contains("- [5 — Very satisfied](https://care.example.com/rate/7-abc/5)"), "{body}");
        assert_eq!(score_label(1), "Very dissatisfied");
        assert_eq!(score_label(9), "Unknown");
    }

    #[test]
    fn ratings_change_for_a_week_links_expire_after_a_month() {
        let sent = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let expires = sent + Duration::days(LINK_DAYS);
        assert_eq!(window(expires, None, sent + Duration::days(29)), Window::Open);
        assert_eq!(window(expires, None, sent + Duration::days(31)), Window::Expired);
        let rated = sent + Duration::days(29);
        assert_eq!(
            window(expires, Some(rated), sent + Duration::days(35)),
            Window::Open,
            "a change within the week, even after the links expired"
        );
        assert_eq!(window(expires, Some(rated), rated + Duration::days(8)), Window::Settled);
    }
}
