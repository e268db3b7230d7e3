//! Ingestion's pending side effects (migration 0020). Rows are written with the messages
//! (`ingestion::ingest_messages`); the one who finishes an effect deletes its row in the same
//! transaction as the risks it stores and the webhooks it raises, so each webhook is queued
//! exactly once even when the owner and a worker race for the same row.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::risk_facts::{write_risks, RiskUpdate, IDS_PER_STATEMENT};
use super::{on_pool, BeginWrite, DataError, Db};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingEffect {
    pub id: i64,
    pub conversation_id: i64,
    /// New customer messages arrived: a high risk starts a journey and raises `risk.raised`.
    pub new_inbound: bool,
    /// A bad rating: a journey starts whatever the risk.
    pub journey_always: bool,
    pub cause: Cause,
}

/// What recorded an effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    Messages,
    Event,
}

impl Cause {
    pub(super) fn key(self) -> &'static str {
        match self {
            Cause::Messages => "messages",
            Cause::Event => "event",
        }
    }
}

/// An effect about to be recorded (`record_effects!`).
#[derive(Clone, Copy, Debug)]
pub struct NewEffect {
    pub conversation_id: i64,
    pub new_inbound: bool,
    pub journey_always: bool,
    pub cause: Cause,
}

/// Writes effects `$wanted` (`&[NewEffect]`, at most one per conversation) on an open write
/// transaction `$tx` (inside `on_pool!`), leased until `$due`, and evaluates to their
/// `PendingEffect`s in the same order (`Result<_, DataError>`).
macro_rules! record_effects {
    ($tx:expr, $wanted:expr, $now:expr, $due:expr) => {{
        let wanted: &[$crate::data::ingest_effects::NewEffect] = $wanted;
        let mut id_of: std::collections::HashMap<i64, i64> = std::collections::HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks($crate::data::risk_facts::IDS_PER_STATEMENT) {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO ingest_effects (conversation_id, new_inbound, journey_always, cause, recorded_at, due_at) ",
            );
            insert.push_values(chunk, |mut row, effect: &$crate::data::ingest_effects::NewEffect| {
                row.push_bind(effect.conversation_id)
                    .push_bind(i64::from(effect.new_inbound))
                    .push_bind(i64::from(effect.journey_always))
                    .push_bind(effect.cause.key())
                    .push_bind($now)
                    .push_bind($due);
            });
            // RETURNING's order is unspecified on SQLite; there is one row per conversation.
            insert.push(" RETURNING conversation_id, id");
            let rows: Vec<(i64, i64)> = insert.build_query_as().fetch_all(&mut *$tx).await?;
            id_of.extend(rows);
        }
        wanted
            .iter()
            .map(|effect| {
                let id = id_of
                    .get(&effect.conversation_id)
                    .copied()
                    .ok_or_else(|| $crate::data::DataError::Inconsistent("an effect row was not returned"))?;
                Ok($crate::data::ingest_effects::PendingEffect {
                    id,
                    conversation_id: effect.conversation_id,
                    new_inbound: effect.new_inbound,
                    journey_always: effect.journey_always,
                    cause: effect.cause,
                })
            })
            .collect::<Result<Vec<$crate::data::ingest_effects::PendingEffect>, $crate::data::DataError>>()
    }};
}
pub(crate) use record_effects;

/// Takes up to `limit` effects whose owner's lease ran out (a crash, or a failure after the
/// messages were stored), leasing them to the caller until `lease_until`. Postgres skips rows
/// another instance is claiming; SQLite serialises writers anyway.
pub async fn claim_due(db: &Db, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: i64) -> Result<Vec<PendingEffect>, DataError> {
    // Polled every second.
    let queue = super::claim::Queue { table: "ingest_effects", alias: "e", joins: "", condition: "e.due_at <= $1", order: "e.id" };
    let claimed: Vec<(i64, i64, i64, i64, String)> = queue
        .lease(
            db,
            "due_at",
            "id, conversation_id, CAST(new_inbound AS BIGINT), CAST(journey_always AS BIGINT), cause",
            now,
            lease_until,
            limit,
        )
        .await?;
    Ok(claimed
        .into_iter()
        .map(|(id, conversation_id, new_inbound, journey_always, cause)| PendingEffect {
            id,
            conversation_id,
            new_inbound: new_inbound != 0,
            journey_always: journey_always != 0,
            cause: if cause == Cause::Event.key() { Cause::Event } else { Cause::Messages },
        })
        .collect())
}

/// What finishing some effects writes besides deleting them.
pub struct Completion<'a> {
    pub effect_ids: &'a [i64],
    pub risks: &'a [RiskUpdate<'a>],
    /// `risk.raised` webhook bodies, each queued only if its effect (the id) is still pending.
    pub risk_raised: &'a [(i64, String)],
    pub now: DateTime<Utc>,
}

/// Deletes the effects, stores the risks and queues the webhooks of the effects this call
/// deleted, in one transaction. Returns the ids it deleted: an effect someone else already
/// finished raises nothing twice.
pub async fn complete(db: &Db, completion: &Completion<'_>) -> Result<Vec<i64>, DataError> {
    if completion.effect_ids.is_empty() && completion.risks.is_empty() {
        return Ok(Vec::new());
    }
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut finished: HashSet<i64> = HashSet::with_capacity(completion.effect_ids.len());
        for chunk in completion.effect_ids.chunks(IDS_PER_STATEMENT) {
            let mut delete = QueryBuilder::new("DELETE FROM ingest_effects WHERE id IN (");
            let mut list = delete.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            delete.push(") RETURNING id");
            let deleted: Vec<i64> = delete.build_query_scalar().fetch_all(&mut *tx).await?;
            finished.extend(deleted);
        }
        write_risks!(tx, completion.risks);
        for (effect_id, body) in completion.risk_raised {
            if finished.contains(effect_id) {
                sqlx::query(super::webhooks::ENQUEUE)
                    .bind(crate::domain::webhooks::WebhookEvent::RiskRaised.name())
                    .bind(body)
                    .bind(completion.now)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(finished.into_iter().collect())
    })
}

/// How many effects are waiting (tests, operators).
pub async fn pending_count(db: &Db) -> Result<i64, DataError> {
    const SQL: &str = "SELECT COUNT(*) FROM ingest_effects";
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await)?)
}
