//! The durable scheduler: due steps live in the database (`journey_steps`), and a worker in
//! every server moves them to the outbox. Nothing is kept in memory, so a restart loses
//! nothing; the data layer makes each step reach the outbox exactly once, also with several
//! workers on one Postgres. Time comes from a [`Clock`], so tests can move it forward.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::data::{journeys, DataError, Db};
use crate::domain::journeys::healing::{judge, Ending, HealingConfig};

pub use crate::domain::outbox::NO_TRANSPORT;

/// Whether the outbox rows a pass writes can be delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// A mail transport is configured: rows wait for the mail worker.
    Mail,
    /// None is: rows are marked "not sent: no mail transport" (and may be sent again later).
    NoTransport,
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system clock moved forward by the number of seconds written in a file (missing or
/// unreadable: no offset). For end-to-end tests that need time to pass in a running server
/// (`RAPPORT_TEST_CLOCK_FILE`); never set in production.
pub struct FileOffsetClock {
    pub path: std::path::PathBuf,
}

impl Clock for FileOffsetClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = std::fs::read_to_string(&self.path).ok().and_then(|text| text.trim().parse::<i64>().ok()).unwrap_or(0);
        Utc::now() + chrono::Duration::seconds(offset)
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

/// How a pass writes its outbox rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PassSettings {
    pub delivery: Delivery,
    /// Add the newest consented gratitude quote under each message (off by default).
    pub gratitude_quote: bool,
}

/// One pass without a gratitude quote (see [`run_due_with`]).
pub async fn run_due(db: &Db, clock: &dyn Clock, delivery: Delivery) -> Result<Pass, DataError> {
    run_due_with(db, clock, PassSettings { delivery, gratitude_quote: false }).await
}

/// One pass: journeys whose customer recovered (or left) end first, so that they get no
/// further steps; then every step due now goes to the outbox.
pub async fn run_due_with(db: &Db, clock: &dyn Clock, settings: PassSettings) -> Result<Pass, DataError> {
    let delivery = settings.delivery;
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
    crate::webhooks::emit_all(db, crate::domain::webhooks::WebhookEvent::JourneyHealed, healed).await;
    let undeliverable = match delivery {
        Delivery::Mail => None,
        Delivery::NoTransport => Some(NO_TRANSPORT),
    };
    let footer = match settings.gratitude_quote {
        true => crate::data::stories::consented_quote(db).await?.map(|(quote, by)| gratitude_footer(&quote, &by)),
        false => None,
    };
    let sent = journeys::queue_due_steps(db, now, undeliverable, footer.as_deref()).await?;
    Ok(Pass { sent, ended })
}

/// A consented quote as it closes a message.
pub fn gratitude_footer(quote: &str, by: &str) -> String {
    format!("From our community, shared with permission: “{}” — {by}", quote.trim())
}

/// Runs [`run_due_with`] every `every` until the runtime stops; failures are logged and retried.
pub fn spawn(db: Db, clock: Arc<dyn Clock>, settings: PassSettings, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match run_due_with(&db, clock.as_ref(), settings).await {
                Ok(Pass { sent: 0, ended: 0 }) => {}
                Ok(Pass { sent, ended }) => tracing::info!(sent, ended, "journeys: steps moved to the outbox, journeys ended"),
                Err(error) => tracing::warn!(%error, "journey steps could not be moved to the outbox; retrying"),
            }
        }
    })
}
