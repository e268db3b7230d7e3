//! Conversations (tickets) and their messages: the agent inbox reads from here.

use chrono::{DateTime, Utc};
use sqlx::{Database, Encode, QueryBuilder, Type};

use super::customers::BATCH_ROWS;
use super::fulltext::SearchTerms;
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::channels::{Channel, Direction};
use crate::domain::workspace::{
    AssigneeFilter, ConversationPage, ConversationStatus, ConversationSummary, FilterCounts, InboxCounts, InboxQuery, InboxRow,
    MessageView, MATCHING_CAP,
};

pub struct NewConversation {
    pub customer_id: i64,
    pub subject: String,
    pub channel: Channel,
    pub status: ConversationStatus,
    pub priority: &'static str,
    pub situation: Option<&'static str>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub last_message_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub risk_score: i64,
    pub risk_level: &'static str,
    /// JSON list of risk factors.
    pub risk_factors: Option<String>,
    pub guidance: Option<&'static str>,
    pub last_excerpt: Option<String>,
}

pub struct NewMessage {
    pub conversation_id: i64,
    pub direction: Direction,
    pub author_user_id: Option<i64>,
    pub author_customer_id: Option<i64>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Extended sentiment of an inbound message.
    pub sentiment: Option<f64>,
    /// The engine's analysis (JSON) of an inbound message.
    pub analysis: Option<String>,
}

pub async fn insert_many(db: &Db, conversations: &[NewConversation]) -> Result<Vec<i64>, DataError> {
    let mut ids = Vec::with_capacity(conversations.len());
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for chunk in conversations.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO conversations (customer_id, subject, channel, status, priority, situation, \
                 waiting_since, last_message_at, created_at, resolved_at, risk_score, risk_level, risk_factors, guidance, last_excerpt) ",
            );
            builder.push_values(chunk, |mut row, c| {
                row.push_bind(c.customer_id)
                    .push_bind(c.subject.as_str())
                    .push_bind(c.channel.key())
                    .push_bind(c.status.key())
                    .push_bind(c.priority)
                    .push_bind(c.situation)
                    .push_bind(c.waiting_since)
                    .push_bind(c.last_message_at)
                    .push_bind(c.created_at)
                    .push_bind(c.resolved_at)
                    .push_bind(c.risk_score)
                    .push_bind(c.risk_level)
                    .push_bind(c.risk_factors.as_deref())
                    .push_bind(c.guidance)
                    .push_bind(c.last_excerpt.as_deref());
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
        let mut tx = pool.begin_write().await?;
        for chunk in messages.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO messages (conversation_id, direction, author_user_id, author_customer_id, body, created_at, sentiment, analysis) ",
            );
            builder.push_values(chunk, |mut row, m| {
                row.push_bind(m.conversation_id)
                    .push_bind(m.direction.key())
                    .push_bind(m.author_user_id)
                    .push_bind(m.author_customer_id)
                    .push_bind(m.body.as_str())
                    .push_bind(m.created_at)
                    .push_bind(m.sentiment)
                    .push_bind(m.analysis.as_deref());
            });
            builder.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

const INBOX_COLUMNS: &str = "c.id, cu.name AS customer_name, c.subject, c.channel, c.status, c.priority, \
     c.risk_score, c.risk_level, c.risk_factors, c.situation, c.guidance, c.last_excerpt, \
     u.display_name AS assignee_name, c.waiting_since, c.last_message_at \
     FROM conversations c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users u ON u.id = c.assignee_id";

const INBOX_ORDER: &str = "c.risk_score DESC, c.waiting_since IS NULL, c.waiting_since ASC, c.id ASC";

/// Adds `WHERE …` for the inbox filter to `query`. Values are validated by the caller; here
/// they are only ever bound, never spliced.
fn push_inbox_where<'args, DB>(query: &mut QueryBuilder<'args, DB>, db: &Db, filter: &InboxQuery, viewer_id: i64)
where
    DB: Database,
    &'static str: Encode<'args, DB> + Type<DB>,
    String: Encode<'args, DB> + Type<DB>,
    i64: Encode<'args, DB> + Type<DB>,
{
    // Always stated, so that the partial inbox indexes apply.
    query.push(" WHERE c.status IN ('open', 'pending')");
    let words = [
        ("c.status", filter.status.map(|status| status.key())),
        ("c.channel", filter.channel.map(|channel| channel.key())),
        ("c.risk_level", filter.risk.map(|risk| risk.key())),
        ("c.situation", filter.situation.map(|situation| situation.key())),
    ];
    for (column, word) in words {
        if let Some(word) = word {
            query.push(format!(" AND {column} = ")).push_bind(word);
        }
    }
    match filter.assignee {
        Some(AssigneeFilter::Mine) => {
            query.push(" AND c.assignee_id = ").push_bind(viewer_id);
        }
        Some(AssigneeFilter::Unassigned) => {
            query.push(" AND c.assignee_id IS NULL");
        }
        None => {}
    }
    if !filter.q.trim().is_empty() {
        let terms = SearchTerms::parse(&filter.q);
        if terms.is_empty() {
            // Only punctuation: no word can match it.
            query.push(" AND 1 = 0");
        } else {
            let (before, words) = match db {
                Db::Sqlite(_) => (" AND c.id IN (SELECT rowid FROM conversations_search WHERE conversations_search MATCH ", terms.fts5()),
                Db::Postgres(_) => (" AND c.search_words @@ to_tsquery('simple', ", terms.tsquery()),
            };
            query.push(before).push_bind(words).push(")");
        }
    }
}

/// Active conversations matching `filter`, riskiest first, then longest waiting
/// (conversations not waiting for us last; spelled out because SQLite and Postgres sort
/// NULLs differently).
pub async fn inbox(db: &Db, filter: &InboxQuery, viewer_id: i64, limit: i64, offset: i64) -> Result<Vec<InboxRow>, DataError> {
    // The page's ids come from the order index alone (skipping `offset` entries there is
    // cheap); only the rows shown are then read and joined.
    Ok(on_pool!(db, pool => {
        let mut query = QueryBuilder::new("WITH shown AS (SELECT c.id FROM conversations c");
        push_inbox_where(&mut query, db, filter, viewer_id);
        query.push(format!(" ORDER BY {INBOX_ORDER} LIMIT ")).push_bind(limit).push(" OFFSET ").push_bind(offset);
        query.push(format!(") SELECT {INBOX_COLUMNS} WHERE c.id IN (SELECT id FROM shown) ORDER BY {INBOX_ORDER}"));
        query.build_query_as::<InboxRow>().fetch_all(pool).await
    })?)
}

/// How many conversations match `filter`.
pub async fn inbox_matching(db: &Db, filter: &InboxQuery, viewer_id: i64) -> Result<i64, DataError> {
    Ok(on_pool!(db, pool => {
        let mut query = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM conversations c");
        push_inbox_where(&mut query, db, filter, viewer_id);
        query.push(format!(" LIMIT {}) AS matching", MATCHING_CAP + 1));
        query.build_query_scalar::<i64>().fetch_one(pool).await
    })?)
}

/// Counts of active conversations: totals for the header and per filter value. One pass over
/// the covering `conversations_inbox_facets` index, grouped in its order.
pub async fn inbox_facets(db: &Db, viewer_id: i64) -> Result<(InboxCounts, FilterCounts), DataError> {
    const SQL: &str = "SELECT risk_level, channel, situation, assignee_id, status, COUNT(*) FROM conversations \
         WHERE status IN ('open', 'pending') GROUP BY risk_level, channel, situation, assignee_id, status";
    type Group = (String, String, Option<String>, Option<i64>, String, i64);
    let groups: Vec<Group> = on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    let mut counts = InboxCounts::default();
    let mut facets = FilterCounts::default();
    let add = |list: &mut Vec<(String, i64)>, key: &str, n: i64| match list.iter_mut().find(|(k, _)| k == key) {
        Some((_, total)) => *total += n,
        None => list.push((key.to_string(), n)),
    };
    for (risk, channel, situation, assignee, status, n) in groups {
        match ConversationStatus::parse(&status) {
            Some(ConversationStatus::Open) => counts.open += n,
            _ => counts.pending += n,
        }
        match assignee {
            None => counts.unassigned += n,
            Some(id) if id == viewer_id => counts.mine += n,
            Some(_) => {}
        }
        add(&mut facets.by_risk, &risk, n);
        add(&mut facets.by_channel, &channel, n);
        add(&mut facets.by_situation, situation.as_deref().unwrap_or(""), n);
    }
    Ok((counts, facets))
}

pub async fn page(db: &Db, id: i64) -> Result<Option<ConversationPage>, DataError> {
    let sql = format!("SELECT {INBOX_COLUMNS} WHERE c.id = $1");
    const DETAILS: &str = "SELECT cu.email, c.assignee_id, c.resolution_summary \
         FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1";
    const MESSAGES: &str = "SELECT m.id, m.direction, COALESCE(u.display_name, cu.name) AS author_name, m.body, m.created_at, m.analysis AS analysis_json, m.delivery, m.delivery_note \
         FROM messages m LEFT JOIN users u ON u.id = m.author_user_id LEFT JOIN customers cu ON cu.id = m.author_customer_id \
         WHERE m.conversation_id = $1 ORDER BY m.created_at, m.id";
    let found = on_pool!(db, pool => {
        match sqlx::query_as::<_, InboxRow>(&sql).bind(id).fetch_optional(pool).await? {
            None => None,
            Some(conversation) => {
                let (customer_email, assignee_id, resolution_summary): (Option<String>, Option<i64>, Option<String>) =
                    sqlx::query_as(DETAILS).bind(id).fetch_one(pool).await?;
                let messages = sqlx::query_as::<_, MessageView>(MESSAGES).bind(id).fetch_all(pool).await?;
                Some(ConversationPage {
                    conversation, customer_email, messages, tone_context: Default::default(), guidance: None,
                    customer: None, assignees: Vec::new(), assignee_id, resolution_summary, journey: None, journey_templates: Vec::new(), automatic_mail: Vec::new(),
                })
            }
        }
    });
    Ok(found)
}

pub async fn count_messages(db: &Db) -> Result<i64, DataError> {
    Ok(on_pool!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM messages").fetch_one(pool).await)?)
}

/// What the tone check said about a reply: the flags seen while writing and those sent.
pub struct ReplyTone<'a> {
    pub seen: &'a str,
    pub sent: &'a str,
}

/// Records an agent's reply: the message, what carries it to the customer (`carrier`) and its
/// delivery state, all in one transaction; the conversation now waits for the customer.
/// `None` when the conversation does not exist.
pub async fn add_reply(
    db: &Db,
    context: &super::deliveries::ReplyContext,
    author_user_id: i64,
    body: &str,
    tone: ReplyTone<'_>,
    carrier: &super::deliveries::Carrier<'_>,
    now: DateTime<Utc>,
) -> Result<Option<(i64, crate::domain::channels::Delivery)>, DataError> {
    use super::deliveries::carry_out;
    const INSERT: &str =
        "INSERT INTO messages (conversation_id, direction, author_user_id, body, created_at, tone_flags_seen, tone_flags_sent) \
         VALUES ($1, 'outbound', $2, $3, $4, $5, $6) RETURNING id";
    const UPDATE: &str = "UPDATE conversations SET status = CASE WHEN status IN ('open', 'pending') THEN 'pending' ELSE status END, \
         waiting_since = NULL, last_message_at = $2 WHERE id = $1";
    let conversation_id = context.conversation_id;
    let _turn = db.write_turn().await;
    let written = on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
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
            .bind(tone.seen)
            .bind(tone.sent)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(UPDATE).bind(conversation_id).bind(now).execute(&mut *tx).await?;
        let state = carry_out!(tx, id, context.customer_id, context.channel, body, carrier, now);
        tx.commit().await?;
        (id, state)
    });
    Ok(Some(written))
}

/// The stored analyses (JSON) of the conversation's latest inbound messages, oldest first.
pub async fn latest_inbound_analyses(db: &Db, conversation_id: i64, limit: i64) -> Result<Vec<String>, DataError> {
    const SQL: &str = "SELECT analysis FROM messages WHERE conversation_id = $1 AND direction = 'inbound' \
         AND analysis IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT $2";
    let mut latest: Vec<String> = on_pool!(db, pool => sqlx::query_scalar(SQL).bind(conversation_id).bind(limit).fetch_all(pool).await)?;
    latest.reverse();
    Ok(latest)
}

pub async fn customer_of(db: &Db, conversation_id: i64) -> Result<Option<i64>, DataError> {
    const SQL: &str = "SELECT customer_id FROM conversations WHERE id = $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL).bind(conversation_id).fetch_optional(pool).await)?)
}

/// The customer's other conversations, newest first.
pub async fn of_customer(db: &Db, customer_id: i64, except: i64, limit: i64) -> Result<Vec<ConversationSummary>, DataError> {
    const SQL: &str = "SELECT id, subject, status, channel, last_message_at FROM conversations \
         WHERE customer_id = $1 AND id <> $2 ORDER BY last_message_at DESC, id DESC LIMIT $3";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(customer_id).bind(except).bind(limit).fetch_all(pool).await)?)
}

/// The customer's inbound messages (time, extended sentiment, body, stored analysis JSON),
/// newest first.
pub async fn inbound_of_customer(
    db: &Db,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<(DateTime<Utc>, Option<f64>, String, Option<String>)>, DataError> {
    // Inbound messages carry their author, so the `messages_by_customer` index answers this;
    // joining through conversations made Postgres scan every message for a customer with
    // hundreds of conversations (19.7 ms against 0.07 ms at 112k messages).
    const SQL: &str = "SELECT created_at, sentiment, body, analysis FROM messages \
         WHERE author_customer_id = $1 AND direction = 'inbound' ORDER BY created_at DESC, id DESC LIMIT $2";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(customer_id).bind(limit).fetch_all(pool).await)?)
}

/// An internal note: visible to staff only, never sent.
pub async fn add_note(db: &Db, conversation_id: i64, author_user_id: i64, body: &str, now: DateTime<Utc>) -> Result<bool, DataError> {
    const SQL: &str = "INSERT INTO messages (conversation_id, direction, author_user_id, body, created_at) \
         SELECT id, 'note', $2, $3, $4 FROM conversations WHERE id = $1";
    let done = on_pool!(db, pool => sqlx::query(SQL).bind(conversation_id).bind(author_user_id).bind(body).bind(now).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Assigns to a staff member (agent or admin), or unassigns with `None`. False when the
/// conversation does not exist; `DataError::NotFound` when the assignee is not staff.
pub async fn assign(db: &Db, conversation_id: i64, assignee_id: Option<i64>) -> Result<bool, DataError> {
    const STAFF: &str = "SELECT id FROM users WHERE id = $1 AND role IN ('agent', 'admin')";
    const SQL: &str = "UPDATE conversations SET assignee_id = $2 WHERE id = $1";
    on_pool!(db, pool => {
        if let Some(user) = assignee_id {
            let staff: Option<i64> = sqlx::query_scalar(STAFF).bind(user).fetch_optional(pool).await?;
            if staff.is_none() {
                return Err(DataError::NotFound);
            }
        }
        let done = sqlx::query(SQL).bind(conversation_id).bind(assignee_id).execute(pool).await?.rows_affected();
        Ok(done == 1)
    })
}

pub async fn set_priority(db: &Db, conversation_id: i64, priority: &str) -> Result<bool, DataError> {
    const SQL: &str = "UPDATE conversations SET priority = $2 WHERE id = $1";
    let done = on_pool!(db, pool => sqlx::query(SQL).bind(conversation_id).bind(priority).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Resolves conversation `$1` at `$2` with summary `$3`: nothing waits, the risk is spent. A
/// conversation already resolved (or closed) is left as it is: resolving twice (a double
/// submit) asks the customer for one rating, not two.
pub(crate) const RESOLVE_CONVERSATION: &str = "UPDATE conversations SET status = 'resolved', resolved_at = $2, resolution_summary = $3, \
     waiting_since = NULL, risk_score = 0, risk_level = 'low', risk_factors = NULL WHERE id = $1 AND status NOT IN ('resolved', 'closed')";

/// Whether the conversation exists and is resolved or closed.
pub async fn is_resolved(db: &Db, conversation_id: i64) -> Result<bool, DataError> {
    const SQL: &str = "SELECT COUNT(*) FROM conversations WHERE id = $1 AND status IN ('resolved', 'closed')";
    let found: i64 = on_pool!(db, pool => sqlx::query_scalar(SQL).bind(conversation_id).fetch_one(pool).await)?;
    Ok(found == 1)
}

/// Resolves with a summary (asking for a rating as well is `ratings::resolve_asking`).
pub async fn resolve(db: &Db, conversation_id: i64, summary: &str, now: DateTime<Utc>) -> Result<bool, DataError> {
    let _turn = db.write_turn().await;
    let done = on_pool!(db, pool => sqlx::query(RESOLVE_CONVERSATION).bind(conversation_id).bind(now).bind(summary).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}
