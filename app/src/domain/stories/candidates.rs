//! Story candidates from resolved conversations whose customer's mood turned around: the
//! first message negative, the last clearly better. Ranked by the rise, with the timeline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::journeys::candidates::STRONG_REBOUND;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResolvedTurnaround {
    pub conversation_id: i64,
    pub subject: String,
    pub customer_name: String,
    pub resolved_at: DateTime<Utc>,
    /// The sentiment of each of the customer's messages, in order (−1 … 1).
    pub timeline: Vec<f64>,
}

impl ResolvedTurnaround {
    pub fn rebound(&self) -> Option<f64> {
        Some(self.timeline.last()? - self.timeline.first()?)
    }
}

/// Whether the customer's mood over a resolved conversation (the sentiment of each of their
/// messages, in order) turned around: from negative, up by at least [`STRONG_REBOUND`].
pub fn is_turnaround(timeline: &[f64]) -> bool {
    match (timeline.first(), timeline.last()) {
        (Some(first), Some(last)) => timeline.len() >= 2 && *first < 0.0 && last - first >= STRONG_REBOUND,
        _ => false,
    }
}

/// The strongest turnarounds first, at most `limit`.
pub fn turnarounds(mut resolved: Vec<ResolvedTurnaround>, limit: usize) -> Vec<ResolvedTurnaround> {
    resolved.retain(|c| is_turnaround(&c.timeline));
    resolved.sort_by(|a, b| b.rebound().partial_cmp(&a.rebound()).unwrap_or(std::cmp::Ordering::Equal));
    resolved.truncate(limit);
    resolved
}

/// The timeline as SVG polyline points in a `width` × `height` box (−1 at the bottom).
pub fn sparkline_points(timeline: &[f64], width: f64, height: f64) -> String {
    let steps = timeline.len().saturating_sub(1).max(1) as f64;
    timeline
        .iter()
        .enumerate()
        .map(|(index, value)| format!("{:.1},{:.1}", index as f64 / steps * width, (1.0 - value.clamp(-1.0, 1.0)) / 2.0 * height))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(id: i64, timeline: &[f64]) -> ResolvedTurnaround {
        ResolvedTurnaround {
            conversation_id: id,
            subject: "Late parcel".into(),
            customer_name: "Dana".into(),
            resolved_at: Utc::now(),
            timeline: timeline.to_vec(),
        }
    }

    #[test]
    fn strong_turnarounds_from_a_negative_start_strongest_first() {
        let picked = turnarounds(
            vec![
                conversation(1, &[-0.4, 0.0, 0.3]), // +0.7
                conversation(2, &[-0.8, 0.6]),      // +1.4
                conversation(3, &[-0.2, 0.1]),      // +0.3: too small
                conversation(4, &[0.1, 0.9]),       // never upset
                conversation(5, &[-0.9]),           // one message
            ],
            10,
        );
        assert_eq!(picked.iter().map(|c| c.conversation_id).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn the_sparkline_maps_minus_one_to_the_bottom() {
        assert_eq!(sparkline_points(&[-1.0, 1.0], 100.0, 20.0), "0.0,20.0 100.0,0.0");
        assert_eq!(sparkline_points(&[0.0], 100.0, 20.0), "0.0,10.0");
    }
}
