//! Customers: the people behind conversations (with or without a login).

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::ingest_effects::{record_effects, Cause, NewEffect, PendingEffect};
use super::{on_pool, BeginWrite, DataError, Db};

pub struct NewCustomer {
    pub external_ref: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub plan: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Rows per multi-row INSERT; keeps bind parameters far below both backends' limits.
pub const BATCH_ROWS: usize = 500;

/// Inserts customers in batches inside one transaction and returns their ids in input order.
pub async fn insert_many(db: &Db, customers: &[NewCustomer]) -> Result<Vec<i64>, DataError> {
    let mut ids = Vec::with_capacity(customers.len());
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for chunk in customers.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO customers (external_ref, name, email, plan, created_at, updated_at) ",
            );
            builder.push_values(chunk, |mut row, c| {
                row.push_bind(c.external_ref.as_deref())
                    .push_bind(c.name.as_str())
                    .push_bind(c.email.as_deref())
                    .push_bind(c.plan.as_deref())
                    .push_bind(c.created_at)
                    .push_bind(c.created_at);
            });
            builder.push(" RETURNING id");
            let chunk_ids: Vec<i64> = builder.build_query_scalar().fetch_all(&mut *tx).await?;
            ids.extend(chunk_ids);
        }
        tx.commit().await?;
    });
    Ok(ids)
}

pub async fn count(db: &Db) -> Result<i64, DataError> {
    Ok(on_pool!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM customers").fetch_one(pool).await)?)
}

pub struct NewEvent {
    pub customer_id: i64,
    pub conversation_id: Option<i64>,
    pub kind: &'static str,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

pub async fn insert_events(db: &Db, events: &[NewEvent]) -> Result<(), DataError> {
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for chunk in events.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO customer_events (customer_id, conversation_id, kind, value, note, occurred_at) ",
            );
            builder.push_values(chunk, |mut row, e| {
                row.push_bind(e.customer_id)
                    .push_bind(e.conversation_id)
                    .push_bind(e.kind)
                    .push_bind(e.value)
                    .push_bind(e.note.as_deref())
                    .push_bind(e.occurred_at);
            });
            builder.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Creates or updates the customer with this external reference; returns its id and whether
/// it was created.
pub async fn upsert_by_ref(
    db: &Db,
    external_ref: &str,
    name: &str,
    email: Option<&str>,
    plan: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(i64, bool), DataError> {
    const UPDATE: &str = "UPDATE customers SET name = $2, email = $3, plan = $4, updated_at = $5 \
         WHERE external_ref = $1 RETURNING id";
    const INSERT: &str = "INSERT INTO customers (external_ref, name, email, plan, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (external_ref) DO NOTHING RETURNING id";
    let _turn = db.write_turn().await;
    let outcome = on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let updated: Option<i64> = sqlx::query_scalar(UPDATE)
            .bind(external_ref).bind(name).bind(email).bind(plan).bind(now)
            .fetch_optional(&mut *tx).await?;
        let outcome = match updated {
            Some(id) => (id, false),
            None => {
                let inserted: Option<i64> = sqlx::query_scalar(INSERT)
                    .bind(external_ref).bind(name).bind(email).bind(plan).bind(now)
                    .fetch_optional(&mut *tx).await?;
                match inserted {
                    Some(id) => (id, true),
                    // Another request created it between our two statements.
                    None => {
                        let id: i64 = sqlx::query_scalar(UPDATE)
                            .bind(external_ref).bind(name).bind(email).bind(plan).bind(now)
                            .fetch_one(&mut *tx).await?;
                        (id, false)
                    }
                }
            }
        };
        tx.commit().await?;
        outcome
    });
    Ok(outcome)
}

/// The customer record of a signed-up account (staff accounts have none).
pub async fn id_by_user(db: &Db, user_id: i64) -> Result<Option<i64>, DataError> {
    const SQL: &str = "SELECT id FROM customers WHERE user_id = $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL).bind(user_id).fetch_optional(pool).await)?)
}

pub async fn id_by_ref(db: &Db, external_ref: &str) -> Result<Option<i64>, DataError> {
    const SQL: &str = "SELECT id FROM customers WHERE external_ref = $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL).bind(external_ref).fetch_optional(pool).await)?)
}

/// Ids of the customers with these external references (unknown references are absent).
pub async fn ids_by_refs(db: &Db, external_refs: &[&str]) -> Result<std::collections::HashMap<String, i64>, DataError> {
    let mut ids = std::collections::HashMap::with_capacity(external_refs.len());
    for chunk in external_refs.chunks(BATCH_ROWS) {
        let rows: Vec<(String, i64)> = on_pool!(db, pool => {
            let mut select = sqlx::QueryBuilder::new("SELECT external_ref, id FROM customers WHERE external_ref IN (");
            let mut list = select.separated(", ");
            for reference in chunk {
                list.push_bind(*reference);
            }
            select.push(")");
            select.build_query_as().fetch_all(pool).await
        })?;
        ids.extend(rows);
    }
    Ok(ids)
}

/// An event from an integration, stored once per idempotency key (`record_event`).
pub struct KeyedEvent<'a> {
    pub idempotency_key: &'a str,
    pub customer_id: i64,
    pub conversation_id: Option<i64>,
    pub kind: &'static str,
    pub value: Option<f64>,
    pub note: Option<&'a str>,
    pub occurred_at: DateTime<Utc>,
    /// A bad rating: the conversation reopens (in the same transaction) and its effect starts
    /// a recovery journey whatever the risk.
    pub reopens: bool,
}

/// Stores an event once per idempotency key; returns its id and whether it was new. A new
/// event of a conversation also records its effect (`ingest_effects`: risk, journey, inbox
/// event) in the same transaction, leased to the caller for `lease`. `DataError::NotFound`
/// when `conversation_id` is not one of this customer's conversations.
pub async fn record_event(
    db: &Db,
    event: &KeyedEvent<'_>,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> Result<RecordedEvent, DataError> {
    const EXISTING: &str = "SELECT id, customer_id, conversation_id FROM customer_events WHERE idempotency_key = $1";
    const OWNED: &str = "SELECT id FROM conversations WHERE id = $1 AND customer_id = $2";
    const INSERT: &str = "INSERT INTO customer_events (customer_id, conversation_id, kind, value, note, idempotency_key, occurred_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
    const REOPEN: &str = "UPDATE conversations SET status = 'open', resolved_at = NULL, \
         waiting_since = COALESCE(waiting_since, $2) WHERE id = $1";
    let customer_id = event.customer_id;
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let effect_due = Utc::now() + lease;
        if let Some(stored) = sqlx::query_as::<_, (i64, i64, Option<i64>)>(EXISTING).bind(event.idempotency_key).fetch_optional(&mut *tx).await? {
            return RecordedEvent::replayed(stored, customer_id);
        }
        if let Some(conversation_id) = event.conversation_id {
            let owned: Option<i64> = sqlx::query_scalar(OWNED).bind(conversation_id).bind(customer_id).fetch_optional(&mut *tx).await?;
            if owned.is_none() {
                return Err(DataError::NotFound);
            }
        }
        let inserted: Option<i64> = sqlx::query_scalar(INSERT)
            .bind(customer_id).bind(event.conversation_id).bind(event.kind).bind(event.value).bind(event.note)
            .bind(event.idempotency_key).bind(event.occurred_at)
            .fetch_optional(&mut *tx).await?;
        let effect = match (inserted, event.conversation_id) {
            (Some(_), Some(conversation_id)) => {
                if event.reopens {
                    sqlx::query(REOPEN).bind(conversation_id).bind(event.occurred_at).execute(&mut *tx).await?;
                }
                let effect = NewEffect { conversation_id, new_inbound: false, journey_always: event.reopens, cause: Cause::Event };
                record_effects!(tx, &[effect], now, effect_due)?.pop()
            }
            _ => None,
        };
        tx.commit().await?;
        match inserted {
            Some(id) => Ok(RecordedEvent { id, created: true, conversation_id: event.conversation_id, effect }),
            None => {
                let stored = sqlx::query_as::<_, (i64, i64, Option<i64>)>(EXISTING).bind(event.idempotency_key).fetch_one(pool).await?;
                RecordedEvent::replayed(stored, customer_id)
            }
        }
    })
}

/// An event as stored: on a replay of its idempotency key, the stored event's own
/// conversation, never the one the replay names (which may not be the customer's).
#[derive(Debug, PartialEq)]
pub struct RecordedEvent {
    pub id: i64,
    pub created: bool,
    pub conversation_id: Option<i64>,
    /// What the new event of a conversation still has to do (none on a replay).
    pub effect: Option<PendingEffect>,
}

impl RecordedEvent {
    /// `stored`: id, customer and conversation of the event that has the key.
    fn replayed((id, stored_customer, conversation_id): (i64, i64, Option<i64>), customer_id: i64) -> Result<RecordedEvent, DataError> {
        if stored_customer != customer_id {
            return Err(DataError::Refused("This idempotency key was already used for another customer's event.".into()));
        }
        Ok(RecordedEvent { id, created: false, conversation_id, effect: None })
    }
}

pub async fn profile(db: &Db, customer_id: i64) -> Result<Option<crate::domain::workspace::CustomerProfile>, DataError> {
    const SQL: &str = "SELECT id, name, email, plan, created_at FROM customers WHERE id = $1";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(customer_id).fetch_optional(pool).await)?)
}

/// The customer's events, newest first (all kinds).
pub async fn events_of(db: &Db, customer_id: i64, limit: i64) -> Result<Vec<crate::domain::workspace::EventView>, DataError> {
    const SQL: &str = "SELECT kind, value, note, occurred_at FROM customer_events WHERE customer_id = $1 \
         ORDER BY occurred_at DESC, id DESC LIMIT $2";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(customer_id).bind(limit).fetch_all(pool).await)?)
}
