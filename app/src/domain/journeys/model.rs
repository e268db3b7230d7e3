//! What the workspace shows of a journey (shared by server and browser).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Personalization;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JourneyView {
    pub id: i64,
    /// active, paused, healed, stalled or churned.
    pub state: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_evidence: Option<String>,
    pub values: Personalization,
    pub steps: Vec<JourneyStepView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct JourneyStepView {
    pub position: i64,
    pub channel: String,
    /// The text as it will go (placeholders filled where values are known).
    pub body: String,
    pub due_at: DateTime<Utc>,
    /// scheduled, sent, skipped, or paused (held: see `held_reason`).
    pub status: String,
    pub held_reason: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl JourneyView {
    pub fn is_open(&self) -> bool {
        matches!(self.state.as_str(), "active" | "paused")
    }
}
