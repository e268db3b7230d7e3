//! Emotional risk: a score 0–100 with the factors that make it up, so the UI can say why.
//! Every weight and threshold is configuration ([`RiskConfig`], the `[risk]` section of the
//! server's configuration file), not a constant in code.

use serde::{Deserialize, Serialize};

use super::emotions::Emotion;
use super::intents::Intent;
use super::state::{emotional_state, Observation, StateConfig};
use super::Analysis;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskConfig {
    /// Points for the most negative recent message, scaled by how negative it is.
    pub negativity_points: f64,
    /// Points for the strongest anger in recent messages, scaled by its intensity.
    pub anger_points: f64,
    pub churn_intent_points: f64,
    pub escalation_intent_points: f64,
    /// Points per earlier contact within `repeat_window_days`, up to `repeat_contact_cap`.
    pub repeat_contact_points: f64,
    pub repeat_contact_cap: f64,
    pub repeat_window_days: i64,
    /// Points for a cancellation event within `repeat_window_days`.
    pub cancellation_points: f64,
    /// Points per hour waiting for an answer, up to `waiting_cap`.
    pub waiting_points_per_hour: f64,
    pub waiting_cap: f64,
    /// Points when the sentiment trend is at or below `downward_trend_threshold` per message.
    pub downward_trend_points: f64,
    pub downward_trend_threshold: f64,
    /// Points when the last CSAT answer is at or below `bad_csat_at_most` (1–5 scale).
    pub bad_csat_points: f64,
    pub bad_csat_at_most: u8,
    /// Score from which the level is medium, high, critical.
    pub medium_from: u8,
    pub high_from: u8,
    pub critical_from: u8,
}

impl Default for RiskConfig {
    fn default() -> Self {
        RiskConfig {
            negativity_points: 30.0,
            anger_points: 15.0,
            churn_intent_points: 25.0,
            escalation_intent_points: 20.0,
            repeat_contact_points: 8.0,
            repeat_contact_cap: 24.0,
            repeat_window_days: 14,
            cancellation_points: 25.0,
            waiting_points_per_hour: 1.0,
            waiting_cap: 15.0,
            downward_trend_points: 10.0,
            downward_trend_threshold: -0.1,
            bad_csat_points: 20.0,
            bad_csat_at_most: 2,
            medium_from: 30,
            high_from: 55,
            critical_from: 75,
        }
    }
}

impl RiskConfig {
    /// A readable complaint about the first setting that makes no sense.
    pub fn validate(&self) -> Result<(), String> {
        let points = [
            ("negativity_points", self.negativity_points),
            ("anger_points", self.anger_points),
            ("churn_intent_points", self.churn_intent_points),
            ("escalation_intent_points", self.escalation_intent_points),
            ("repeat_contact_points", self.repeat_contact_points),
            ("repeat_contact_cap", self.repeat_contact_cap),
            ("cancellation_points", self.cancellation_points),
            ("waiting_points_per_hour", self.waiting_points_per_hour),
            ("waiting_cap", self.waiting_cap),
            ("downward_trend_points", self.downward_trend_points),
            ("bad_csat_points", self.bad_csat_points),
        ];
        for (name, value) in points {
            if !(0.0..=100.0).contains(&value) {
                return Err(format!("risk.{name} must be between 0 and 100, not {value}"));
            }
        }
        if self.repeat_window_days < 1 {
            return Err("risk.repeat_window_days must be at least 1".into());
        }
        if !(1..=5).contains(&self.bad_csat_at_most) {
            return Err("risk.bad_csat_at_most must be between 1 and 5".into());
        }
        if !(self.medium_from < self.high_from && self.high_from < self.critical_from && self.critical_from <= 100) {
            return Err("risk levels must rise: medium_from < high_from < critical_from ≤ 100".into());
        }
        Ok(())
    }

    pub fn level(&self, score: u8) -> RiskLevel {
        if score >= self.critical_from {
            RiskLevel::Critical
        } else if score >= self.high_from {
            RiskLevel::High
        } else if score >= self.medium_from {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    /// Highest first, as the inbox lists them.
    pub const ALL: [RiskLevel; 4] = [RiskLevel::Critical, RiskLevel::High, RiskLevel::Medium, RiskLevel::Low];

    pub fn key(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }

    pub fn from_key(key: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|l| l.key() == key)
    }
}

/// What one recent inbound message contributes to risk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageSignals {
    pub extended: f64,
    pub anger: f64,
    pub churn: bool,
    pub escalation: bool,
    pub repeat_contact: bool,
}

impl MessageSignals {
    pub fn of(analysis: &Analysis) -> Self {
        MessageSignals {
            extended: analysis.extended,
            anger: analysis.intensity_of(Emotion::Anger),
            churn: analysis.has_intent(Intent::Churn),
            escalation: analysis.has_intent(Intent::Escalation),
            repeat_contact: analysis.has_intent(Intent::RepeatContact),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskInputs {
    /// The customer's latest inbound messages, newest first.
    pub recent: Vec<MessageSignals>,
    /// Other conversations of this customer within the repeat window.
    pub earlier_contacts: u32,
    /// Cancellation events within the repeat window.
    pub cancellations: u32,
    /// How long the customer has been waiting for an answer, in minutes.
    pub waiting_minutes: Option<i64>,
    /// Sentiment trend per message (see `state`).
    pub trend: Option<f64>,
    /// The latest CSAT answer, 1–5.
    pub last_csat: Option<u8>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RiskFactor {
    /// Stable key for code ("churn_intent").
    pub key: String,
    /// For people ("Asked to cancel").
    pub label: String,
    pub points: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RiskAssessment {
    pub score: u8,
    pub level: RiskLevel,
    /// Largest first.
    pub factors: Vec<RiskFactor>,
}

/// What is known about a customer when one of their conversations is judged, gathered by the
/// data layer (ingestion) or in memory (demo seed).
pub struct CustomerFacts<'a> {
    /// Analyses of the conversation's latest inbound messages, newest first.
    pub recent: &'a [Analysis],
    pub earlier_contacts: u32,
    pub cancellations: u32,
    pub waiting_since: Option<DateTime<Utc>>,
    /// The latest CSAT answer within the window (1–5).
    pub last_csat: Option<f64>,
    /// (time, extended sentiment) of the customer's inbound messages, any order.
    pub sentiments: &'a [(DateTime<Utc>, f64)],
}

/// The risk of a conversation from the customer's facts at `now`; the mood trend counts once
/// there are at least three scored messages.
pub fn assess_customer(facts: &CustomerFacts, now: DateTime<Utc>, config: &RiskConfig, state: &StateConfig) -> RiskAssessment {
    let observations: Vec<Observation> =
        facts.sentiments.iter().map(|(at, sentiment)| Observation { at: *at, sentiment: *sentiment }).collect();
    let trend = emotional_state(&observations, now, state).map(|s| s.trend);
    let inputs = RiskInputs {
        recent: facts.recent.iter().take(5).map(MessageSignals::of).collect(),
        earlier_contacts: facts.earlier_contacts,
        cancellations: facts.cancellations,
        waiting_minutes: facts.waiting_since.map(|since| (now - since).num_minutes().max(0)),
        trend: trend.filter(|_| observations.len() >= 3),
        last_csat: facts.last_csat.map(|c| c.round().clamp(1.0, 5.0) as u8),
    };
    assess(&inputs, config)
}

pub fn assess(inputs: &RiskInputs, config: &RiskConfig) -> RiskAssessment {
    let mut factors: Vec<(&str, String, f64)> = Vec::new();
    // Each older message counts half as much as the one after it: a thank-you after an angry
    // message lowers the risk.
    let recency = |index: usize| 0.5_f64.powi(index as i32);
    let (worst_index, most_negative) = inputs
        .recent
        .iter()
        .enumerate()
        .map(|(i, m)| (i, m.extended * recency(i)))
        .fold((0, 0.0), |best, item| if item.1 < best.1 { item } else { best });
    if most_negative < -0.05 {
        let raw = inputs.recent[worst_index].extended;
        factors.push((
            "negativity",
            if worst_index == 0 { format!("Latest message negative ({raw:.2})") } else { format!("Earlier message negative ({raw:.2})") },
            config.negativity_points * -most_negative,
        ));
    }
    let anger = inputs.recent.iter().enumerate().map(|(i, m)| m.anger * recency(i)).fold(0.0, f64::max);
    if anger > 0.0 {
        factors.push(("anger", format!("Anger or frustration ({:.0}%)", anger * 100.0), config.anger_points * anger));
    }
    if inputs.recent.iter().any(|m| m.churn) {
        factors.push(("churn_intent", "Talks about cancelling or leaving".into(), config.churn_intent_points));
    }
    if inputs.recent.iter().any(|m| m.escalation) {
        factors.push(("escalation_intent", "Threatens to escalate (legal, public, manager)".into(), config.escalation_intent_points));
    }
    let said_repeat = inputs.recent.iter().any(|m| m.repeat_contact);
    let repeats = inputs.earlier_contacts.max(u32::from(said_repeat));
    if repeats > 0 {
        factors.push((
            "repeat_contact",
            if inputs.earlier_contacts > 0 {
                format!(
                    "{} earlier contact{} in {} days",
                    inputs.earlier_contacts,
                    if inputs.earlier_contacts == 1 { "" } else { "s" },
                    config.repeat_window_days
                )
            } else {
                "Says they have asked before".into()
            },
            (config.repeat_contact_points * f64::from(repeats)).min(config.repeat_contact_cap),
        ));
    }
    if inputs.cancellations > 0 {
        factors.push(("cancellation", "Recent cancellation".into(), config.cancellation_points));
    }
    if let Some(minutes) = inputs.waiting_minutes.filter(|m| *m >= 60) {
        let hours = minutes as f64 / 60.0;
        factors.push((
            "waiting",
            format!("Waiting {}", waiting_label(minutes)),
            (config.waiting_points_per_hour * hours).min(config.waiting_cap),
        ));
    }
    if let Some(trend) = inputs.trend.filter(|t| *t <= config.downward_trend_threshold) {
        factors.push(("downward_trend", format!("Mood getting worse ({trend:+.2} per message)"), config.downward_trend_points));
    }
    if let Some(csat) = inputs.last_csat.filter(|c| *c <= config.bad_csat_at_most) {
        factors.push(("bad_csat", format!("Rated us {csat} of 5"), config.bad_csat_points));
    }
    let total: f64 = factors.iter().map(|f| f.2).sum();
    let score = total.round().clamp(0.0, 100.0) as u8;
    let mut factors: Vec<RiskFactor> = factors
        .into_iter()
        .map(|(key, label, points)| RiskFactor { key: key.to_string(), label, points: points.round().clamp(0.0, 100.0) as u8 })
        .filter(|f| f.points > 0)
        .collect();
    factors.sort_by_key(|factor| std::cmp::Reverse(factor.points));
    RiskAssessment { score, level: config.level(score), factors }
}

fn waiting_label(minutes: i64) -> String {
    match minutes {
        m if m < 24 * 60 => format!("{} h", m / 60),
        m => format!("{} d", m / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::analyze;

    #[test]
    fn a_calm_question_is_low_risk() {
        let signals = MessageSignals::of(&analyze("How do I export my contacts?"));
        let risk = assess(&RiskInputs { recent: vec![signals], ..Default::default() }, &RiskConfig::default());
        assert_eq!(risk.level, RiskLevel::Low);
        assert!(risk.score < 10, "{risk:?}");
    }

    #[test]
    fn an_angry_repeat_churn_threat_is_critical_with_reasons() {
        let signals = MessageSignals::of(&analyze("This is the third time I'm asking! Unacceptable. Cancel my subscription."));
        let risk = assess(
            &RiskInputs {
                recent: vec![signals],
                earlier_contacts: 2,
                waiting_minutes: Some(26 * 60),
                last_csat: Some(1),
                ..Default::default()
            },
            &RiskConfig::default(),
        );
        assert_eq!(risk.level, RiskLevel::Critical);
        let keys: Vec<&str> = risk.factors.iter().map(|f| f.key.as_str()).collect();
        for key in ["negativity", "churn_intent", "repeat_contact", "waiting", "bad_csat"] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        assert!(risk.factors.windows(2).all(|w| w[0].points >= w[1].points));
        assert_eq!(risk.factors.iter().find(|f| f.key == "waiting").unwrap().label, "Waiting 1 d");
    }

    #[test]
    fn a_thank_you_after_an_angry_message_lowers_the_risk() {
        let angry = MessageSignals::of(&analyze("This is unacceptable, I'm furious."));
        let thanks = MessageSignals::of(&analyze("Thank you, that fixed it!"));
        let config = RiskConfig::default();
        let still_angry = assess(&RiskInputs { recent: vec![angry], ..Default::default() }, &config);
        let calmed = assess(&RiskInputs { recent: vec![thanks, angry], ..Default::default() }, &config);
        assert!(calmed.score < still_angry.score, "{calmed:?} vs {still_angry:?}");
        assert!(calmed.factors.iter().any(|f| f.label.starts_with("Earlier message negative")));
    }

    #[test]
    fn thresholds_come_from_configuration() {
        let inputs = RiskInputs { cancellations: 1, ..Default::default() };
        assert_eq!(assess(&inputs, &RiskConfig::default()).level, RiskLevel::Low);
        let strict = RiskConfig { medium_from: 10, ..RiskConfig::default() };
        assert_eq!(assess(&inputs, &strict).level, RiskLevel::Medium);
        let broken = RiskConfig { high_from: 90, critical_from: 80, ..RiskConfig::default() };
        assert!(broken.validate().unwrap_err().contains("must rise"));
        assert!(RiskConfig::default().validate().is_ok());
    }
}
