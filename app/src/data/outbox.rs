//! The outbox: messages to customers, from queued to handed to the mail server. Rows are
//! written by their source (`journeys::queue_due_steps`) in the same transaction that marks
//! the source as sent; this module lists them and moves them through delivery.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::claim::Queue;
use super::deliveries::after_mail_attempt;
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::channels::Direction;
use crate::domain::outbox::{after_attempt, Attempt, OutboxCounts, OutboxRow};

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

/// Customer `o.customer_id` is in a recovery: a journey in progress.
const IN_JOURNEY: &str = "EXISTS (SELECT 1 FROM journeys j WHERE j.customer_id = o.customer_id AND j.state IN ('active', 'paused'))";
/// SQL: the customer in `customer_column` has a conversation still open at high (or critical)
/// risk — no marketing for them now (the outbox holds it; journey mail leaves out its quote).
pub(crate) fn at_high_risk(customer_column: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = {customer_column} \
         AND c.status IN ('open', 'pending') AND c.risk_level IN ('high', 'critical'))"
    )
}
/// Outbox row `o` may go out now: service mail always, marketing mail unless its customer is
/// in a recovery.
fn sendable() -> String {
    format!("(o.purpose = 'service' OR NOT ({IN_JOURNEY} OR {}))", at_high_risk("o.customer_id"))
}

/// Notes why waiting marketing mail is held (visible in the outbox), and clears the note of
/// mail that may go again. Only writes when something changed.
async fn hold_marketing(db: &Db) -> Result<(), DataError> {
    const ANY: &str =
        "SELECT COUNT(*) FROM (SELECT 1 FROM outbox_messages WHERE delivery = 'pending' AND purpose = 'marketing' LIMIT 1) AS waiting";
    let waiting: i64 = on_pool!(db, pool => sqlx::query_scalar(ANY).fetch_one(pool).await)?;
    if waiting == 0 {
        return Ok(());
    }
    let held = |reason: &str, condition: &str| {
        format!(
            "UPDATE outbox_messages SET delivery_note = '{reason}' WHERE id IN (SELECT o.id FROM outbox_messages o \
             WHERE o.delivery = 'pending' AND o.purpose = 'marketing' AND COALESCE(o.delivery_note, '') <> '{reason}' AND {condition})"
        )
    };
    let journey = held(HELD_FOR_JOURNEY, IN_JOURNEY);
    let risk = held(HELD_FOR_RISK, &format!("NOT {IN_JOURNEY} AND {}", at_high_risk("o.customer_id")));
    let sendable = sendable();
    let released = format!(
        "UPDATE outbox_messages SET delivery_note = NULL WHERE id IN (SELECT o.id FROM outbox_messages o \
         WHERE o.delivery = 'pending' AND o.purpose = 'marketing' AND o.delivery_note LIKE 'held:%' AND {sendable})"
    );
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        for statement in [&journey, &risk, &released] {
            sqlx::query(statement).execute(pool).await?;
        }
    });
    Ok(())
}

/// Why marketing mail waits (the outbox shows it).
pub const HELD_FOR_JOURNEY: &str = "held: the customer is in a recovery journey; marketing mail waits until it ends";
pub const HELD_FOR_RISK: &str = "held: the customer has a conversation at high emotional risk; marketing mail waits until it calms down";

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
    /// The conversation it belongs to (a reply's, or its journey's), for its reply address.
    pub conversation_id: Option<i64>,
    /// The agent who wrote it (replies only).
    pub agent_name: Option<String>,
    /// The conversation's earlier mail, oldest first, for `In-Reply-To` and `References`.
    pub thread: Vec<ThreadMail>,
}

/// An earlier mail of a conversation: a customer's (with its Message-ID) or one of our sent
/// replies (whose Message-ID the mail worker makes from its message id).
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadMail {
    pub message_id: i64,
    pub from_customer: bool,
    pub mail_id: Option<String>,
}

/// Claims up to `limit` pending messages that are due, until `lease_until` (they are not
/// due again meanwhile), so that several server instances never hand one over at the same
/// time. Postgres skips rows another instance has locked; SQLite writers take turns.
pub async fn claim_due(db: &Db, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: i64) -> Result<Vec<MailDue>, DataError> {
    let condition = format!("o.delivery = 'pending' AND o.next_attempt_at <= $1 AND {}", sendable());
    let queue = Queue { table: "outbox_messages", alias: "o", joins: "", condition: &condition, order: "o.created_at, o.id" };
    hold_marketing(db).await?;
    // Polled every few seconds: only a read when nothing is due.
    type Claimed = (i64, String, i64, String, String, i64);
    let claimed: Vec<Claimed> = queue
        .lease(db, "next_attempt_at", "id, dedupe_key, CAST(attempts AS BIGINT), subject, body, customer_id", now, lease_until, limit)
        .await?;
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
    // Where each one belongs: (outbox id, conversation, agent, reply message, created).
    type Context = (i64, Option<i64>, Option<String>, Option<i64>, DateTime<Utc>);
    let contexts: Vec<Context> = on_pool!(db, pool => {
        let mut select = QueryBuilder::new(
            "SELECT o.id, COALESCE(j.conversation_id, m.conversation_id), u.display_name, o.message_id, o.created_at FROM outbox_messages o \
             LEFT JOIN journeys j ON j.id = o.journey_id LEFT JOIN messages m ON m.id = o.message_id \
             LEFT JOIN users u ON u.id = m.author_user_id WHERE o.id IN (",
        );
        let mut list = select.separated(", ");
        for (id, ..) in &claimed {
            list.push_bind(*id);
        }
        select.push(")");
        select.build_query_as().fetch_all(pool).await
    })?;
    let mut conversations: Vec<i64> = contexts.iter().filter_map(|context| context.1).collect();
    conversations.sort_unstable();
    conversations.dedup();
    // The conversations' mail so far: customers' mails and our replies that went out.
    type Earlier = (i64, i64, String, Option<String>, DateTime<Utc>);
    let earlier: Vec<Earlier> = if conversations.is_empty() {
        Vec::new()
    } else {
        on_pool!(db, pool => {
            let mut select = QueryBuilder::new(
                "SELECT m.conversation_id, m.id, m.direction, m.mail_id, m.created_at FROM messages m \
                 LEFT JOIN outbox_messages o ON o.message_id = m.id \
                 WHERE (m.mail_id IS NOT NULL OR o.delivery = 'sent') AND m.conversation_id IN (",
            );
            let mut list = select.separated(", ");
            for id in &conversations {
                list.push_bind(*id);
            }
            select.push(") ORDER BY m.created_at, m.id");
            select.build_query_as().fetch_all(pool).await
        })?
    };
    let mut due: Vec<MailDue> = claimed
        .into_iter()
        .map(|(id, dedupe_key, attempts, subject, body, customer_id)| {
            let (customer_name, customer_email) = people
                .iter()
                .find(|(person, ..)| *person == customer_id)
                .map(|(_, name, email)| (name.clone(), email.clone().filter(|e| !e.trim().is_empty())))
                .unwrap_or_default();
            let context = contexts.iter().find(|context| context.0 == id);
            let conversation_id = context.and_then(|context| context.1);
            let thread = match context {
                Some((_, Some(conversation), _, own_message, created_at)) => earlier
                    .iter()
                    .filter(|(of, message, _, _, at)| of == conversation && Some(*message) != *own_message && at <= created_at)
                    .map(|(_, message, direction, mail_id, _)| ThreadMail {
                        message_id: *message,
                        from_customer: direction == Direction::Inbound.key(),
                        mail_id: mail_id.clone(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            MailDue {
                id,
                dedupe_key,
                attempts,
                subject,
                body,
                customer_name,
                customer_email,
                conversation_id,
                agent_name: context.and_then(|context| context.2.clone()),
                thread,
            }
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
