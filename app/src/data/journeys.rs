//! Recovery journeys, their dated steps, and the outbox that due steps are moved to.
//! Invariants live here: one active (or paused) journey per customer and issue (a unique
//! index), and each step reaches the outbox exactly once (the step is marked sent in the
//! same transaction that writes its outbox row, whose key is unique).

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::{on_pool, BeginWrite, DataError, Db};
use crate::journeys::healing::{Ending, HealingFacts};
use crate::journeys::PlannedStep;

/// Steps moved to the outbox per transaction.
const STEPS_PER_BATCH: i64 = 100;

pub struct NewJourney<'a> {
    pub customer_id: i64,
    pub conversation_id: Option<i64>,
    pub template_id: Option<i64>,
    /// What went wrong, as a stable key (e.g. "conversation:42"): one active journey each.
    pub issue_key: &'a str,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("this customer already has an active journey for this issue")]
    AlreadyActive,
    #[error(transparent)]
    Data(#[from] DataError),
}

/// Starts a journey with its planned steps (all or nothing).
pub async fn start(db: &Db, journey: &NewJourney<'_>, steps: &[PlannedStep]) -> Result<i64, StartError> {
    const JOURNEY: &str = "INSERT INTO journeys (customer_id, conversation_id, template_id, issue_key, state, started_at) \
         VALUES ($1, $2, $3, $4, 'active', $5) RETURNING id";
    let _turn = db.write_turn().await;
    let inserted: Result<i64, DataError> = async { on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(JOURNEY)
            .bind(journey.customer_id)
            .bind(journey.conversation_id)
            .bind(journey.template_id)
            .bind(journey.issue_key)
            .bind(journey.started_at)
            .fetch_one(&mut *tx)
            .await?;
        let mut insert = QueryBuilder::new("INSERT INTO journey_steps (journey_id, position, channel, body, due_at, status) ");
        insert.push_values(steps, |mut row, step| {
            row.push_bind(id)
                .push_bind(step.position)
                .push_bind(step.channel.as_str())
                .push_bind(step.body.as_str())
                .push_bind(step.due_at)
                .push_bind("scheduled");
        });
        insert.build().execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    }) }
    .await;
    // The only unique rule a new journey can break is "one active journey per issue".
    inserted.map_err(|error| match error {
        DataError::Conflict(_) => StartError::AlreadyActive,
        other => StartError::Data(other),
    })
}

/// Moves every step due at `now` of an active journey to the outbox, in batches; returns how
/// many were moved. Several workers may run at once: on Postgres each skips the steps another
/// has locked; on SQLite writers take turns. `undeliverable` marks the new outbox rows as not
/// sent, with that reason (no mail transport is configured).
pub async fn queue_due_steps(db: &Db, now: DateTime<Utc>, undeliverable: Option<&str>) -> Result<usize, DataError> {
    let mut moved = 0;
    loop {
        let batch = queue_due_batch(db, now, undeliverable).await?;
        moved += batch;
        if (batch as i64) < STEPS_PER_BATCH {
            return Ok(moved);
        }
    }
}

async fn queue_due_batch(db: &Db, now: DateTime<Utc>, undeliverable: Option<&str>) -> Result<usize, DataError> {
    const ANY_DUE: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM journey_steps s JOIN journeys j ON j.id = s.journey_id \
         WHERE s.status = 'scheduled' AND s.due_at <= $1 AND j.state = 'active' LIMIT 1) AS due";
    const DUE: &str = "SELECT s.id FROM journey_steps s JOIN journeys j ON j.id = s.journey_id \
         WHERE s.status = 'scheduled' AND s.due_at <= $1 AND j.state = 'active' ORDER BY s.due_at, s.id LIMIT $2";
    const DUE_SKIP_LOCKED: &str = "SELECT s.id FROM journey_steps s JOIN journeys j ON j.id = s.journey_id \
         WHERE s.status = 'scheduled' AND s.due_at <= $1 AND j.state = 'active' ORDER BY s.due_at, s.id LIMIT $2 \
         FOR UPDATE OF s SKIP LOCKED";
    // Polled every few seconds: only a read when nothing is due, so the poll never waits for
    // (or holds) SQLite's write lock.
    let any_due: i64 = on_pool!(db, pool => sqlx::query_scalar(ANY_DUE).bind(now).fetch_one(pool).await)?;
    if any_due == 0 {
        return Ok(0);
    }
    let (delivery, note) = match undeliverable {
        Some(reason) => ("not_sent", Some(reason)),
        None => ("pending", None),
    };
    let _turn = db.write_turn().await;
    let due_sql = match db {
        Db::Sqlite(_) => DUE,
        Db::Postgres(_) => DUE_SKIP_LOCKED,
    };
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(due_sql).bind(now).bind(STEPS_PER_BATCH).fetch_all(&mut *tx).await?;
        if ids.is_empty() {
            tx.commit().await?;
            return Ok(0);
        }
        let mut insert = QueryBuilder::new(
            "INSERT INTO outbox_messages (dedupe_key, customer_id, journey_id, channel, body, created_at, delivery, delivery_note) \
             SELECT 'journey-step:' || CAST(s.id AS TEXT), j.customer_id, j.id, s.channel, s.body, ",
        );
        insert.push_bind(now).push(", ").push_bind(delivery).push(", ").push_bind(note)
            .push(" FROM journey_steps s JOIN journeys j ON j.id = s.journey_id WHERE s.id IN (");
        let mut list = insert.separated(", ");
        for id in &ids {
            list.push_bind(*id);
        }
        insert.push(") ON CONFLICT (dedupe_key) DO NOTHING");
        insert.build().execute(&mut *tx).await?;
        let mut update = QueryBuilder::new("UPDATE journey_steps SET status = 'sent', sent_at = ");
        update.push_bind(now).push(" WHERE status = 'scheduled' AND id IN (");
        let mut list = update.separated(", ");
        for id in &ids {
            list.push_bind(*id);
        }
        update.push(")");
        let moved = update.build().execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(moved as usize)
    })
}

/// A message in the outbox, as agents see it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub dedupe_key: String,
    pub customer_id: i64,
    pub journey_id: Option<i64>,
    pub channel: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub delivery: String,
    pub delivery_note: Option<String>,
}

/// A customer's outbox, oldest first.
pub async fn outbox_of_customer(db: &Db, customer_id: i64) -> Result<Vec<OutboxMessage>, DataError> {
    const SQL: &str = "SELECT id, dedupe_key, customer_id, journey_id, channel, body, created_at, delivery, delivery_note \
         FROM outbox_messages WHERE customer_id = $1 ORDER BY created_at, id";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(customer_id).fetch_all(pool).await)?)
}

/// Pauses or resumes a journey; a paused journey's due steps wait until it is resumed.
pub async fn set_paused(db: &Db, journey_id: i64, paused: bool) -> Result<(), DataError> {
    const SQL: &str = "UPDATE journeys SET state = $2 WHERE id = $1 AND state IN ('active', 'paused')";
    let state = if paused { "paused" } else { "active" };
    let changed = on_pool!(db, pool => sqlx::query(SQL).bind(journey_id).bind(state).execute(pool).await.map(|done| done.rows_affected()))?;
    if changed == 0 {
        return Err(DataError::NotFound);
    }
    Ok(())
}

/// Active and paused journeys with what happened since each started, for judging whether
/// it has ended (see `journeys::healing`).
pub async fn healing_facts(db: &Db) -> Result<Vec<(i64, HealingFacts)>, DataError> {
    const OPEN: &str = "SELECT id, customer_id, started_at FROM journeys WHERE state IN ('active', 'paused') ORDER BY id";
    // Before the incident: the customer's latest messages older than a day before the start.
    const BASELINE: &str = "SELECT AVG(sentiment) FROM (SELECT sentiment FROM messages WHERE author_customer_id = $1 \
         AND direction = 'inbound' AND sentiment IS NOT NULL AND created_at < $2 ORDER BY created_at DESC LIMIT 20) AS before_incident";
    const REPLIES: &str = "SELECT created_at, sentiment FROM messages WHERE author_customer_id = $1 AND direction = 'inbound' \
         AND sentiment IS NOT NULL AND created_at >= $2 ORDER BY created_at, id";
    const EVENTS: &str = "SELECT occurred_at, kind, value FROM customer_events WHERE customer_id = $1 AND occurred_at >= $2 \
         AND kind IN ('csat', 'purchase', 'return_visit', 'cancellation') ORDER BY occurred_at, id";
    const STEPS: &str = "SELECT COUNT(*) FILTER (WHERE status IN ('scheduled', 'paused')), MAX(due_at) FROM journey_steps WHERE journey_id = $1";
    let open: Vec<(i64, i64, DateTime<Utc>)> = on_pool!(db, pool => sqlx::query_as(OPEN).fetch_all(pool).await)?;
    let mut all = Vec::with_capacity(open.len());
    for (journey_id, customer_id, started_at) in open {
        let (baseline, replies, events, (steps_left, last_step_due)) = on_pool!(db, pool => {
            let baseline: Option<f64> = sqlx::query_scalar(BASELINE).bind(customer_id).bind(started_at - chrono::Duration::days(1)).fetch_one(pool).await?;
            let replies: Vec<(DateTime<Utc>, f64)> = sqlx::query_as(REPLIES).bind(customer_id).bind(started_at).fetch_all(pool).await?;
            let events: Vec<(DateTime<Utc>, String, Option<f64>)> = sqlx::query_as(EVENTS).bind(customer_id).bind(started_at).fetch_all(pool).await?;
            let steps: (i64, Option<DateTime<Utc>>) = sqlx::query_as(STEPS).bind(journey_id).fetch_one(pool).await?;
            (baseline, replies, events, steps)
        });
        let mut facts = HealingFacts {
            baseline,
            replies,
            steps_left: steps_left as usize,
            last_step_due: last_step_due.unwrap_or(started_at),
            ..HealingFacts::default()
        };
        for (at, kind, value) in events {
            match kind.as_str() {
                "csat" => facts.csat.extend(value.map(|score| (at, score))),
                "cancellation" => facts.cancelled_at = facts.cancelled_at.or(Some(at)),
                _ => facts.reengagements.push((at, kind)),
            }
        }
        all.push((journey_id, facts));
    }
    Ok(all)
}

/// Ends an active or paused journey with its evidence; its unsent steps are skipped.
/// Returns false when it had already ended.
pub async fn end(db: &Db, journey_id: i64, ending: &Ending, evidence: &str, at: DateTime<Utc>) -> Result<bool, DataError> {
    const END: &str = "UPDATE journeys SET state = $2, ended_at = $3, end_evidence = $4 WHERE id = $1 AND state IN ('active', 'paused')";
    const SKIP: &str = "UPDATE journey_steps SET status = 'skipped' WHERE journey_id = $1 AND status IN ('scheduled', 'paused')";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let ended = sqlx::query(END).bind(journey_id).bind(ending.key()).bind(at).bind(evidence).execute(&mut *tx).await?.rows_affected() == 1;
        if ended {
            sqlx::query(SKIP).bind(journey_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(ended)
    })
}

/// A journey's state and, once ended, its evidence.
pub async fn state_of(db: &Db, journey_id: i64) -> Result<(String, Option<String>), DataError> {
    const SQL: &str = "SELECT state, end_evidence FROM journeys WHERE id = $1";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(journey_id).fetch_one(pool).await)?)
}
