//! Conversations (tickets) and their messages: the agent inbox reads from here.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::customers::BATCH_ROWS;
use super::{on_pool, DataError, Db};
use crate::workspace::model::{ConversationPage, InboxCounts, InboxRow, MessageView};

pub struct NewConversation {
    pub customer_id: i64,
    pub subject: String,
    pub channel: &'static str,
    pub status: &'static str,
    pub priority: &'static str,
    pub situation: Option<&'static str>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub last_message_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

pub struct NewMessage {
    pub conversation_id: i64,
    pub direction: &'static str,
    pub author_user_id: Option<i64>,
    pub author_customer_id: Option<i64>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_many(
    db: &Db,
    conversations: &[NewConversation],
) -> Result<Vec<i64>, DataError> {
    let mut ids = Vec::with_capacity(conversations.len());
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in conversations.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO conversations (customer_id, subject, channel, status, priority, situation, \
                 waiting_since, last_message_at, created_at, resolved_at) ",
            );
            builder.push_values(chunk, |mut row, c| {
                row.push_bind(c.customer_id)
                    .push_bind(c.subject.as_str())
                    .push_bind(c.channel)
                    .push_bind(c.status)
                    .push_bind(c.priority)
                    .push_bind(c.situation)
                    .push_bind(c.waiting_since)
                    .push_bind(c.last_message_at)
                    .push_bind(c.created_at)
                    .push_bind(c.resolved_at);
            });
            builder.push(" RETURNING id");
            let chunk_ids: Vec<i64> = builder.build_query_scalar().fetch_all(&mut *tx).await?;
            ids.extend(chunk_ids);
        }
        tx.commit().await?;
    });
    Ok(ids)
}

pub async fn insert_messages(db: &Db, messages: &[NewMessage]) -> Result<(), DataError> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in messages.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO messages (conversation_id, direction, author_user_id, author_customer_id, body, created_at) ",
            );
            builder.push_values(chunk, |mut row, m| {
                row.push_bind(m.conversation_id)
                    .push_bind(m.direction)
                    .push_bind(m.author_user_id)
                    .push_bind(m.author_customer_id)
                    .push_bind(m.body.as_str())
                    .push_bind(m.created_at);
            });
            builder.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

const INBOX_COLUMNS: &str = "c.id, cu.name AS customer_name, c.subject, c.channel, c.status, c.priority, \
     c.risk_score, c.situation, u.display_name AS assignee_name, c.waiting_since, c.last_message_at \
     FROM conversations c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users u ON u.id = c.assignee_id";

/// Open and pending conversations, riskiest first, then longest waiting (conversations not
/// waiting for us last; spelled out because SQLite and Postgres sort NULLs differently).
pub async fn inbox(db: &Db, limit: i64, offset: i64) -> Result<Vec<InboxRow>, DataError> {
    let sql = format!(
        "SELECT {INBOX_COLUMNS} WHERE c.status IN ('open', 'pending') \
         ORDER BY c.risk_score DESC, c.waiting_since IS NULL, c.waiting_since ASC, c.id ASC LIMIT $1 OFFSET $2"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, InboxRow>(&sql).bind(limit).bind(offset).fetch_all(pool).await)?,
    )
}

pub async fn inbox_counts(db: &Db, agent_id: i64) -> Result<InboxCounts, DataError> {
    const SQL: &str = "SELECT \
         COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) AS open, \
         COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS pending, \
         COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0) AS unassigned, \
         COALESCE(SUM(CASE WHEN assignee_id = $1 THEN 1 ELSE 0 END), 0) AS mine \
         FROM conversations WHERE status IN ('open', 'pending')";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, InboxCounts>(SQL).bind(agent_id).fetch_one(pool).await)?,
    )
}

pub async fn page(db: &Db, id: i64) -> Result<Option<ConversationPage>, DataError> {
    let sql = format!("SELECT {INBOX_COLUMNS} WHERE c.id = $1");
    const EMAIL: &str = "SELECT cu.email FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1";
    const MESSAGES: &str = "SELECT m.id, m.direction, COALESCE(u.display_name, cu.name) AS author_name, m.body, m.created_at \
         FROM messages m LEFT JOIN users u ON u.id = m.author_user_id LEFT JOIN customers cu ON cu.id = m.author_customer_id \
         WHERE m.conversation_id = $1 ORDER BY m.created_at, m.id";
    let found = on_pool!(db, pool => {
        match sqlx::query_as::<_, InboxRow>(&sql).bind(id).fetch_optional(pool).await? {
            None => None,
            Some(conversation) => {
                let customer_email: Option<String> = sqlx::query_scalar(EMAIL).bind(id).fetch_one(pool).await?;
                let messages = sqlx::query_as::<_, MessageView>(MESSAGES).bind(id).fetch_all(pool).await?;
                Some(ConversationPage { conversation, customer_email, messages, tone_context: Default::default(), guidance: None })
            }
        }
    });
    Ok(found)
}

pub async fn count_messages(db: &Db) -> Result<i64, DataError> {
    Ok(
        on_pool!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM messages").fetch_one(pool).await)?,
    )
}

/// Records an agent's reply: the message, and the conversation now waits for the customer.
/// `None` when the conversation does not exist.
pub async fn add_reply(
    db: &Db,
    conversation_id: i64,
    author_user_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DataError> {
    const INSERT: &str =
        "INSERT INTO messages (conversation_id, direction, author_user_id, body, created_at) \
         VALUES ($1, 'outbound', $2, $3, $4) RETURNING id";
    const UPDATE: &str = "UPDATE conversations SET status = CASE WHEN status IN ('open', 'pending') THEN 'pending' ELSE status END, \
         waiting_since = NULL, last_message_at = $2 WHERE id = $1";
    let id = on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM conversations WHERE id = $1")
            .bind(conversation_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(INSERT)
            .bind(conversation_id)
            .bind(author_user_id)
            .bind(body)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(UPDATE).bind(conversation_id).bind(now).execute(&mut *tx).await?;
        tx.commit().await?;
        id
    });
    Ok(Some(id))
}
