//! The durable scheduler: due steps live in the database (`journey_steps`), and a worker in
//! every server moves them to the outbox. Nothing is kept in memory, so a restart loses
//! nothing; the data layer makes each step reach the outbox exactly once, also with several
//! workers on one Postgres. Time comes from a [`Clock`], so tests can move it forward.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::healing::{judge, Ending, HealingConfig};
use crate::data::{journeys, DataError, Db};

/// Why queued messages are not delivered: no mail transport exists yet.
pub const NO_TRANSPORT: &str = "not sent: no mail transport";

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pass {
    /// Steps moved to the outbox.
    pub sent: usize,
    /// Journeys that ended (healed, stalled or churned).
    pub ended: usize,
}

/// One pass: journeys whose customer recovered (or left) end first, so that they get no
/// further steps; then every step due now goes to the outbox.
pub async fn run_due(db: &Db, clock: &dyn Clock) -> Result<Pass, DataError> {
    let now = clock.now();
    let config = HealingConfig::default();
    let mut ended = 0;
    let mut healed = Vec::new();
    for (journey_id, facts) in journeys::healing_facts(db).await? {
        if let Some((ending, evidence)) = judge(&facts, now, &config) {
            if journeys::end(db, journey_id, &ending, &evidence, now).await? {
                ended += 1;
                if ending == Ending::Healed {
                    healed.push(serde_json::json!({"journey_id": journey_id, "evidence": evidence, "ended_at": now}));
                }
            }
        }
    }
    crate::webhooks::emit_all(db, "journey.healed", healed).await;
    let sent = journeys::queue_due_steps(db, now, Some(NO_TRANSPORT)).await?;
    Ok(Pass { sent, ended })
}

/// Runs [`run_due`] every `every` until the runtime stops; failures are logged and retried.
pub fn spawn(db: Db, clock: Arc<dyn Clock>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match run_due(&db, clock.as_ref()).await {
                Ok(Pass { sent: 0, ended: 0 }) => {}
                Ok(Pass { sent, ended }) => tracing::info!(sent, ended, "journeys: steps moved to the outbox, journeys ended"),
                Err(error) => tracing::warn!(%error, "journey steps could not be moved to the outbox; retrying"),
            }
        }
    })
}
