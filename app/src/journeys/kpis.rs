//! Emotional KPIs of recovery journeys, computed from the journeys themselves (real data
//! only): how many started and how they ended, how long healing took, and the trust
//! restoration rate. Pure, so the same numbers render on the server and in the browser.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// One journey as the KPIs need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct JourneyRecord {
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub state: String,
}

/// Healed within this many days counts as trust restored.
pub const RESTORED_WITHIN_DAYS: i64 = 30;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JourneyKpis {
    pub started: usize,
    pub healed: usize,
    pub stalled: usize,
    pub churned: usize,
    /// Still running (active or paused).
    pub open: usize,
    pub median_time_to_heal_secs: Option<i64>,
    pub p90_time_to_heal_secs: Option<i64>,
    /// Healed within 30 days, of the journeys whose 30 days are over or that ended sooner.
    pub trust_restoration_rate: Option<f64>,
    /// The journeys that rate is taken over.
    pub judged: usize,
}

/// The value at `quantile` (0…1) of sorted values, nearest rank.
fn nearest_rank(sorted: &[i64], quantile: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (quantile * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

pub fn kpis(journeys: &[JourneyRecord], now: DateTime<Utc>) -> JourneyKpis {
    let window = Duration::days(RESTORED_WITHIN_DAYS);
    let mut result = JourneyKpis { started: journeys.len(), ..JourneyKpis::default() };
    let mut heal_times = Vec::new();
    let mut restored = 0;
    for journey in journeys {
        match journey.state.as_str() {
            "healed" => result.healed += 1,
            "stalled" => result.stalled += 1,
            "churned" => result.churned += 1,
            _ => result.open += 1,
        }
        let healed_after = (journey.state == "healed")
            .then_some(journey.ended_at)
            .flatten()
            .map(|ended| ended - journey.started_at);
        if let Some(took) = healed_after {
            heal_times.push(took.num_seconds());
        }
        if journey.ended_at.is_some() || now - journey.started_at >= window {
            result.judged += 1;
            if healed_after.is_some_and(|took| took <= window) {
                restored += 1;
            }
        }
    }
    heal_times.sort_unstable();
    result.median_time_to_heal_secs = nearest_rank(&heal_times, 0.5);
    result.p90_time_to_heal_secs = nearest_rank(&heal_times, 0.9);
    result.trust_restoration_rate = (result.judged > 0).then(|| restored as f64 / result.judged as f64);
    result
}

/// The KPIs as CSV: one header row, one row of values (empty where there is no data).
pub fn csv(kpis: &JourneyKpis, days: i64) -> String {
    let optional = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    format!(
        "range_days,started,healed,stalled,churned,open,median_time_to_heal_seconds,p90_time_to_heal_seconds,trust_restoration_rate,judged\n\
         {days},{},{},{},{},{},{},{},{},{}\n",
        kpis.started,
        kpis.healed,
        kpis.stalled,
        kpis.churned,
        kpis.open,
        optional(kpis.median_time_to_heal_secs),
        optional(kpis.p90_time_to_heal_secs),
        kpis.trust_restoration_rate.map(|rate| format!("{rate:.3}")).unwrap_or_default(),
        kpis.judged,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn journey(start_day: u32, end: Option<(u32, &str)>) -> JourneyRecord {
        let at = |day: u32| Utc.with_ymd_and_hms(2026, 10, day, 12, 0, 0).unwrap();
        JourneyRecord {
            started_at: at(start_day),
            ended_at: end.map(|(day, _)| at(day)),
            state: end.map_or("active", |(_, state)| state).to_string(),
        }
    }

    #[test]
    fn outcomes_heal_times_and_the_restoration_rate_come_from_the_journeys() {
        let now = Utc.with_ymd_and_hms(2026, 10, 31, 12, 0, 0).unwrap();
        let journeys = [
            journey(1, Some((3, "healed"))),  // 2 days
            journey(1, Some((5, "healed"))),  // 4 days
            journey(2, Some((12, "healed"))), // 10 days
            journey(1, Some((15, "stalled"))),
            journey(3, Some((4, "churned"))),
            journey(29, None), // too young to judge
        ];
        let k = kpis(&journeys, now);
        assert_eq!((k.started, k.healed, k.stalled, k.churned, k.open), (6, 3, 1, 1, 1));
        assert_eq!(k.median_time_to_heal_secs, Some(4 * 86_400));
        assert_eq!(k.p90_time_to_heal_secs, Some(10 * 86_400));
        assert_eq!(k.judged, 5);
        assert_eq!(k.trust_restoration_rate, Some(0.6));
        assert_eq!(
            csv(&k, 30).lines().nth(1),
            Some("30,6,3,1,1,1,345600,864000,0.600,5")
        );
    }

    #[test]
    fn no_journeys_means_no_numbers_not_zeros() {
        let k = kpis(&[], Utc::now());
        assert_eq!(k.trust_restoration_rate, None);
        assert_eq!(k.median_time_to_heal_secs, None);
        assert_eq!(csv(&k, 7).lines().nth(1), Some("7,0,0,0,0,0,,,,0"));
    }
}
