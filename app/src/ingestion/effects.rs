//! The side effects of new messages and events, carried out after the transaction that
//! stored them from the rows it recorded (`data::ingest_effects`): the conversation's risk is
//! reassessed and stored, a high risk with new customer words starts a recovery journey and
//! queues `risk.raised`, a bad rating starts a journey whatever the risk, and open inboxes
//! hear of the change.
//!
//! The request that stored them does this at once and holds the rows for `LEASE`.
//! If it dies first (a crash, a lost database connection), the worker takes the rows over
//! when the lease runs out. Every step may run twice without doing anything twice: risks are
//! recomputed from the database, a conversation has at most one running journey (the data
//! layer refuses a second), and a webhook is queued only by whoever deletes the effect's row.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{risk, Ingestion};
use crate::data::ingest_effects::{self, Cause, Completion, PendingEffect};
use crate::domain::webhooks::WebhookEvent;
use crate::domain::workspace::InboxChange;
use crate::emotion::risk::{RiskAssessment, RiskLevel};
use crate::error::AppError;

/// How long the request that stored messages has to finish their effects before the worker
/// takes over. Finishing takes milliseconds; a late owner and the worker both finishing is
/// harmless (see the module's docs).
pub const LEASE: chrono::Duration = chrono::Duration::seconds(10);
/// How often the worker looks for effects left behind.
const POLL: Duration = Duration::from_secs(1);
const CLAIM_AT_ONCE: i64 = 200;

/// Carries out `effects` and returns the risks assessed for their conversations (a
/// conversation deleted meanwhile has none, and its effects are gone with it).
pub(super) async fn settle(
    ingestion: &Ingestion,
    effects: &[PendingEffect],
    now: DateTime<Utc>,
) -> Result<HashMap<i64, RiskAssessment>, AppError> {
    if effects.is_empty() {
        return Ok(HashMap::new());
    }
    let mut conversations: Vec<i64> = effects.iter().map(|e| e.conversation_id).collect();
    conversations.sort_unstable();
    conversations.dedup();
    let assessed = risk::assess_all(ingestion, &conversations, now).await?;
    let raising: Vec<&PendingEffect> = effects
        .iter()
        .filter(|effect| effect.new_inbound)
        .filter(|effect| assessed.get(&effect.conversation_id).is_some_and(|risk| risk.level >= RiskLevel::High))
        .collect();
    let mut journeys: Vec<i64> = raising
        .iter()
        .copied()
        .chain(effects.iter().filter(|effect| effect.journey_always))
        .map(|e| e.conversation_id)
        .filter(|id| assessed.contains_key(id))
        .collect();
    journeys.sort_unstable();
    journeys.dedup();
    crate::journeys::starts::start_for_conversations(&ingestion.db, &journeys, None, now).await?;
    let risk_raised: Vec<(i64, String)> = raising
        .iter()
        .map(|effect| {
            let data = serde_json::json!({
                "conversation_id": effect.conversation_id,
                "risk": assessed[&effect.conversation_id],
            });
            (effect.id, crate::webhooks::delivery_body(WebhookEvent::RiskRaised, data))
        })
        .collect();
    let effect_ids: Vec<i64> = effects.iter().map(|e| e.id).collect();
    let risks = risk::updates(&assessed);
    ingest_effects::complete(&ingestion.db, &Completion { effect_ids: &effect_ids, risks: &risks, risk_raised: &risk_raised, now }).await?;
    let mut announced: Vec<(InboxChange, i64)> = effects
        .iter()
        .map(|effect| match effect.cause {
            Cause::Messages => (InboxChange::Message, effect.conversation_id),
            Cause::Event => (InboxChange::Risk, effect.conversation_id),
        })
        .collect();
    announced.sort_unstable();
    announced.dedup();
    for (kind, conversation_id) in announced {
        ingestion.realtime.publish(kind, conversation_id);
    }
    Ok(assessed)
}

/// Finishes effects whose owner did not (up to `CLAIM_AT_ONCE`); returns how many it took.
/// When they fail together, each is tried alone, so one that keeps failing (it is tried again
/// after every lease, and logged) holds up no other.
pub async fn settle_left_behind(ingestion: &Ingestion, now: DateTime<Utc>) -> Result<usize, AppError> {
    let claimed = ingest_effects::claim_due(&ingestion.db, now, now + LEASE, CLAIM_AT_ONCE).await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    tracing::info!(effects = claimed.len(), "finishing ingestion effects left behind");
    match settle(ingestion, &claimed, now).await {
        Ok(_) => {}
        Err(error) if claimed.len() == 1 => return Err(error),
        Err(_) => {
            for effect in &claimed {
                if let Err(error) = settle(ingestion, std::slice::from_ref(effect), now).await {
                    tracing::warn!(%error, effect = effect.id, conversation = effect.conversation_id, "an ingestion effect could not be finished");
                }
            }
        }
    }
    Ok(claimed.len())
}

/// Starts the worker that finishes effects left behind (call inside the tokio runtime).
pub fn spawn_worker(ingestion: Ingestion) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(POLL);
        loop {
            tick.tick().await;
            match settle_left_behind(&ingestion, Utc::now()).await {
                Ok(taken) if taken as i64 == CLAIM_AT_ONCE => tick.reset_immediately(),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "ingestion effects could not be finished"),
            }
        }
    });
}
