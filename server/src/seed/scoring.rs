//! Demo conversations are scored like real ones: every inbound message by the emotion engine,
//! every open conversation's risk from its messages, the customer's other conversations,
//! cancellations and CSAT answers — computed in memory, as `ingest::refresh_risk` would.

use app::emotion::risk::{assess, MessageSignals, RiskAssessment, RiskConfig, RiskInputs};
use app::emotion::state::{emotional_state, Observation, StateConfig};
use app::emotion::{analyze, Analysis};
use app::workspace::ingest::excerpt;
use chrono::{DateTime, Duration, Utc};

/// One generated message: direction, body, time.
pub type ScriptLine = (&'static str, String, DateTime<Utc>);

/// The engine's reading of every inbound line of a script (`None` for outbound lines).
pub fn analyze_script(script: &[ScriptLine]) -> Vec<Option<Analysis>> {
    script
        .iter()
        .map(|(direction, body, _)| (*direction == "inbound").then(|| analyze(body)))
        .collect()
}

/// What the seed knows about one customer when judging one of their conversations.
pub struct CustomerHistory<'a> {
    /// Start times of all the customer's conversations.
    pub conversation_starts: &'a [DateTime<Utc>],
    pub cancellations: &'a [DateTime<Utc>],
    /// (time, score) of CSAT answers.
    pub csat: &'a [(DateTime<Utc>, f64)],
    /// (time, extended sentiment) of all inbound messages.
    pub sentiments: &'a [(DateTime<Utc>, f64)],
}

pub struct ConversationScore {
    pub risk: RiskAssessment,
    pub guidance: Option<&'static str>,
    pub excerpt: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub fn score_conversation(
    script: &[ScriptLine],
    analyses: &[Option<Analysis>],
    started: DateTime<Utc>,
    waiting_since: Option<DateTime<Utc>>,
    history: &CustomerHistory,
    now: DateTime<Utc>,
    risk: &RiskConfig,
    state: &StateConfig,
) -> ConversationScore {
    let since = now - Duration::days(risk.repeat_window_days);
    let recent: Vec<MessageSignals> = analyses
        .iter()
        .rev()
        .flatten()
        .take(5)
        .map(MessageSignals::of)
        .collect();
    let observations: Vec<Observation> = history
        .sentiments
        .iter()
        .map(|(at, sentiment)| Observation {
            at: *at,
            sentiment: *sentiment,
        })
        .collect();
    let trend = emotional_state(&observations, now, state).map(|s| s.trend);
    let last_csat = history
        .csat
        .iter()
        .filter(|(at, _)| *at >= since)
        .max_by_key(|(at, _)| *at)
        .map(|(_, score)| score.round().clamp(1.0, 5.0) as u8);
    let inputs = RiskInputs {
        recent,
        earlier_contacts: history
            .conversation_starts
            .iter()
            .filter(|at| **at >= since && **at != started)
            .count() as u32,
        cancellations: history
            .cancellations
            .iter()
            .filter(|at| **at >= since)
            .count() as u32,
        waiting_minutes: waiting_since.map(|at| (now - at).num_minutes().max(0)),
        trend: trend.filter(|_| observations.len() >= 3),
        last_csat,
    };
    ConversationScore {
        risk: assess(&inputs, risk),
        guidance: analyses
            .iter()
            .rev()
            .flatten()
            .next()
            .map(|a| a.guidance.approach.key()),
        excerpt: script.last().map(|(_, body, _)| excerpt(body)),
    }
}
