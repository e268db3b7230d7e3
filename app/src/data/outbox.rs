//! The outbox: messages to customers, from queued to handed to the mail server. Rows are
//! written by their source (`journeys::queue_due_steps`) in the same transaction that marks
//! the source as sent; this module lists them and moves them through delivery.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::deliveries::after_mail_attempt;
use super::{on_pool, BeginWrite, DataError, Db};
use crate::outbox::{after_attempt, Attempt, OutboxCounts, OutboxRow};

const ROW_COLUMNS: &str = "o.id, o.customer_id, c.name AS customer_name, c.email AS customer_email, COALESCE(j.conversation_id, m.conversation_id) AS conversation_id, \
     o.channel, o.subject, o.body, o.created_at, o.delivery, o.delivery_note, CAST(o.attempts AS BIGINT) AS attempts, \
     o.next_attempt_at, o.delivered_at \
     FROM outbox_messages o JOIN customers c ON c.id = o.customer_id LEFT JOIN journeys j ON j.id = o.journey_id \
     LEFT JOIN messages m ON m.id = o.message_id";

/// Newest first; `delivery` narrows to one state (empty: all).
pub async fn list(db: &Db, delivery: &str, limit: i64, offset: i64) -> Result<Vec<OutboxRow>, DataError> {
    let all = format!("SELECT {ROW_COLUMNS} ORDER BY o.created_at DESC, o.id DESC LIMIT $1 OFFSET $2");
    let one = format!("SELECT {ROW_COLUMNS} WHERE o.delivery = $3 ORDER BY o.created_at DESC, o.id DESC LIMIT $1 OFFSET $2");
    Ok(on_pool!(db, pool => {
        if delivery.is_empty() {
            sqlx::query_as(&all).bind(limit).bind(offset).fetch_all(pool).await
        } else {
            sqlx::query_as(&one).bind(limit).bind(offset).bind(delivery).fetch_all(pool).await
        }
    })?)
}

/// A customer's outbox, oldest first.
pub async fn of_customer(db: &Db, customer_id: i64) -> Result<Vec<OutboxRow>, DataError> {
    let sql = format!("SELECT {ROW_COLUMNS} WHERE o.customer_id = $1 ORDER BY o.created_at, o.id");
    Ok(on_pool!(db, pool => sqlx::query_as(&sql).bind(customer_id).fetch_all(pool).await)?)
}

pub async fn counts(db: &Db) -> Result<OutboxCounts, DataError> {
    const SQL: &str = "SELECT delivery, COUNT(*) FROM outbox_messages GROUP BY delivery";
    let rows: Vec<(String, i64)> = on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    let mut counts = OutboxCounts::default();
    for (delivery, count) in rows {
        match delivery.as_str() {
            "pending" => counts.pending = count,
            "sent" => counts.sent = count,
            _ => counts.not_sent = count,
        }
    }
    Ok(counts)
}

/// A message claimed by a mail worker.
#[derive(Clone, Debug, PartialEq)]
pub struct MailDue {
    pub id: i64,
    pub dedupe_key: String,
    pub attempts: i64,
    pub subject: String,
    pub body: String,
    pub customer_name: String,
    pub customer_email: Option<String>,
}

/// Claims up to `limit` pending messages that are due, until `lease_until` (they are not
/// due again meanwhile), so that several server instances never hand one over at the same
/// time. Postgres skips rows another instance has locked; SQLite writers take turns.
pub async fn claim_due(db: &Db, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: i64) -> Result<Vec<MailDue>, DataError> {
    const ANY_DUE: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM outbox_messages WHERE delivery = 'pending' \
         AND next_attempt_at <= $1 LIMIT 1) AS due";
    const CLAIM: &str = "UPDATE outbox_messages SET next_attempt_at = $2 WHERE id IN (SELECT id FROM outbox_messages \
         WHERE delivery = 'pending' AND next_attempt_at <= $1 ORDER BY created_at, id LIMIT $3) \
         RETURNING id, dedupe_key, CAST(attempts AS BIGINT), subject, body, customer_id";
    const CLAIM_SKIP_LOCKED: &str = "UPDATE outbox_messages SET next_attempt_at = $2 WHERE id IN (SELECT id FROM outbox_messages \
         WHERE delivery = 'pending' AND next_attempt_at <= $1 ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING id, dedupe_key, CAST(attempts AS BIGINT), subject, body, customer_id";
    // Polled every few seconds: only a read when nothing is due.
    let any_due: i64 = on_pool!(db, pool => sqlx::query_scalar(ANY_DUE).bind(now).fetch_one(pool).await)?;
    if any_due == 0 {
        return Ok(Vec::new());
    }
    type Claimed = (i64, String, i64, String, String, i64);
    let claimed: Vec<Claimed> = {
        let _turn = db.write_turn().await;
        match db {
            Db::Sqlite(pool) => sqlx::query_as(CLAIM).bind(now).bind(lease_until).bind(limit).fetch_all(pool).await?,
            Db::Postgres(pool) => sqlx::query_as(CLAIM_SKIP_LOCKED).bind(now).bind(lease_until).bind(limit).fetch_all(pool).await?,
        }
    };
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let people: Vec<(i64, String, Option<String>)> = on_pool!(db, pool => {
        let mut select = QueryBuilder::new("SELECT id, name, email FROM customers WHERE id IN (");
        let mut list = select.separated(", ");
        for (.., customer_id) in &claimed {
            list.push_bind(*customer_id);
        }
        select.push(")");
        select.build_query_as().fetch_all(pool).await
    })?;
    let mut due: Vec<MailDue> = claimed
        .into_iter()
        .map(|(id, dedupe_key, attempts, subject, body, customer_id)| {
            let (customer_name, customer_email) = people
                .iter()
                .find(|(person, ..)| *person == customer_id)
                .map(|(_, name, email)| (name.clone(), email.clone().filter(|e| !e.trim().is_empty())))
                .unwrap_or_default();
            MailDue { id, dedupe_key, attempts, subject, body, customer_name, customer_email }
        })
        .collect();
    due.sort_by_key(|mail| mail.id);
    Ok(due)
}

/// Records one attempt: sent, tried again later with back-off, or given up.
pub async fn record_attempt(db: &Db, mail: &MailDue, attempt: &Attempt, now: DateTime<Utc>) -> Result<(), DataError> {
    const SQL: &str = "UPDATE outbox_messages SET delivery = $2, delivery_note = $3, next_attempt_at = $4, \
         attempts = attempts + 1, delivered_at = $5 WHERE id = $1 AND delivery = 'pending'";
    let (delivery, note, next) = after_attempt(attempt, mail.attempts, now);
    let delivered_at = (delivery == "sent").then_some(now);
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(SQL).bind(mail.id).bind(delivery).bind(note.as_deref()).bind(next).bind(delivered_at).execute(&mut *tx).await?;
        // A reply's own state follows its mail.
        after_mail_attempt!(tx, mail.id, delivery, note.as_deref(), now);
        tx.commit().await?;
    });
    Ok(())
}

/// Queues a message that was not sent once more (after a transport was configured, or an
/// address corrected). Sent messages are never sent again.
pub async fn send_again(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), DataError> {
    const SQL: &str = "UPDATE outbox_messages SET delivery = 'pending', delivery_note = NULL, attempts = 0, next_attempt_at = $2 \
         WHERE id = $1 AND delivery = 'not_sent'";
    const REPLY_QUEUED: &str = "UPDATE messages SET delivery = 'queued', delivery_note = NULL, delivery_at = $2 \
         WHERE id = (SELECT message_id FROM outbox_messages WHERE id = $1)";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query(SQL).bind(id).bind(now).execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(DataError::NotFound);
        }
        sqlx::query(REPLY_QUEUED).bind(id).bind(now).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}
