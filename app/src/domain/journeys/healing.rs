//! When a journey ends, and why: healed when the customer measurably recovers, churned on a
//! cancellation, stalled when the steps ran out without either. Pure: the scheduler reads
//! the facts from the database and stores the verdict with its evidence.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// What happened since a journey started (all times at or after its start).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HealingFacts {
    /// The customer's mean sentiment before the incident, when known.
    pub baseline: Option<f64>,
    /// The customer's messages since the start: (time, extended sentiment).
    pub replies: Vec<(DateTime<Utc>, f64)>,
    /// CSAT answers since the start: (time, 1–5).
    pub csat: Vec<(DateTime<Utc>, f64)>,
    /// Purchases and return visits since the start: (time, kind).
    pub reengagements: Vec<(DateTime<Utc>, String)>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Steps still to be sent.
    pub steps_left: usize,
    /// When the last step was (or will be) due.
    pub last_step_due: DateTime<Utc>,
}

/// How a journey ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Ending {
    Healed,
    Stalled,
    Churned,
}

impl Ending {
    pub fn key(&self) -> &'static str {
        match self {
            Ending::Healed => "healed",
            Ending::Stalled => "stalled",
            Ending::Churned => "churned",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct HealingConfig {
    /// A reply at least this positive (extended sentiment, −1…1) shows recovery.
    pub positive_reply: f64,
    /// A CSAT answer at least this high shows recovery.
    pub good_csat: f64,
    /// Replies' mean this much above the baseline shows recovery.
    pub above_baseline: f64,
    /// After the last step, how long to wait for a sign before calling it stalled.
    pub grace: Duration,
}

impl Default for HealingConfig {
    fn default() -> Self {
        HealingConfig { positive_reply: 0.3, good_csat: 4.0, above_baseline: 0.1, grace: Duration::days(3) }
    }
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y").to_string()
}

/// The journey's ending as of `now` with its evidence, or `None` while it should go on.
/// A cancellation outweighs any sign of recovery (the customer left).
pub fn judge(facts: &HealingFacts, now: DateTime<Utc>, config: &HealingConfig) -> Option<(Ending, String)> {
    if let Some(at) = facts.cancelled_at {
        return Some((Ending::Churned, format!("cancelled on {}", day(at))));
    }
    if let Some((at, score)) = facts.csat.iter().find(|(_, score)| *score >= config.good_csat) {
        return Some((Ending::Healed, format!("CSAT {score:.0} of 5 on {}", day(*at))));
    }
    if let Some((at, sentiment)) = facts.replies.iter().find(|(_, sentiment)| *sentiment >= config.positive_reply) {
        return Some((Ending::Healed, format!("a positive reply ({sentiment:+.2}) on {}", day(*at))));
    }
    if let (Some(baseline), false) = (facts.baseline, facts.replies.is_empty()) {
        let mean = facts.replies.iter().map(|(_, s)| s).sum::<f64>() / facts.replies.len() as f64;
        if mean >= baseline + config.above_baseline {
            return Some((
                Ending::Healed,
                format!("sentiment back above their own baseline ({mean:+.2} vs {baseline:+.2} before the incident)"),
            ));
        }
    }
    if let Some((at, kind)) = facts.reengagements.first() {
        return Some((Ending::Healed, format!("came back: {} on {}", kind.replace('_', " "), day(*at))));
    }
    if facts.steps_left == 0 && now >= facts.last_step_due + config.grace {
        return Some((Ending::Stalled, format!("all steps sent, no sign of recovery within {} days of the last", config.grace.num_days())));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
    }

    fn facts() -> HealingFacts {
        HealingFacts { steps_left: 2, last_step_due: at(9), ..HealingFacts::default() }
    }

    #[test]
    fn a_journey_goes_on_without_a_signal() {
        assert_eq!(judge(&facts(), at(4), &HealingConfig::default()), None);
        let mut lukewarm = facts();
        lukewarm.replies = vec![(at(3), 0.1)];
        assert_eq!(judge(&lukewarm, at(4), &HealingConfig::default()), None);
    }

    #[test]
    fn recovery_signals_heal_with_their_evidence() {
        let config = HealingConfig::default();
        let mut happy = facts();
        happy.replies = vec![(at(3), -0.2), (at(4), 0.64)];
        assert_eq!(judge(&happy, at(5), &config), Some((Ending::Healed, "a positive reply (+0.64) on 4 Nov 2026".into())));

        let mut rated = facts();
        rated.csat = vec![(at(5), 2.0), (at(6), 5.0)];
        assert_eq!(judge(&rated, at(6), &config).unwrap().1, "CSAT 5 of 5 on 6 Nov 2026");

        let mut calmer = facts();
        calmer.baseline = Some(-0.3);
        calmer.replies = vec![(at(3), -0.1), (at(4), 0.0)];
        assert_eq!(judge(&calmer, at(5), &config).unwrap().0, Ending::Healed, "above their own (negative) baseline");

        let mut back = facts();
        back.reengagements = vec![(at(7), "return_visit".into())];
        assert_eq!(judge(&back, at(8), &config).unwrap().1, "came back: return visit on 7 Nov 2026");
    }

    #[test]
    fn a_cancellation_is_churn_even_after_a_kind_word() {
        let mut gone = facts();
        gone.replies = vec![(at(3), 0.8)];
        gone.cancelled_at = Some(at(4));
        assert_eq!(judge(&gone, at(5), &HealingConfig::default()).unwrap().0, Ending::Churned);
    }

    #[test]
    fn it_stalls_only_after_the_last_step_and_the_grace_period() {
        let config = HealingConfig::default();
        let mut done = facts();
        done.steps_left = 0;
        assert_eq!(judge(&done, at(11), &config), None, "still within the grace period");
        assert_eq!(judge(&done, at(12), &config).unwrap().0, Ending::Stalled);
    }
}
