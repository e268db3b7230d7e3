//! What the agent workspace shows, shared by server and browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::channels::{Channel, Direction};
use super::keyed::keyed_enum;
use crate::emotion::risk::RiskLevel;
use crate::emotion::situation::{Guidance, Situation};
use crate::emotion::tone::ToneContext;

keyed_enum! {
    /// Where a conversation is: waiting on us, waiting on the customer, or done.
    pub enum ConversationStatus {
        Open = "open",
        Pending = "pending",
        Resolved = "resolved",
        Closed = "closed",
    }
}

impl ConversationStatus {
    /// Resolved or closed: nothing is waiting on anyone.
    pub fn is_done(self) -> bool {
        matches!(self, ConversationStatus::Resolved | ConversationStatus::Closed)
    }
}

keyed_enum! {
    /// Whose conversations the inbox shows.
    pub enum AssigneeFilter {
        /// The viewer's own.
        Mine = "mine",
        Unassigned = "unassigned",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InboxRow {
    pub id: i64,
    pub customer_name: String,
    pub subject: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub channel: Channel,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: ConversationStatus,
    pub priority: String,
    pub risk_score: i64,
    pub risk_level: String,
    /// JSON list of risk factors, largest first (see `emotion::risk::RiskFactor`).
    pub risk_factors: Option<String>,
    pub situation: Option<String>,
    pub guidance: Option<String>,
    pub last_excerpt: Option<String>,
    pub assignee_name: Option<String>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub last_message_at: DateTime<Utc>,
}

impl InboxRow {
    /// The labels of the largest risk factors, for the badge.
    pub fn top_reasons(&self, count: usize) -> Vec<String> {
        self.risk_factors
            .as_deref()
            .and_then(|json| serde_json::from_str::<Vec<crate::emotion::risk::RiskFactor>>(json).ok())
            .unwrap_or_default()
            .into_iter()
            .take(count)
            .map(|f| f.label)
            .collect()
    }
}

/// The inbox filters, as they appear in the URL (`/workspace?risk=high&assignee=mine`).
/// Empty means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InboxFilter {
    pub status: String,
    pub channel: String,
    pub risk: String,
    pub situation: String,
    /// "mine" or "unassigned".
    pub assignee: String,
    /// Words (each matched as a word prefix) in the subject, the latest message or the customer's name.
    pub q: String,
}

/// The inbox filters, read: what the inbox selects by. `None` means "any".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InboxQuery {
    pub status: Option<ConversationStatus>,
    pub channel: Option<Channel>,
    pub risk: Option<RiskLevel>,
    pub situation: Option<Situation>,
    pub assignee: Option<AssigneeFilter>,
    pub q: String,
}

/// Longest inbox search, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

impl InboxFilter {
    /// The statuses of the conversations the inbox holds (the others are done).
    pub const STATUSES: [ConversationStatus; 2] = [ConversationStatus::Open, ConversationStatus::Pending];

    /// Reads the filters from their words; a problem is (field, message).
    pub fn parse(&self) -> Result<InboxQuery, (&'static str, String)> {
        fn word<T>(
            field: &'static str,
            value: &str,
            parse: impl Fn(&str) -> Option<T>,
            keys: String,
        ) -> Result<Option<T>, (&'static str, String)> {
            if value.is_empty() {
                return Ok(None);
            }
            parse(value).map(Some).ok_or_else(|| (field, format!("Unknown {field} \"{value}\"; choose one of: {keys}.")))
        }
        let statuses = || Self::STATUSES.iter().map(|status| status.key()).collect::<Vec<_>>().join(", ");
        let status = word("status", &self.status, |value| Self::STATUSES.into_iter().find(|status| status.key() == value), statuses())?;
        let risks = RiskLevel::ALL.iter().map(|level| level.key()).collect::<Vec<_>>().join(", ");
        let situations = Situation::ALL.iter().map(|situation| situation.key()).collect::<Vec<_>>().join(", ");
        if self.q.chars().count() > MAX_SEARCH_CHARS {
            return Err(("q", format!("Search for at most {MAX_SEARCH_CHARS} characters.")));
        }
        Ok(InboxQuery {
            status,
            channel: word("channel", &self.channel, Channel::parse, Channel::keys())?,
            risk: word("risk", &self.risk, RiskLevel::from_key, risks)?,
            situation: word("situation", &self.situation, Situation::from_key, situations)?,
            assignee: word("assignee", &self.assignee, AssigneeFilter::parse, AssigneeFilter::keys())?,
            q: self.q.clone(),
        })
    }

    /// The query string for these filters (without `page`), starting with `?` when not empty.
    pub fn query_string(&self) -> String {
        let pairs: Vec<String> = [
            ("status", &self.status),
            ("channel", &self.channel),
            ("risk", &self.risk),
            ("situation", &self.situation),
            ("assignee", &self.assignee),
            ("q", &self.q),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::domain::format::encode_component(v)))
        .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

/// How many active conversations each filter value has.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FilterCounts {
    pub by_risk: Vec<(String, i64)>,
    pub by_channel: Vec<(String, i64)>,
    pub by_situation: Vec<(String, i64)>,
}

impl FilterCounts {
    pub fn count(list: &[(String, i64)], key: &str) -> i64 {
        list.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
    }
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
    pub filter_counts: FilterCounts,
    pub filter: InboxFilter,
    /// Conversations matching the filter (all pages).
    pub matching: i64,
    pub rows: Vec<InboxRow>,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MessageView {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub direction: Direction,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// The engine's analysis of an inbound message (JSON, as stored).
    #[serde(skip)]
    pub analysis_json: Option<String>,
    /// Filled from `analysis_json` (or computed) by the server function.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub analysis: Option<crate::emotion::Analysis>,
    /// An outgoing message Rapport delivers: queued, sent, delivered or failed (`channels`).
    pub delivery: Option<String>,
    pub delivery_note: Option<String>,
    /// Files attached to the customer's mail (kept in the received mail).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    #[serde(default)]
    pub attachments: Vec<AttachmentView>,
}

/// A file attached to a received mail, downloadable from the workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Where an agent downloads it.
    pub href: String,
}

/// Mail received for a conversation that no person wrote (bounces, out-of-office replies).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AutomaticMailView {
    pub received_at: DateTime<Utc>,
    pub from: String,
    pub note: Option<String>,
    /// The original mail, for inspection.
    pub href: String,
}

/// The customer behind a conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CustomerProfile {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub plan: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ConversationSummary {
    pub id: i64,
    pub subject: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: ConversationStatus,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub channel: Channel,
    pub last_message_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EventView {
    pub kind: String,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// Everything the customer panel shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerPanel {
    pub profile: CustomerProfile,
    pub traits: crate::emotion::traits::Traits,
    pub state: Option<crate::emotion::state::EmotionalState>,
    /// (time, extended sentiment) of the customer's inbound messages, oldest first.
    pub sentiment: Vec<(DateTime<Utc>, f64)>,
    pub previous: Vec<ConversationSummary>,
    /// CSAT answers, newest first.
    pub csat: Vec<EventView>,
    /// Purchases, cancellations and return visits, newest first.
    pub events: Vec<EventView>,
}

/// A staff member a conversation can be assigned to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Assignee {
    pub id: i64,
    pub display_name: String,
}

/// The inbox counts matching conversations up to this many (then says "more than").
pub const MATCHING_CAP: i64 = 1_000;

pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
/// The longest resolution summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 1_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationPage {
    pub conversation: InboxRow,
    pub customer_email: Option<String>,
    pub messages: Vec<MessageView>,
    /// What the tone check knows about the customer's latest messages.
    pub tone_context: ToneContext,
    /// How to meet the customer's latest message.
    pub guidance: Option<Guidance>,
    pub customer: Option<CustomerPanel>,
    pub assignees: Vec<Assignee>,
    pub assignee_id: Option<i64>,
    pub resolution_summary: Option<String>,
    /// The newest recovery journey about this conversation.
    pub journey: Option<crate::domain::journeys::model::JourneyView>,
    /// What an agent may start a journey from.
    #[serde(default)]
    pub journey_templates: Vec<crate::domain::journeys::templates::TemplateView>,
    /// Automatic mail received for the conversation (recorded, never scored).
    #[serde(default)]
    pub automatic_mail: Vec<AutomaticMailView>,
}

/// The largest reply an agent can send, in characters.
pub const MAX_REPLY_CHARS: usize = 10_000;

/// What changed about a conversation, as live inbox events name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxChange {
    /// A new inbound or outbound message.
    Message,
    /// The conversation's risk changed.
    Risk,
    /// Assigned, prioritised, resolved, a note, a delivery report.
    Update,
    /// Events may have been missed (another instance's, while this one was not listening):
    /// reload everything.
    Resync,
}

impl InboxChange {
    pub const ALL: [InboxChange; 4] = [InboxChange::Message, InboxChange::Risk, InboxChange::Update, InboxChange::Resync];

    pub fn name(self) -> &'static str {
        match self {
            InboxChange::Message => "message",
            InboxChange::Risk => "risk",
            InboxChange::Update => "update",
            InboxChange::Resync => "resync",
        }
    }

    pub fn parse(name: &str) -> Option<InboxChange> {
        InboxChange::ALL.into_iter().find(|change| change.name() == name)
    }
}
