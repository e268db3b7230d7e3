//! Rows the data-layer tests insert directly: a resolved conversation and a customer's scored
//! message, with the rest of their fields at plain defaults. A test changes what it is about
//! with struct update syntax (`NewMessage { analysis: …, ..customer_message(…) }`).

use app::data::conversations::{NewConversation, NewMessage};
use app::domain::channels::{Channel, Direction};
use app::domain::workspace::ConversationStatus;
use chrono::{DateTime, Utc};

/// The engine's analysis of a thank-you: what makes a message a gratitude candidate.
pub const GRATITUDE_ANALYSIS: &str = r#"{"emotions":[{"emotion":"gratitude","intensity":0.8,"evidence":[]}]}"#;

/// An email conversation of `customer_id`, opened and resolved at `at`, at low risk.
pub fn resolved_conversation(customer_id: i64, subject: &str, at: DateTime<Utc>) -> NewConversation {
    NewConversation {
        customer_id,
        subject: subject.into(),
        channel: Channel::Email,
        status: ConversationStatus::Resolved,
        priority: "normal",
        situation: None,
        waiting_since: None,
        last_message_at: at,
        created_at: at,
        resolved_at: Some(at),
        risk_score: 0,
        risk_level: "low",
        risk_factors: None,
        guidance: None,
        last_excerpt: None,
    }
}

/// A message the customer wrote, with its sentiment and no stored analysis.
pub fn customer_message(conversation_id: i64, customer_id: i64, body: &str, created_at: DateTime<Utc>, sentiment: f64) -> NewMessage {
    NewMessage {
        conversation_id,
        direction: Direction::Inbound,
        author_user_id: None,
        author_customer_id: Some(customer_id),
        body: body.into(),
        created_at,
        sentiment: Some(sentiment),
        analysis: None,
    }
}
