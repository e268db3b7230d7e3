//! The outbox: every message Rapport sends to a customer (journey steps first) is a row
//! before it is a mail. This module is the pure part — delivery states, the retry policy,
//! what the outbox page shows; storage is `data::outbox`, sending is the server's mail worker.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Why queued messages are not delivered when no mail transport is configured.
pub const NO_TRANSPORT: &str = "not sent: no mail transport";
/// Why a message to a customer without an address is not delivered.
pub const NO_ADDRESS: &str = "not sent: the customer has no email address";

/// Delivery states of an outbox row, as stored.
pub const DELIVERY_STATES: [&str; 3] = ["pending", "sent", "not_sent"];

/// A mail is tried this many times before it is given up (temporary failures only).
pub const MAX_MAIL_ATTEMPTS: i64 = 5;

/// Wait before the next attempt after `attempts` failed ones: 1, 5, 25, 125 minutes.
pub fn mail_retry_delay(attempts: i64) -> Duration {
    Duration::minutes(5_i64.pow(attempts.clamp(1, 5) as u32 - 1))
}

/// How one attempt to hand a message to the mail server went.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempt {
    /// The mail server accepted it.
    Accepted,
    /// Worth trying again (the server was unreachable, or answered 4xx).
    Temporary(String),
    /// Trying again would not help (a 5xx answer, no address, an address the server refused).
    Permanent(String),
}

/// What an attempt leaves the row as: (delivery, note, next attempt).
pub fn after_attempt(attempt: &Attempt, attempts_so_far: i64, now: DateTime<Utc>) -> (&'static str, Option<String>, Option<DateTime<Utc>>) {
    let attempts = attempts_so_far + 1;
    match attempt {
        Attempt::Accepted => ("sent", None, None),
        Attempt::Permanent(reason) => ("not_sent", Some(format!("not sent: {reason}")), None),
        Attempt::Temporary(reason) if attempts >= MAX_MAIL_ATTEMPTS => {
            ("not_sent", Some(format!("not sent after {attempts} attempts: {reason}")), None)
        }
        Attempt::Temporary(reason) => {
            let next = now + mail_retry_delay(attempts);
            ("pending", Some(format!("attempt {attempts} failed: {reason}; trying again")), Some(next))
        }
    }
}

/// The subject line of a journey message.
pub fn journey_subject(issue_summary: &str) -> String {
    let summary = issue_summary.trim();
    if summary.is_empty() {
        "A note from our team".to_string()
    } else {
        format!("Re: {summary}")
    }
}

/// The outbox key of agent reply `message_id` (its mail's `Message-ID` is made from it).
pub fn reply_key(message_id: i64) -> String {
    format!("reply:{message_id}")
}

/// The agent reply a `Message-ID` of ours (without brackets) names: `reply.42@domain`.
pub fn reply_of_mail_id(mail_id: &str, domain: &str) -> Option<i64> {
    let (local, host) = mail_id.rsplit_once('@')?;
    if !host.eq_ignore_ascii_case(domain) {
        return None;
    }
    local.strip_prefix("reply.")?.parse().ok()
}

/// The `Message-ID` of an outbox row: its unique key, so that a receiver (or a human)
/// recognises a mail that was handed over twice after a crash.
pub fn message_id(dedupe_key: &str, domain: &str) -> String {
    let local: String = dedupe_key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '.' }).collect();
    format!("<{local}@{domain}>")
}

/// One outbox row as the outbox page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OutboxRow {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub conversation_id: Option<i64>,
    pub channel: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub delivery: String,
    pub delivery_note: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Rows per outbox page.
pub const OUTBOX_PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sent: i64,
    pub not_sent: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxListing {
    pub counts: OutboxCounts,
    pub rows: Vec<OutboxRow>,
    pub delivery: String,
    pub page: i64,
    pub has_more: bool,
    /// Whether a mail transport is configured (otherwise nothing can be sent again).
    pub transport: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn temporary_failures_back_off_then_give_up_permanent_ones_stop_at_once() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let down = Attempt::Temporary("connection refused".into());
        assert_eq!(after_attempt(&Attempt::Accepted, 0, now), ("sent", None, None));
        let (state, note, next) = after_attempt(&down, 0, now);
        assert_eq!((state, next), ("pending", Some(now + Duration::minutes(1))));
        assert_eq!(note.as_deref(), Some("attempt 1 failed: connection refused; trying again"));
        assert_eq!(after_attempt(&down, 2, now).2, Some(now + Duration::minutes(25)));
        assert_eq!(
            after_attempt(&down, MAX_MAIL_ATTEMPTS - 1, now),
            ("not_sent", Some("not sent after 5 attempts: connection refused".into()), None)
        );
        assert_eq!(
            after_attempt(&Attempt::Permanent("550 no such user".into()), 0, now),
            ("not_sent", Some("not sent: 550 no such user".into()), None)
        );
    }

    #[test]
    fn subjects_and_message_ids() {
        assert_eq!(journey_subject("Charged twice"), "Re: Charged twice");
        assert_eq!(journey_subject("  "), "A note from our team");
        assert_eq!(message_id("journey-step:42", "rapport.example"), "<journey-step.42@rapport.example>");
        let ours = message_id(&reply_key(42), "rapport.test");
        assert_eq!(reply_of_mail_id(ours.trim_matches(['<', '>']), "rapport.test"), Some(42), "a reply's Message-ID leads back to it");
        assert_eq!(reply_of_mail_id("reply.42@RAPPORT.test", "rapport.test"), Some(42));
        assert_eq!(reply_of_mail_id("reply.42@elsewhere.test", "rapport.test"), None);
        assert_eq!(reply_of_mail_id("journey-step.42@rapport.test", "rapport.test"), None);
    }
}
