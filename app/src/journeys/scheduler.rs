//! The durable scheduler: due steps live in the database (`journey_steps`), and a worker in
//! every server moves them to the outbox. Nothing is kept in memory, so a restart loses
//! nothing; the data layer makes each step reach the outbox exactly once, also with several
//! workers on one Postgres. Time comes from a [`Clock`], so tests can move it forward.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

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

/// One pass: every step due now goes to the outbox. Returns how many did.
pub async fn run_due(db: &Db, clock: &dyn Clock) -> Result<usize, DataError> {
    journeys::queue_due_steps(db, clock.now(), Some(NO_TRANSPORT)).await
}

/// Runs [`run_due`] every `every` until the runtime stops; failures are logged and retried.
pub fn spawn(db: Db, clock: Arc<dyn Clock>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match run_due(&db, clock.as_ref()).await {
                Ok(0) => {}
                Ok(moved) => tracing::info!(moved, "journey steps moved to the outbox"),
                Err(error) => tracing::warn!(%error, "journey steps could not be moved to the outbox; retrying"),
            }
        }
    })
}
