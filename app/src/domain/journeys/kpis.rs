//! Emotional KPIs of recovery journeys, computed from the journeys themselves (real data
//! only): how many started and how they ended, how long healing took, the trust
//! restoration rate, the satisfaction rebound, silent churn, repeat contacts, the
//! recovery-paradox check, and the same per channel, situation and agent. Pure, so the
//! same numbers render on the server and in the browser.

use crate::domain::format::{csv_decimal, csv_line, csv_whole};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// One journey as the KPIs need it, with what the customer did before and after it started.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct JourneyRecord {
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub state: String,
    /// The conversation's channel, situation and assigned agent ("" when unknown).
    pub channel: String,
    pub situation: String,
    pub agent: String,
    /// Mean CSAT (1–5) of the customer's ratings before and since the start.
    pub csat_before: Option<f64>,
    pub csat_after: Option<f64>,
    /// Mean sentiment of the customer's messages up to the start (including the ones that
    /// started it) and since.
    pub sentiment_before: Option<f64>,
    pub sentiment_after: Option<f64>,
    /// The customer's messages since the start.
    pub replies_since: i64,
    /// Conversations the customer opened while the journey ran (besides its own).
    pub repeat_contacts: i64,
    /// Whether the customer cancelled after the journey ended.
    pub cancelled_after_end: bool,
}

/// Customers who were never at risk (no journey, no conversation at high risk) with a
/// conversation in the range, and how many of them cancelled since: the comparison group of
/// the recovery-paradox check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComparisonGroup {
    pub customers: i64,
    pub cancelled: i64,
}

/// A mean before and after, over the journeys that have both.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rebound {
    pub before: f64,
    pub after: f64,
    pub journeys: usize,
}

/// Do healed customers stay more than those never at risk? Shares that did not cancel.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Paradox {
    pub healed_stayed: f64,
    pub healed: usize,
    pub never_at_risk_stayed: f64,
    pub never_at_risk: i64,
}

/// Below this many customers on either side, the paradox check says "too few to tell".
pub const PARADOX_MIN_GROUP: i64 = 5;

/// KPIs of one group of journeys (a channel, a situation, an agent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// "channel", "situation" or "agent".
    pub dimension: String,
    pub group: String,
    pub started: usize,
    pub healed: usize,
    pub trust_restoration_rate: Option<f64>,
    pub median_time_to_heal_secs: Option<i64>,
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
    pub csat_rebound: Option<Rebound>,
    pub sentiment_rebound: Option<Rebound>,
    /// Of the judged journeys, those not healed nor churned whose customer never wrote again.
    pub silent_churn: usize,
    pub silent_churn_rate: Option<f64>,
    /// Conversations opened per journey while it ran.
    pub repeat_contacts_per_incident: Option<f64>,
    /// `None` while either group is smaller than [`PARADOX_MIN_GROUP`].
    pub paradox: Option<Paradox>,
    pub breakdowns: Vec<Breakdown>,
}

/// The value at `quantile` (0…1) of sorted values, nearest rank.
fn nearest_rank(sorted: &[i64], quantile: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (quantile * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn rebound(pairs: impl Iterator<Item = (Option<f64>, Option<f64>)>) -> Option<Rebound> {
    let both: Vec<(f64, f64)> = pairs.filter_map(|(before, after)| Some((before?, after?))).collect();
    if both.is_empty() {
        return None;
    }
    let n = both.len() as f64;
    Some(Rebound {
        before: both.iter().map(|(before, _)| before).sum::<f64>() / n,
        after: both.iter().map(|(_, after)| after).sum::<f64>() / n,
        journeys: both.len(),
    })
}

/// All KPIs of the journeys started in a range; `never_at_risk` is the paradox's comparison.
pub fn kpis(journeys: &[JourneyRecord], never_at_risk: ComparisonGroup, now: DateTime<Utc>) -> JourneyKpis {
    let mut result = outcomes(journeys, now);
    result.csat_rebound = rebound(journeys.iter().map(|j| (j.csat_before, j.csat_after)));
    result.sentiment_rebound = rebound(journeys.iter().map(|j| (j.sentiment_before, j.sentiment_after)));
    let window = Duration::days(RESTORED_WITHIN_DAYS);
    result.silent_churn = journeys
        .iter()
        .filter(|j| j.ended_at.is_some() || now - j.started_at >= window)
        .filter(|j| !matches!(j.state.as_str(), "healed" | "churned") && j.replies_since == 0)
        .count();
    result.silent_churn_rate = (result.judged > 0).then(|| result.silent_churn as f64 / result.judged as f64);
    result.repeat_contacts_per_incident =
        (!journeys.is_empty()).then(|| journeys.iter().map(|j| j.repeat_contacts).sum::<i64>() as f64 / journeys.len() as f64);
    let healed: Vec<&JourneyRecord> = journeys.iter().filter(|j| j.state == "healed").collect();
    result.paradox = (healed.len() as i64 >= PARADOX_MIN_GROUP && never_at_risk.customers >= PARADOX_MIN_GROUP).then(|| Paradox {
        healed_stayed: healed.iter().filter(|j| !j.cancelled_after_end).count() as f64 / healed.len() as f64,
        healed: healed.len(),
        never_at_risk_stayed: 1.0 - never_at_risk.cancelled as f64 / never_at_risk.customers as f64,
        never_at_risk: never_at_risk.customers,
    });
    for (dimension, key) in [
        ("channel", (|j: &JourneyRecord| j.channel.clone()) as fn(&JourneyRecord) -> String),
        ("situation", |j| j.situation.clone()),
        ("agent", |j| j.agent.clone()),
    ] {
        let mut groups: Vec<String> = journeys.iter().map(key).collect();
        groups.sort();
        groups.dedup();
        for group in groups {
            let members: Vec<JourneyRecord> = journeys.iter().filter(|j| key(j) == group).cloned().collect();
            let numbers = outcomes(&members, now);
            result.breakdowns.push(Breakdown {
                dimension: dimension.to_string(),
                group: if group.is_empty() { "unknown".to_string() } else { group },
                started: numbers.started,
                healed: numbers.healed,
                trust_restoration_rate: numbers.trust_restoration_rate,
                median_time_to_heal_secs: numbers.median_time_to_heal_secs,
            });
        }
    }
    result
}

/// How journeys ended, how long healing took, and the trust restoration rate.
fn outcomes(journeys: &[JourneyRecord], now: DateTime<Utc>) -> JourneyKpis {
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
        let healed_after = (journey.state == "healed").then_some(journey.ended_at).flatten().map(|ended| ended - journey.started_at);
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

/// The KPIs as CSV: a header row and a row of values (empty where there is no data), then
/// a blank line and the breakdowns as their own table.
pub fn csv(kpis: &JourneyKpis, days: i64) -> String {
    let mut text = summary_csv(kpis, days);
    text.push('\n');
    text.push_str(&csv_line(["dimension", "group", "started", "healed", "trust_restoration_rate", "median_time_to_heal_seconds"]));
    for row in &kpis.breakdowns {
        text.push_str(&csv_line([
            row.dimension.to_string(),
            row.group.clone(),
            row.started.to_string(),
            row.healed.to_string(),
            csv_decimal(row.trust_restoration_rate),
            csv_whole(row.median_time_to_heal_secs),
        ]));
    }
    text
}

fn summary_csv(kpis: &JourneyKpis, days: i64) -> String {
    let (csat_before, csat_after) = (kpis.csat_rebound.map(|r| r.before), kpis.csat_rebound.map(|r| r.after));
    let (sentiment_before, sentiment_after) = (kpis.sentiment_rebound.map(|r| r.before), kpis.sentiment_rebound.map(|r| r.after));
    let (healed_stayed, never_stayed) = (kpis.paradox.map(|p| p.healed_stayed), kpis.paradox.map(|p| p.never_at_risk_stayed));
    let header = csv_line([
        "range_days",
        "started",
        "healed",
        "stalled",
        "churned",
        "open",
        "median_time_to_heal_seconds",
        "p90_time_to_heal_seconds",
        "trust_restoration_rate",
        "judged",
        "csat_before",
        "csat_after",
        "sentiment_before",
        "sentiment_after",
        "silent_churn_rate",
        "repeat_contacts_per_incident",
        "healed_stayed",
        "never_at_risk_stayed",
    ]);
    let values = csv_line([
        days.to_string(),
        kpis.started.to_string(),
        kpis.healed.to_string(),
        kpis.stalled.to_string(),
        kpis.churned.to_string(),
        kpis.open.to_string(),
        csv_whole(kpis.median_time_to_heal_secs),
        csv_whole(kpis.p90_time_to_heal_secs),
        csv_decimal(kpis.trust_restoration_rate),
        kpis.judged.to_string(),
        csv_decimal(csat_before),
        csv_decimal(csat_after),
        csv_decimal(sentiment_before),
        csv_decimal(sentiment_after),
        csv_decimal(kpis.silent_churn_rate),
        csv_decimal(kpis.repeat_contacts_per_incident),
        csv_decimal(healed_stayed),
        csv_decimal(never_stayed),
    ]);
    header + &values
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
            channel: "email".into(),
            replies_since: 1,
            ..JourneyRecord::default()
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
        let k = kpis(&journeys, ComparisonGroup::default(), now);
        assert_eq!((k.started, k.healed, k.stalled, k.churned, k.open), (6, 3, 1, 1, 1));
        assert_eq!(k.median_time_to_heal_secs, Some(4 * 86_400));
        assert_eq!(k.p90_time_to_heal_secs, Some(10 * 86_400));
        assert_eq!(k.judged, 5);
        assert_eq!(k.trust_restoration_rate, Some(0.6));
        assert_eq!(csv(&k, 30).lines().nth(1), Some("30,6,3,1,1,1,345600,864000,0.600,5,,,,,0.000,0.000,,"));
    }

    #[test]
    fn no_journeys_means_no_numbers_not_zeros() {
        let k = kpis(&[], ComparisonGroup::default(), Utc::now());
        assert_eq!(k.trust_restoration_rate, None);
        assert_eq!(k.median_time_to_heal_secs, None);
        assert_eq!((k.csat_rebound, k.silent_churn_rate, k.repeat_contacts_per_incident, k.paradox), (None, None, None, None));
        assert_eq!(csv(&k, 7).lines().nth(1), Some("7,0,0,0,0,0,,,,0,,,,,,,,"));
    }

    #[test]
    fn rebound_silent_churn_repeat_contacts_and_the_paradox() {
        let now = Utc.with_ymd_and_hms(2026, 12, 31, 12, 0, 0).unwrap();
        let mut journeys: Vec<JourneyRecord> = (1..=6).map(|day| journey(day, Some((day + 2, "healed")))).collect();
        journeys[0].csat_before = Some(2.0);
        journeys[0].csat_after = Some(5.0);
        journeys[1].csat_before = Some(1.0);
        journeys[1].csat_after = Some(4.0);
        journeys[2].csat_after = Some(3.0); // no rating before: not part of the rebound
        journeys[0].sentiment_before = Some(-0.6);
        journeys[0].sentiment_after = Some(0.4);
        journeys[0].cancelled_after_end = true;
        journeys[3].repeat_contacts = 3;
        journeys[4].situation = "billing".into();
        journeys[5].agent = "Sam, Lead".into();
        let mut quiet = journey(1, Some((20, "stalled")));
        quiet.replies_since = 0;
        journeys.push(quiet);
        journeys.push(journey(2, Some((21, "stalled")))); // wrote back, so not silent
        let k = kpis(&journeys, ComparisonGroup { customers: 10, cancelled: 2 }, now);
        assert_eq!(k.csat_rebound, Some(Rebound { before: 1.5, after: 4.5, journeys: 2 }));
        assert_eq!(k.sentiment_rebound.map(|r| (r.journeys, r.after - r.before > 0.99)), Some((1, true)));
        assert_eq!((k.silent_churn, k.silent_churn_rate), (1, Some(1.0 / 8.0)));
        assert_eq!(k.repeat_contacts_per_incident, Some(3.0 / 8.0));
        let paradox = k.paradox.unwrap();
        assert_eq!((paradox.healed, paradox.never_at_risk), (6, 10));
        assert!((paradox.healed_stayed - 5.0 / 6.0).abs() < 1e-9 && (paradox.never_at_risk_stayed - 0.8).abs() < 1e-9);
        let billing = k.breakdowns.iter().find(|b| b.dimension == "situation" && b.group == "billing").unwrap();
        assert_eq!((billing.started, billing.healed, billing.trust_restoration_rate), (1, 1, Some(1.0)));
        assert_eq!(k.breakdowns.iter().filter(|b| b.dimension == "channel").count(), 1);
        assert!(csv(&k, 90).contains("agent,\"Sam, Lead\",1,1,1.000,172800"), "{}", csv(&k, 90));
        let few = kpis(&journeys[..4], ComparisonGroup { customers: 10, cancelled: 0 }, now);
        assert_eq!(few.paradox, None, "too few healed customers to tell");
    }
}
