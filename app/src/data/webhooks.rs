//! Webhooks and their deliveries (an outbox: one row per event and webhook).

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::claim::Queue;
use super::deliveries::after_webhook_attempt;
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::webhooks::WebhookEvent;
use crate::domain::webhooks::{retry_delay, DeliveryView, WebhookView, MAX_ATTEMPTS};

pub async fn create(db: &Db, url: &str, secret: &str, events: &str, now: DateTime<Utc>) -> Result<i64, DataError> {
    const SQL: &str = "INSERT INTO webhooks (url, secret, events, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL).bind(url).bind(secret).bind(events).bind(now).fetch_one(pool).await)?)
}

/// Removes an endpoint with its deliveries. Outgoing messages that only it was still trying to
/// deliver are not delivered now, and say so (they can be sent again).
pub async fn delete(db: &Db, id: i64, now: DateTime<Utc>) -> Result<bool, DataError> {
    const ORPHANED: &str = "UPDATE messages SET delivery = 'failed', delivery_at = $2, \
         delivery_note = 'the webhook endpoint that was to deliver it was removed; send it again' \
         WHERE delivery = 'queued' AND id IN (SELECT message_id FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'pending') \
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries other WHERE other.message_id = messages.id \
             AND other.webhook_id <> $1 AND other.state = 'pending')";
    const SQL: &str = "DELETE FROM webhooks WHERE id = $1";
    let _turn = db.write_turn().await;
    let done = on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(ORPHANED).bind(id).bind(now).execute(&mut *tx).await?;
        let done = sqlx::query(SQL).bind(id).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        done
    });
    Ok(done == 1)
}

pub async fn list(db: &Db) -> Result<Vec<WebhookView>, DataError> {
    const SQL: &str = "SELECT id, url, secret, events, created_at FROM webhooks ORDER BY id";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?)
}

/// Queues event `$1` with payload `$2` at `$3` for every webhook subscribed to it.
pub(super) const ENQUEUE: &str =
    "INSERT INTO webhook_deliveries (webhook_id, event, payload, state, attempts, next_attempt_at, created_at) \
     SELECT id, $1, $2, 'pending', 0, $3, $3 FROM webhooks WHERE ' ' || events || ' ' LIKE '% ' || $1 || ' %'";

/// Queues `event` for every webhook subscribed to it, in one statement.
pub async fn enqueue(db: &Db, event: WebhookEvent, payloads: &[String], now: DateTime<Utc>) -> Result<u64, DataError> {
    let event = event.name();
    const SUBSCRIBED: &str = "SELECT COUNT(*) FROM webhooks WHERE ' ' || events || ' ' LIKE '% ' || $1 || ' %'";
    on_pool!(db, pool => {
        // Most installations subscribe to few events: a read, and no write lock, for the rest.
        let subscribed: i64 = sqlx::query_scalar(SUBSCRIBED).bind(event).fetch_one(pool).await?;
        if subscribed == 0 {
            return Ok(0);
        }
        let _turn = db.write_turn().await;
        let mut tx = pool.begin_write().await?;
        let mut queued = 0;
        for payload in payloads {
            queued += sqlx::query(ENQUEUE).bind(event).bind(payload).bind(now).execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(queued)
    })
}

/// A delivery claimed by a worker.
#[derive(Debug, sqlx::FromRow)]
pub struct Due {
    pub id: i64,
    pub event: String,
    pub payload: String,
    pub attempts: i64,
    pub url: String,
    pub secret: String,
}

/// Claims up to `limit` due deliveries for `lease` (they are not due again meanwhile), so that
/// several server instances never send one twice at the same time. Postgres skips rows
/// another instance has locked; SQLite serialises writers anyway.
pub async fn claim_due(db: &Db, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: i64) -> Result<Vec<Due>, DataError> {
    const DETAILS: &str = "SELECT d.id, d.event, d.payload, CAST(d.attempts AS BIGINT) AS attempts, w.url, w.secret \
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id IN (";
    let queue = Queue {
        table: "webhook_deliveries",
        alias: "d",
        joins: "",
        condition: "d.state = 'pending' AND d.next_attempt_at <= $1",
        order: "d.id",
    };
    // Polled every few seconds: a read when nothing is due, so the poll never waits for (or
    // holds) SQLite's write lock while ingestion writes.
    let ids: Vec<(i64,)> = queue.lease(db, "next_attempt_at", "id", now, lease_until, limit).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_pool!(db, pool => {
        let mut select = QueryBuilder::new(DETAILS);
        let mut list = select.separated(", ");
        for (id,) in &ids {
            list.push_bind(*id);
        }
        select.push(") ORDER BY d.id");
        select.build_query_as().fetch_all(pool).await
    })?)
}

/// Records one attempt: delivered, retried later with back-off, or failed for good.
pub async fn record_attempt(db: &Db, delivery: &Due, outcome: Result<u16, String>, now: DateTime<Utc>) -> Result<(), DataError> {
    const DELIVERED: &str = "UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = $2, \
         last_error = NULL, delivered_at = $3 WHERE id = $1";
    const FAILED: &str = "UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1, last_status = $3, \
         last_error = $4, next_attempt_at = $5 WHERE id = $1";
    let attempts = delivery.attempts + 1;
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        match &outcome {
            Ok(status) if (200..300).contains(status) => {
                sqlx::query(DELIVERED).bind(delivery.id).bind(i64::from(*status)).bind(now).execute(&mut *tx).await?;
                // An outgoing message it carried is now with the integrator.
                after_webhook_attempt!(tx, delivery.id, true, None, now);
            }
            other => {
                let (status, error) = match other {
                    Ok(status) => (Some(i64::from(*status)), format!("the receiver answered {status}")),
                    Err(error) => (None, error.clone()),
                };
                let given_up = attempts >= MAX_ATTEMPTS;
                let state = if given_up { "failed" } else { "pending" };
                let next = now + retry_delay(attempts);
                sqlx::query(FAILED).bind(delivery.id).bind(state).bind(status).bind(error.as_str()).bind(next).execute(&mut *tx).await?;
                let note = given_up.then(|| format!("the integration at {} did not take it after {attempts} attempts: {error}", delivery.url));
                after_webhook_attempt!(tx, delivery.id, false, note, now);
            }
        }
        tx.commit().await?;
    });
    Ok(())
}

pub async fn recent_deliveries(db: &Db, limit: i64) -> Result<Vec<DeliveryView>, DataError> {
    const SQL: &str = "SELECT d.id, w.url, d.event, d.state, CAST(d.attempts AS BIGINT) AS attempts, \
         CAST(d.last_status AS BIGINT) AS last_status, d.last_error, d.created_at, d.next_attempt_at, d.delivered_at \
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id ORDER BY d.id DESC LIMIT $1";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(limit).fetch_all(pool).await)?)
}
