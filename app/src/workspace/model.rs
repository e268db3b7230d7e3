//! What the agent workspace shows, shared by server and browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::emotion::situation::Guidance;
use crate::emotion::tone::ToneContext;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InboxRow {
    pub id: i64,
    pub customer_name: String,
    pub subject: String,
    pub channel: String,
    pub status: String,
    pub priority: String,
    pub risk_score: i64,
    pub situation: Option<String>,
    pub assignee_name: Option<String>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub last_message_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InboxCounts {
    pub open: i64,
    pub pending: i64,
    pub unassigned: i64,
    pub mine: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxPage {
    /// The server's clock when the page was read; waiting times are measured from it
    /// so that server rendering and hydration show the same text.
    pub now: DateTime<Utc>,
    pub counts: InboxCounts,
    pub rows: Vec<InboxRow>,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MessageView {
    pub id: i64,
    pub direction: String,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationPage {
    pub conversation: InboxRow,
    pub customer_email: Option<String>,
    pub messages: Vec<MessageView>,
    /// What the tone check knows about the customer's latest messages.
    pub tone_context: ToneContext,
    /// How to meet the customer's latest message.
    pub guidance: Option<Guidance>,
}

/// The largest reply an agent can send, in characters.
pub const MAX_REPLY_CHARS: usize = 10_000;
