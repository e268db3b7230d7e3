//! Outbound webhooks: what they are, which events exist, how deliveries are retried and signed.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// An event a webhook can subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookEvent {
    RiskRaised,
    ConversationResolved,
    JourneyHealed,
    MessageOutbound,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 4] =
        [WebhookEvent::RiskRaised, WebhookEvent::ConversationResolved, WebhookEvent::JourneyHealed, WebhookEvent::MessageOutbound];

    /// The name receivers get (`event` in the body) and subscriptions store.
    pub fn name(self) -> &'static str {
        match self {
            WebhookEvent::RiskRaised => "risk.raised",
            WebhookEvent::ConversationResolved => "conversation.resolved",
            WebhookEvent::JourneyHealed => "journey.healed",
            WebhookEvent::MessageOutbound => "message.outbound",
        }
    }

    /// What it means, for the settings page.
    pub fn meaning(self) -> &'static str {
        match self {
            WebhookEvent::RiskRaised => "a conversation reached high or critical emotional risk",
            WebhookEvent::ConversationResolved => "an agent resolved a conversation",
            WebhookEvent::JourneyHealed => "a recovery journey ended with the customer's trust restored",
            WebhookEvent::MessageOutbound => {
                "an agent's reply on a chat, social, SMS or phone conversation, for your system to deliver (report back to /api/v1/messages/{id}/delivery)"
            }
        }
    }

    /// The settings form's checkbox for it (`webhooks/add` takes one argument per event).
    pub fn form_field(self) -> &'static str {
        match self {
            WebhookEvent::RiskRaised => "risk_raised",
            WebhookEvent::ConversationResolved => "resolved",
            WebhookEvent::JourneyHealed => "healed",
            WebhookEvent::MessageOutbound => "outbound",
        }
    }

    pub fn parse(name: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|event| event.name() == name)
    }
}

/// A delivery is tried this many times before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 6;

/// Wait before the next attempt after `attempts` failed ones: 30 s, 1, 2, 4, 8 minutes.
pub fn retry_delay(attempts: i64) -> Duration {
    Duration::seconds(30 * 2_i64.pow(attempts.clamp(1, 10) as u32 - 1))
}

/// What the `X-Rapport-Signature` header carries: `sha256=` and the hex HMAC-SHA256 of
/// `"{timestamp}.{body}"` with the webhook's secret. Receivers recompute it and compare.
#[cfg(feature = "ssr")]
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!("sha256={}", crate::domain::signing::token_hash(secret.as_bytes(), &format!("{timestamp}.{body}")))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub events: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DeliveryView {
    pub id: i64,
    pub url: String,
    pub event: String,
    pub state: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhooksPage {
    pub webhooks: Vec<WebhookView>,
    pub deliveries: Vec<DeliveryView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(5), Duration::seconds(480));
    }

    #[test]
    fn signatures_cover_time_and_body() {
        let a = signature("secret", 1, "{}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64);
        assert_ne!(a, signature("secret", 2, "{}"));
        assert_ne!(a, signature("other", 1, "{}"));
    }
}
