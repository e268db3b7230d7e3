//! A conversation's emotional risk, assessed from what the database knows now.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::Ingestion;
use crate::data::risk_facts::{self, RiskFacts, RiskUpdate};
use crate::emotion::risk::{assess_customer, CustomerFacts, RiskAssessment, RiskConfig};
use crate::emotion::state::StateConfig;
use crate::emotion::Analysis;
use crate::error::AppError;

/// Recomputes and stores a conversation's emotional risk from what the database knows now.
pub async fn refresh_risk(ingestion: &Ingestion, conversation_id: i64, now: DateTime<Utc>) -> Result<RiskAssessment, AppError> {
    let mut risks = reassess(ingestion, &[conversation_id], now).await?;
    risks.remove(&conversation_id).ok_or_else(|| AppError::gone_meanwhile("The conversation"))
}

/// Assesses several conversations and stores their risks in one transaction.
pub(super) async fn reassess(
    ingestion: &Ingestion,
    conversation_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<HashMap<i64, RiskAssessment>, AppError> {
    let assessed = assess_all(ingestion, conversation_ids, now).await?;
    risk_facts::store_risks(&ingestion.db, &updates(&assessed)).await?;
    Ok(assessed)
}

/// Assesses several conversations (a fixed number of reads for all of them) without storing
/// anything. Conversations that no longer exist are left out.
pub(super) async fn assess_all(
    ingestion: &Ingestion,
    conversation_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<HashMap<i64, RiskAssessment>, AppError> {
    let config = &ingestion.engine.risk;
    let since = now - Duration::days(config.repeat_window_days);
    let facts = risk_facts::risk_facts(&ingestion.db, conversation_ids, since).await?;
    Ok(facts.into_iter().map(|(id, facts)| (id, assess(&facts, now, config, &ingestion.engine.state))).collect())
}

/// The rows that store assessed risks.
pub(super) fn updates(assessed: &HashMap<i64, RiskAssessment>) -> Vec<RiskUpdate<'static>> {
    assessed
        .iter()
        .map(|(id, assessment)| RiskUpdate {
            conversation_id: *id,
            score: assessment.score,
            level: assessment.level.key(),
            factors_json: serde_json::to_string(&assessment.factors).expect("plain data serializes"),
        })
        .collect()
}

fn assess(facts: &RiskFacts, now: DateTime<Utc>, config: &RiskConfig, state_config: &StateConfig) -> RiskAssessment {
    let recent: Vec<Analysis> = facts.recent_analyses.iter().filter_map(|json| serde_json::from_str::<Analysis>(json).ok()).collect();
    assess_customer(
        &CustomerFacts {
            recent: &recent,
            earlier_contacts: facts.earlier_contacts as u32,
            cancellations: facts.cancellations as u32,
            waiting_since: facts.waiting_since,
            last_csat: facts.last_csat,
            sentiments: &facts.customer_sentiments,
        },
        now,
        config,
        state_config,
    )
}
