//! Delivery of agents' replies (migration 0021): the state kept on each outgoing message and
//! the rows that carry it out — an outbox row for email, `message.outbound` webhook
//! deliveries for integrations — written in the same transaction as the message.

use chrono::{DateTime, Utc};

use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::channels::{Channel, Delivery, Report};

/// What a reply needs to know about its conversation to reach the customer.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReplyContext {
    pub conversation_id: i64,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub subject: String,
    pub customer_id: i64,
    pub customer_ref: Option<String>,
    pub customer_name: String,
    pub customer_email: Option<String>,
    /// The forum thread the conversation came from, if any.
    pub thread_id: Option<i64>,
}

pub async fn reply_context(db: &Db, conversation_id: i64) -> Result<Option<ReplyContext>, DataError> {
    const SQL: &str = "SELECT c.id AS conversation_id, c.channel, c.subject, c.customer_id, cu.external_ref AS customer_ref, \
         cu.name AS customer_name, cu.email AS customer_email, t.id AS thread_id \
         FROM conversations c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN forum_threads t ON t.conversation_id = c.id \
         WHERE c.id = $1";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(conversation_id).fetch_optional(pool).await)?)
}

/// How a new reply is carried out, decided by its channel (`Channel::route`).
pub enum Carrier<'a> {
    /// An outbox row for the mail worker, with this subject; without a mail transport the row
    /// is not sent, and says so.
    Mail { subject: &'a str, transport: bool },
    /// `message.outbound` for every subscribed webhook; `payload(message_id)` is its body.
    Webhook { payload: &'a (dyn Fn(i64) -> String + Send + Sync) },
    /// Posted in the forum thread by the caller, who then records the outcome (`mark`).
    Forum,
}

pub(crate) const OUTBOX_ROW: &str = "INSERT INTO outbox_messages (dedupe_key, customer_id, channel, body, created_at, delivery, delivery_note, subject, attempts, next_attempt_at, message_id) \
     VALUES ($1, $2, 'email', $3, $4, $7, $8, $5, 0, $4, $6)";
pub(crate) const WEBHOOK_ROWS: &str =
    "INSERT INTO webhook_deliveries (webhook_id, event, payload, state, attempts, next_attempt_at, created_at, message_id) \
     SELECT id, $1, $2, 'pending', 0, $3, $3, $4 FROM webhooks WHERE ' ' || events || ' ' LIKE '% ' || $1 || ' %'";
pub(crate) const SET_STATE: &str = "UPDATE messages SET delivery = $2, delivery_note = $3, delivery_at = $4 WHERE id = $1";

/// Writes, on an open transaction `$tx` (inside `on_pool!`), what carries message `$id` of
/// customer `$customer` out, and its state: queued, or failed when no integration takes it.
macro_rules! carry_out {
    ($tx:expr, $id:expr, $customer:expr, $channel:expr, $body:expr, $carrier:expr, $now:expr) => {{
        let (state, note): ($crate::domain::channels::Delivery, Option<String>) = match $carrier {
            $crate::data::deliveries::Carrier::Mail { subject, transport } => {
                let not_sent = (!*transport).then_some($crate::domain::outbox::NO_TRANSPORT);
                sqlx::query($crate::data::deliveries::OUTBOX_ROW)
                    .bind($crate::domain::outbox::reply_key($id))
                    .bind($customer)
                    .bind($body)
                    .bind($now)
                    .bind(*subject)
                    .bind($id)
                    .bind(if not_sent.is_some() { "not_sent" } else { "pending" })
                    .bind(not_sent)
                    .execute(&mut *$tx)
                    .await?;
                match not_sent {
                    Some(why) => ($crate::domain::channels::Delivery::Failed, Some(why.to_string())),
                    None => ($crate::domain::channels::Delivery::Queued, None),
                }
            }
            $crate::data::deliveries::Carrier::Webhook { payload } => {
                let queued = sqlx::query($crate::data::deliveries::WEBHOOK_ROWS)
                    .bind($crate::domain::webhooks::WebhookEvent::MessageOutbound.name())
                    .bind(payload($id))
                    .bind($now)
                    .bind($id)
                    .execute(&mut *$tx)
                    .await?
                    .rows_affected();
                if queued == 0 {
                    ($crate::domain::channels::Delivery::Failed, Some($crate::domain::channels::no_integration($channel)))
                } else {
                    ($crate::domain::channels::Delivery::Queued, None)
                }
            }
            $crate::data::deliveries::Carrier::Forum => ($crate::domain::channels::Delivery::Queued, None),
        };
        sqlx::query($crate::data::deliveries::SET_STATE)
            .bind($id)
            .bind(state.key())
            .bind(note.as_deref())
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        state
    }};
}
pub(crate) use carry_out;

/// Records where a message is now (the forum's outcome, for one).
pub async fn mark(db: &Db, message_id: i64, state: Delivery, note: Option<&str>, now: DateTime<Utc>) -> Result<(), DataError> {
    let _turn = db.write_turn().await;
    on_pool!(db, pool => sqlx::query(SET_STATE).bind(message_id).bind(state.key()).bind(note).bind(now).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// An outgoing message that Rapport delivers, as "send again" needs it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Outgoing {
    pub message_id: i64,
    pub conversation_id: i64,
    pub body: String,
    pub delivery: String,
    pub created_at: DateTime<Utc>,
    pub author_user_id: Option<i64>,
    pub author_name: Option<String>,
}

pub async fn outgoing(db: &Db, message_id: i64) -> Result<Option<Outgoing>, DataError> {
    const SQL: &str =
        "SELECT m.id AS message_id, m.conversation_id, m.body, m.delivery, m.created_at, m.author_user_id, u.display_name AS author_name \
         FROM messages m LEFT JOIN users u ON u.id = m.author_user_id \
         WHERE m.id = $1 AND m.direction = 'outbound' AND m.delivery IS NOT NULL";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(message_id).fetch_optional(pool).await)?)
}

/// Sends a failed message once more through `carrier` (the forum: the caller posts and marks).
/// `DataError::Conflict` when it has not failed (nothing to send again).
pub async fn send_again(
    db: &Db,
    message: &Outgoing,
    context: &ReplyContext,
    carrier: &Carrier<'_>,
    now: DateTime<Utc>,
) -> Result<Delivery, DataError> {
    const REQUEUE_MAIL: &str = "UPDATE outbox_messages SET delivery = 'pending', delivery_note = NULL, attempts = 0, next_attempt_at = $2 \
         WHERE message_id = $1 AND delivery = 'not_sent'";
    // The claim: of two clicks at once, one finds the message failed and takes it.
    const CLAIM: &str =
        "UPDATE messages SET delivery = 'queued', delivery_note = NULL, delivery_at = $2 WHERE id = $1 AND delivery = 'failed'";
    let id = message.message_id;
    if let Carrier::Mail { transport: false, .. } = carrier {
        return Err(DataError::Conflict("No mail transport is configured (RAPPORT_SMTP_URL), so nothing can be sent yet.".into()));
    }
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if sqlx::query(CLAIM).bind(id).bind(now).execute(&mut *tx).await?.rows_affected() == 0 {
            return Err(DataError::Conflict("This message has not failed (or is being sent again already): there is nothing to send again.".into()));
        }
        let state = match carrier {
            // The outbox row exists since the reply was written: it goes back in the queue.
            Carrier::Mail { .. } => {
                if sqlx::query(REQUEUE_MAIL).bind(id).bind(now).execute(&mut *tx).await?.rows_affected() == 0 {
                    return Err(DataError::Conflict("This mail was already handed to the mail server.".into()));
                }
                Delivery::Queued
            }
            // The forum: the caller posts it and records the outcome.
            Carrier::Forum => Delivery::Queued,
            Carrier::Webhook { .. } => carry_out!(tx, id, context.customer_id, context.channel, message.body.as_str(), carrier, now),
        };
        tx.commit().await?;
        Ok(state)
    })
}

/// The integrator's report about a `message.outbound` message. The latest report wins.
/// Returns the message's conversation; `DataError::NotFound` when no message went out to an
/// integration with this id.
pub async fn report(db: &Db, message_id: i64, report: &Report, now: DateTime<Utc>) -> Result<i64, DataError> {
    // Only messages that went out as `message.outbound` are the integration's to report on.
    const SQL: &str = "UPDATE messages SET delivery = $2, delivery_note = $3, delivery_at = $4 \
         WHERE id = $1 AND direction = 'outbound' AND delivery IS NOT NULL \
         AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.message_id = messages.id) RETURNING conversation_id";
    let state = report.delivery();
    let note = match report {
        Report::Delivered => None,
        Report::Failed(reason) => Some(format!("the integration reports: {reason}")),
    };
    let _turn = db.write_turn().await;
    let conversation: Option<i64> =
        on_pool!(db, pool => sqlx::query_scalar(SQL).bind(message_id).bind(state.key()).bind(note).bind(now).fetch_optional(pool).await)?;
    conversation.ok_or(DataError::NotFound)
}

/// Outgoing message state after an attempt of its webhook delivery `$delivery_id` (inside a
/// transaction `$tx`): accepted → sent (unless already reported further); given up → failed,
/// unless another endpoint is still trying (one that took it already made it sent).
macro_rules! after_webhook_attempt {
    ($tx:expr, $delivery_id:expr, $accepted:expr, $given_up_note:expr, $now:expr) => {{
        const SENT: &str = "UPDATE messages SET delivery = 'sent', delivery_note = NULL, delivery_at = $2 \
             WHERE id = (SELECT message_id FROM webhook_deliveries WHERE id = $1) AND delivery = 'queued'";
        const GIVEN_UP: &str = "UPDATE messages SET delivery = 'failed', delivery_note = $2, delivery_at = $3 \
             WHERE id = (SELECT message_id FROM webhook_deliveries WHERE id = $1) AND delivery = 'queued' \
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries other WHERE other.message_id = messages.id \
                 AND other.id <> $1 AND other.state = 'pending')";
        let given_up: Option<String> = $given_up_note;
        if $accepted {
            sqlx::query(SENT).bind($delivery_id).bind($now).execute(&mut *$tx).await?;
        } else if let Some(note) = given_up {
            sqlx::query(GIVEN_UP).bind($delivery_id).bind(note).bind($now).execute(&mut *$tx).await?;
        }
    }};
}
pub(super) use after_webhook_attempt;

/// Outgoing message state after a mail attempt of outbox row `$outbox_id` (inside `$tx`):
/// the outbox's delivery (pending / sent / not_sent) as queued / sent / failed.
macro_rules! after_mail_attempt {
    ($tx:expr, $outbox_id:expr, $outbox_delivery:expr, $note:expr, $now:expr) => {{
        const SQL: &str = "UPDATE messages SET delivery = $2, delivery_note = $3, delivery_at = $4 \
             WHERE id = (SELECT message_id FROM outbox_messages WHERE id = $1)";
        let state = match $outbox_delivery {
            "sent" => $crate::domain::channels::Delivery::Sent,
            "not_sent" => $crate::domain::channels::Delivery::Failed,
            _ => $crate::domain::channels::Delivery::Queued,
        };
        sqlx::query(SQL).bind($outbox_id).bind(state.key()).bind($note).bind($now).execute(&mut *$tx).await?;
    }};
}
pub(super) use after_mail_attempt;
