//! Received mail as Rapport files it: what became of each mail and the attachments it carried.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An attachment of a received mail; its bytes stay in the raw mail.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// What became of received mail, as stored, and how the page names it.
pub const OUTCOMES: [(&str, &str); 5] = [
    ("message", "Messages"),
    ("automatic", "Automatic"),
    ("unreadable", "Unreadable"),
    ("ignored", "Nothing new"),
    ("received", "Not filed yet"),
];

pub const RECEIVED_PAGE_SIZE: i64 = 50;

/// One received mail as the page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ReceivedMail {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub envelope_from: String,
    pub size_bytes: i64,
    pub outcome: String,
    pub note: Option<String>,
    pub conversation_id: Option<i64>,
    pub message_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReceivedListing {
    pub rows: Vec<ReceivedMail>,
    /// (outcome, count) for every outcome with mail.
    pub counts: Vec<(String, i64)>,
    pub outcome: String,
    pub page: i64,
    pub has_more: bool,
}
