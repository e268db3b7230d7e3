//! Received mail (migration 0022): every mail the SMTP receiver accepts is stored raw first,
//! then finished with what became of it — a message in a conversation, automatic mail,
//! unreadable — and its attachments listed under the message. Threading lookups live here
//! too: a conversation by a Message-ID it holds, a customer by address.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::channels::mail::{Attachment, ReceivedMail};

/// Stores a received mail as it arrived; returns its id. Nothing is read yet.
pub async fn store_raw(db: &Db, envelope_from: &str, envelope_to: &[String], raw: &[u8], now: DateTime<Utc>) -> Result<i64, DataError> {
    const SQL: &str = "INSERT INTO inbound_mail (received_at, envelope_from, envelope_to, size_bytes, raw, outcome) \
         VALUES ($1, $2, $3, $4, $5, 'received') RETURNING id";
    let _turn = db.write_turn().await;
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL)
        .bind(now)
        .bind(envelope_from)
        .bind(envelope_to.join(", "))
        .bind(raw.len() as i64)
        .bind(raw)
        .fetch_one(pool)
        .await)?)
}

/// What became of a received mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A message of a conversation.
    Message,
    /// Bounces, automatic replies, bulk mail: recorded, not scored.
    Automatic,
    /// It could not be read; the raw mail is kept for inspection.
    Unreadable,
    /// Nothing new in it (only quoted text).
    Ignored,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Message => "message",
            Outcome::Automatic => "automatic",
            Outcome::Unreadable => "unreadable",
            Outcome::Ignored => "ignored",
        }
    }
}

pub struct Finished<'a> {
    pub outcome: Outcome,
    pub note: Option<&'a str>,
    pub mail_id: Option<&'a str>,
    pub customer_id: Option<i64>,
    pub conversation_id: Option<i64>,
    /// The message it became, which then carries its Message-ID and attachments.
    pub message_id: Option<i64>,
    pub attachments: &'a [Attachment],
}

/// Records what became of received mail `id`, in one transaction with the message's
/// Message-ID and the list of its attachments.
pub async fn finish(db: &Db, id: i64, finished: &Finished<'_>) -> Result<(), DataError> {
    const MAIL: &str = "UPDATE inbound_mail SET outcome = $2, note = $3, mail_id = $4, customer_id = $5, conversation_id = $6, message_id = $7 WHERE id = $1";
    const MESSAGE: &str = "UPDATE messages SET mail_id = $2 WHERE id = $1 AND mail_id IS NULL";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(MAIL)
            .bind(id)
            .bind(finished.outcome.key())
            .bind(finished.note)
            .bind(finished.mail_id)
            .bind(finished.customer_id)
            .bind(finished.conversation_id)
            .bind(finished.message_id)
            .execute(&mut *tx)
            .await?;
        if let Some(message_id) = finished.message_id {
            sqlx::query(MESSAGE).bind(message_id).bind(finished.mail_id).execute(&mut *tx).await?;
            if !finished.attachments.is_empty() {
                let mut insert = QueryBuilder::new("INSERT INTO mail_attachments (inbound_mail_id, message_id, position, filename, content_type, size_bytes) ");
                insert.push_values(finished.attachments.iter().enumerate(), |mut row, (position, attachment)| {
                    row.push_bind(id)
                        .push_bind(message_id)
                        .push_bind(position as i64)
                        .push_bind(&attachment.filename)
                        .push_bind(&attachment.content_type)
                        .push_bind(attachment.size_bytes);
                });
                insert.build().execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
    });
    Ok(())
}

/// The customer a conversation belongs to.
pub async fn conversation_customer(db: &Db, conversation_id: i64) -> Result<Option<i64>, DataError> {
    const SQL: &str = "SELECT customer_id FROM conversations WHERE id = $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL).bind(conversation_id).fetch_optional(pool).await)?)
}

/// The customer's newest conversation holding one of these mails: customers' mails by their
/// Message-ID, our replies by their message id. Only the customer's own conversations: our
/// Message-IDs can be guessed, so they never lead a stranger into a conversation.
pub async fn conversation_answered(db: &Db, customer_id: i64, mail_ids: &[String], our_messages: &[i64]) -> Result<Option<i64>, DataError> {
    if mail_ids.is_empty() && our_messages.is_empty() {
        return Ok(None);
    }
    on_pool!(db, pool => {
        let mut select = QueryBuilder::new("SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.customer_id = ");
        select.push_bind(customer_id).push(" AND (m.mail_id IN (");
        let mut ids = select.separated(", ");
        ids.push_bind("");
        for mail_id in mail_ids {
            ids.push_bind(mail_id.as_str());
        }
        select.push(") OR m.id IN (");
        let mut ids = select.separated(", ");
        ids.push_bind(0_i64);
        for id in our_messages {
            ids.push_bind(*id);
        }
        select.push(")) ORDER BY m.created_at DESC, m.id DESC LIMIT 1");
        Ok(select.build_query_scalar().fetch_optional(pool).await?)
    })
}

/// The customer with address `$1` (the most recently active one when several share it).
const CUSTOMER_BY_ADDRESS: &str = "SELECT id FROM customers WHERE lower(email) = lower($1) ORDER BY updated_at DESC, id DESC LIMIT 1";

pub async fn customer_by_address(db: &Db, address: &str) -> Result<Option<i64>, DataError> {
    Ok(on_pool!(db, pool => sqlx::query_scalar(CUSTOMER_BY_ADDRESS).bind(address).fetch_optional(pool).await)?)
}

/// The customer with this address, created (without an external reference) when there is
/// none: someone who writes to the team by mail is a customer from then on.
pub async fn customer_for_address(db: &Db, address: &str, name: &str, now: DateTime<Utc>) -> Result<i64, DataError> {
    const CREATE: &str = "INSERT INTO customers (name, email, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id";
    if let Some(id) = customer_by_address(db, address).await? {
        return Ok(id);
    }
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // Looked up again under the write lock: two first mails at once make one customer (SQLite).
        let existing: Option<i64> = sqlx::query_scalar(CUSTOMER_BY_ADDRESS).bind(address).fetch_optional(&mut *tx).await?;
        let id = match existing {
            Some(id) => id,
            None => sqlx::query_scalar(CREATE).bind(name).bind(address).bind(now).fetch_one(&mut *tx).await?,
        };
        tx.commit().await?;
        Ok(id)
    })
}

/// Our replies that bounced: not delivered, with the reason. Returns how many changed.
pub async fn mark_bounced(db: &Db, reply_ids: &[i64], note: &str, now: DateTime<Utc>) -> Result<u64, DataError> {
    if reply_ids.is_empty() {
        return Ok(0);
    }
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut update = QueryBuilder::new("UPDATE messages SET delivery = 'failed', delivery_note = ");
        update.push_bind(note).push(", delivery_at = ").push_bind(now);
        update.push(" WHERE direction = 'outbound' AND delivery IN ('queued', 'sent', 'delivered') AND id IN (");
        let mut ids = update.separated(", ");
        for id in reply_ids {
            ids.push_bind(*id);
        }
        update.push(")");
        Ok(update.build().execute(pool).await?.rows_affected())
    })
}

/// What the received-mail page and the conversation page show of a received mail.
const RECEIVED_COLUMNS: &str = "id, received_at, envelope_from, size_bytes, outcome, note, conversation_id, message_id";

/// A page of received mail, newest first; `outcome` narrows to one outcome (empty: all).
pub async fn list(db: &Db, outcome: &str, limit: i64, offset: i64) -> Result<Vec<ReceivedMail>, DataError> {
    let all = format!("SELECT {RECEIVED_COLUMNS} FROM inbound_mail ORDER BY received_at DESC, id DESC LIMIT $1 OFFSET $2");
    let one =
        format!("SELECT {RECEIVED_COLUMNS} FROM inbound_mail WHERE outcome = $3 ORDER BY received_at DESC, id DESC LIMIT $1 OFFSET $2");
    Ok(on_pool!(db, pool => {
        if outcome.is_empty() {
            sqlx::query_as(&all).bind(limit).bind(offset).fetch_all(pool).await
        } else {
            sqlx::query_as(&one).bind(limit).bind(offset).bind(outcome).fetch_all(pool).await
        }
    })?)
}

/// How many received mails each outcome has.
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>, DataError> {
    const SQL: &str = "SELECT outcome, COUNT(*) FROM inbound_mail GROUP BY outcome";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?)
}

/// A conversation's received mail that did not become a message (automatic mail), oldest first.
pub async fn automatic_of_conversation(db: &Db, conversation_id: i64) -> Result<Vec<ReceivedMail>, DataError> {
    let sql = format!(
        "SELECT {RECEIVED_COLUMNS} FROM inbound_mail WHERE conversation_id = $1 AND outcome = 'automatic' ORDER BY received_at, id"
    );
    Ok(on_pool!(db, pool => sqlx::query_as(&sql).bind(conversation_id).fetch_all(pool).await)?)
}

/// The raw copy of a received mail.
pub async fn raw(db: &Db, id: i64) -> Result<Option<Vec<u8>>, DataError> {
    const SQL: &str = "SELECT raw FROM inbound_mail WHERE id = $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL).bind(id).fetch_optional(pool).await)?)
}

/// One attachment listed under a message.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ListedAttachment {
    pub message_id: i64,
    pub inbound_mail_id: i64,
    pub position: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// The attachments of a conversation's messages.
pub async fn attachments_of_conversation(db: &Db, conversation_id: i64) -> Result<Vec<ListedAttachment>, DataError> {
    const SQL: &str =
        "SELECT a.message_id, a.inbound_mail_id, a.position, a.filename, a.content_type, a.size_bytes FROM mail_attachments a \
         JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = $1 ORDER BY a.message_id, a.position";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(conversation_id).fetch_all(pool).await)?)
}
