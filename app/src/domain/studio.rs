//! What the marketing studio shows, shared by server and browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StoryRow {
    pub id: i64,
    pub title: String,
    pub customer_name: String,
    pub status: String,
    pub featured: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StudioOverview {
    pub stories_by_status: Vec<StatusCount>,
    pub quotes_by_status: Vec<StatusCount>,
    pub consents_granted: i64,
    pub consents_withdrawn: i64,
    pub recent_stories: Vec<StoryRow>,
    /// Healed journeys with a strong rebound, strongest first.
    #[serde(default)]
    pub story_candidates: Vec<crate::domain::journeys::candidates::HealedJourney>,
    /// Resolved conversations whose customer's mood turned around, strongest first.
    #[serde(default)]
    pub resolved_turnarounds: Vec<crate::domain::stories::candidates::ResolvedTurnaround>,
}
