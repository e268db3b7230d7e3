//! Healed journeys with a strong rebound — the customer went from upset to clearly better —
//! are proposed to marketing as story candidates (publishing still needs their consent).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The rise in sentiment (−1…1 scale) from before the journey to after it that makes a
/// healed journey a story candidate.
pub const STRONG_REBOUND: f64 = 0.5;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct HealedJourney {
    pub journey_id: i64,
    pub conversation_id: Option<i64>,
    pub customer_name: String,
    pub subject: String,
    pub ended_at: DateTime<Utc>,
    pub evidence: String,
    /// The customer's mean sentiment up to the start, and since.
    pub sentiment_before: Option<f64>,
    pub sentiment_after: Option<f64>,
}

impl HealedJourney {
    pub fn rebound(&self) -> Option<f64> {
        Some(self.sentiment_after? - self.sentiment_before?)
    }
}

/// A healed journey is a story candidate with a rebound of at least [`STRONG_REBOUND`] from
/// a negative start.
pub fn is_story_candidate(journey: &HealedJourney) -> bool {
    journey.sentiment_before.is_some_and(|before| before < 0.0) && journey.rebound().is_some_and(|rise| rise >= STRONG_REBOUND)
}

/// The candidates among healed journeys, strongest first.
pub fn story_candidates(mut healed: Vec<HealedJourney>) -> Vec<HealedJourney> {
    healed.retain(is_story_candidate);
    healed.sort_by(|a, b| b.rebound().partial_cmp(&a.rebound()).unwrap_or(std::cmp::Ordering::Equal));
    healed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healed(id: i64, before: Option<f64>, after: Option<f64>) -> HealedJourney {
        HealedJourney {
            journey_id: id,
            conversation_id: Some(id),
            customer_name: "Dana".into(),
            subject: "Charged twice".into(),
            ended_at: Utc::now(),
            evidence: "a positive reply".into(),
            sentiment_before: before,
            sentiment_after: after,
        }
    }

    #[test]
    fn strong_rebounds_from_a_negative_start_strongest_first() {
        let picked = story_candidates(vec![
            healed(1, Some(-0.4), Some(0.2)), // +0.6
            healed(2, Some(-0.7), Some(0.6)), // +1.3
            healed(3, Some(-0.2), Some(0.1)), // +0.3: too small
            healed(4, Some(0.2), Some(0.9)),  // never upset
            healed(5, None, Some(0.9)),       // unknown start
        ]);
        assert_eq!(picked.iter().map(|j| j.journey_id).collect::<Vec<_>>(), [2, 1]);
    }
}
