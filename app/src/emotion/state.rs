//! A customer's emotional state over time: a recency-weighted mean of their messages'
//! sentiment, their usual (baseline) sentiment, the trend of the latest messages, and a
//! one-line summary for agents.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One scored inbound message.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub at: DateTime<Utc>,
    /// Extended compound sentiment, −1 … 1.
    pub sentiment: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StateConfig {
    /// A message this many days old counts half as much as one written now.
    pub half_life_days: f64,
    /// How many of the latest messages make the "recent" window (trend and summary).
    pub recent_messages: usize,
    /// Change of sentiment per message beyond which the trend is worsening or improving.
    pub trend_threshold: f64,
}

impl Default for StateConfig {
    fn default() -> Self {
        StateConfig { half_life_days: 7.0, recent_messages: 5, trend_threshold: 0.1 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Improving,
    Stable,
    Worsening,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmotionalState {
    /// Exponentially weighted sentiment (recent messages weigh more), −1 … 1.
    pub current: f64,
    /// Mean sentiment before the recent window: how this customer usually sounds.
    pub baseline: Option<f64>,
    /// Least-squares slope of the recent window, in sentiment per message.
    pub trend: f64,
    pub direction: Direction,
    /// Sentiment of the recent messages, oldest first.
    pub recent: Vec<f64>,
    pub summary: String,
}

/// The state after `observations` (in any order) as seen at `now`; `None` without any.
pub fn emotional_state(observations: &[Observation], now: DateTime<Utc>, config: &StateConfig) -> Option<EmotionalState> {
    if observations.is_empty() {
        return None;
    }
    let mut sorted = observations.to_vec();
    sorted.sort_by_key(|o| o.at);
    let (mut weighted, mut weights) = (0.0, 0.0);
    for o in &sorted {
        let age_days = (now - o.at).num_seconds().max(0) as f64 / 86_400.0;
        let weight = 0.5_f64.powf(age_days / config.half_life_days.max(0.001));
        weighted += weight * o.sentiment;
        weights += weight;
    }
    let current = if weights > 0.0 { weighted / weights } else { 0.0 };
    let window = config.recent_messages.max(1).min(sorted.len());
    let (before, recent) = sorted.split_at(sorted.len() - window);
    let recent: Vec<f64> = recent.iter().map(|o| o.sentiment).collect();
    let baseline = (!before.is_empty()).then(|| before.iter().map(|o| o.sentiment).sum::<f64>() / before.len() as f64);
    let trend = slope(&recent);
    let direction = if trend <= -config.trend_threshold {
        Direction::Worsening
    } else if trend >= config.trend_threshold {
        Direction::Improving
    } else {
        Direction::Stable
    };
    let negative = recent.iter().filter(|s| **s <= -0.05).count();
    let summary = format!(
        "{negative} of the last {} message{} negative; {}{}",
        recent.len(),
        if recent.len() == 1 { "" } else { "s" },
        match direction {
            Direction::Improving => "improving",
            Direction::Stable => "stable",
            Direction::Worsening => "worsening",
        },
        match baseline {
            Some(b) if current < b - 0.2 => ", below their usual mood",
            Some(b) if current > b + 0.2 => ", above their usual mood",
            Some(_) => ", close to their usual mood",
            None => "",
        }
    );
    Some(EmotionalState { current, baseline, trend, direction, recent, summary })
}

/// Least-squares slope of `values` against their index; 0 for fewer than two.
fn slope(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    if values.len() < 2 {
        return 0.0;
    }
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = values.iter().sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, y) in values.iter().enumerate() {
        let dx = i as f64 - mean_x;
        num += dx * (y - mean_y);
        den += dx * dx;
    }
    num / den
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn series(now: DateTime<Utc>, values: &[f64]) -> Vec<Observation> {
        values.iter().enumerate().map(|(i, v)| Observation { at: now - Duration::days((values.len() - i) as i64), sentiment: *v }).collect()
    }

    #[test]
    fn recent_messages_weigh_more() {
        let now = Utc::now();
        let state = emotional_state(&series(now, &[0.8, 0.8, 0.8, -0.8]), now, &StateConfig::default()).unwrap();
        assert!(state.current < 0.8 * 3.0 / 4.0 - 0.4 + 0.2, "{}", state.current);
        assert!(state.current > -0.8);
    }

    #[test]
    fn trend_baseline_and_summary() {
        let now = Utc::now();
        let values = [0.5, 0.6, 0.5, 0.2, 0.0, -0.3, -0.5, -0.7];
        let state = emotional_state(&series(now, &values), now, &StateConfig::default()).unwrap();
        assert_eq!(state.direction, Direction::Worsening);
        assert!((state.baseline.unwrap() - (0.5 + 0.6 + 0.5) / 3.0).abs() < 1e-9);
        assert_eq!(state.recent.len(), 5);
        assert_eq!(state.summary, "3 of the last 5 messages negative; worsening, below their usual mood");
        let rising = emotional_state(&series(now, &[-0.5, 0.0, 0.5]), now, &StateConfig::default()).unwrap();
        assert_eq!(rising.direction, Direction::Improving);
        assert_eq!(rising.baseline, None);
        assert!(emotional_state(&[], now, &StateConfig::default()).is_none());
    }
}
