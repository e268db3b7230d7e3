//! Demo conversations are scored like real ones: every inbound message by the emotion engine,
//! every open conversation's risk from its messages, the customer's other conversations,
//! cancellations and CSAT answers — computed in memory with the same `risk::assess_customer` that ingestion uses.

use app::domain::channels::Direction;
use app::emotion::risk::{assess_customer, CustomerFacts, RiskAssessment, RiskConfig};
use app::emotion::state::StateConfig;
use app::emotion::{analyze, Analysis};
use app::ingestion::excerpt;
use chrono::{DateTime, Duration, Utc};

/// One generated message: direction, body, time.
pub type ScriptLine = (Direction, String, DateTime<Utc>);

/// The engine's reading of every inbound line of a script (`None` for outbound lines).
pub fn analyze_script(script: &[ScriptLine]) -> Vec<Option<Analysis>> {
    script.iter().map(|(direction, body, _)| (*direction == Direction::Inbound).then(|| analyze(body))).collect()
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
    let recent: Vec<Analysis> = analyses.iter().rev().flatten().take(5).cloned().collect();
    let last_csat = history.csat.iter().filter(|(at, _)| *at >= since).max_by_key(|(at, _)| *at).map(|(_, score)| *score);
    let facts = CustomerFacts {
        recent: &recent,
        earlier_contacts: history.conversation_starts.iter().filter(|at| **at >= since && **at != started).count() as u32,
        cancellations: history.cancellations.iter().filter(|at| **at >= since).count() as u32,
        waiting_since,
        last_csat,
        sentiments: history.sentiments,
    };
    ConversationScore {
        risk: assess_customer(&facts, now, risk, state),
        guidance: analyses.iter().rev().flatten().next().map(|a| a.guidance.approach.key()),
        excerpt: script.last().map(|(_, body, _)| excerpt(body)),
    }
}
