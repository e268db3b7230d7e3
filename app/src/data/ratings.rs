//! Rating requests (migration 0023): resolving with a request writes the resolution, the
//! question (a message with its delivery) and the request in one transaction; a click on a
//! link records the rating on the request, and a change within the week updates the stored
//! `csat` event instead of adding another (one rating per resolution).

use chrono::{DateTime, Duration, Utc};

use super::conversations::RESOLVE_CONVERSATION;
use super::deliveries::{carry_out, Carrier, ReplyContext};
use super::ingest_effects::{record_effects, Cause, NewEffect, PendingEffect};
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::channels::ratings::{mail_body, LINK_DAYS};
use crate::domain::channels::Route;

/// What resolving asks the customer, and how the request reaches them.
pub struct Ask<'a> {
    pub question: &'a str,
    /// The subject of the request mail.
    pub subject: &'a str,
    pub mail_transport: bool,
    /// Request id → its five links.
    pub links: &'a (dyn Fn(i64) -> Vec<String> + Send + Sync),
    /// (Message id, links) → the `message.outbound` payload, for integration channels.
    pub payload: &'a (dyn Fn(i64, &[String]) -> String + Send + Sync),
}

/// Resolves the conversation and sends the rating request on its channel (email and forum
/// conversations by mail; others as `message.outbound` with the links), all or nothing.
/// Returns the request's id; `None` when the conversation does not exist.
pub async fn resolve_asking(
    db: &Db,
    context: &ReplyContext,
    author_user_id: i64,
    summary: &str,
    ask: &Ask<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DataError> {
    const REQUEST: &str = "INSERT INTO rating_requests (conversation_id, customer_id, resolved_at, created_at, expires_at) VALUES ($1, $2, $3, $3, $4) RETURNING id";
    const QUESTION: &str = "INSERT INTO messages (conversation_id, direction, author_user_id, body, created_at) VALUES ($1, 'outbound', $2, $3, $4) RETURNING id";
    const LINK_MESSAGE: &str = "UPDATE rating_requests SET message_id = $2 WHERE id = $1";
    let conversation = context.conversation_id;
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if sqlx::query(RESOLVE_CONVERSATION).bind(conversation).bind(now).bind(summary).execute(&mut *tx).await?.rows_affected() != 1 {
            return Ok(None);
        }
        let request: i64 = sqlx::query_scalar(REQUEST).bind(conversation).bind(context.customer_id).bind(now).bind(now + Duration::days(LINK_DAYS)).fetch_one(&mut *tx).await?;
        let message: i64 = sqlx::query_scalar(QUESTION).bind(conversation).bind(author_user_id).bind(ask.question).bind(now).fetch_one(&mut *tx).await?;
        sqlx::query(LINK_MESSAGE).bind(request).bind(message).execute(&mut *tx).await?;
        let links = (ask.links)(request);
        let payload = |message_id: i64| (ask.payload)(message_id, &links);
        let carrier = match context.channel.route() {
            Route::Mail | Route::Forum => Carrier::Mail { subject: ask.subject, transport: ask.mail_transport },
            Route::Integration => Carrier::Webhook { payload: &payload },
        };
        let body = mail_body(ask.question, &links);
        carry_out!(tx, message, context.customer_id, context.channel, body.as_str(), &carrier, now);
        tx.commit().await?;
        Ok(Some(request))
    })
}

/// A rating request as a click finds it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RatingRequest {
    pub id: i64,
    pub conversation_id: i64,
    pub customer_id: i64,
    pub subject: String,
    pub expires_at: DateTime<Utc>,
    pub rated_at: Option<DateTime<Utc>>,
    pub score: Option<i64>,
    pub comment: Option<String>,
    pub event_id: Option<i64>,
}

pub async fn request(db: &Db, id: i64) -> Result<Option<RatingRequest>, DataError> {
    const SQL: &str = "SELECT r.id, r.conversation_id, r.customer_id, c.subject, r.expires_at, r.rated_at, CAST(r.score AS BIGINT) AS score, r.comment, r.event_id \
         FROM rating_requests r JOIN conversations c ON c.id = r.conversation_id WHERE r.id = $1";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)?)
}

/// Records the first rating of a request, given as `csat` event `event_id`; false when the
/// request was rated already (the caller then changes that rating: see `change`).
pub async fn record_first(
    db: &Db,
    id: i64,
    event_id: i64,
    score: i64,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DataError> {
    const SQL: &str =
        "UPDATE rating_requests SET event_id = $2, score = $3, comment = $4, rated_at = $5 WHERE id = $1 AND rated_at IS NULL";
    let _turn = db.write_turn().await;
    let changed = on_pool!(db, pool => sqlx::query(SQL).bind(id).bind(event_id).bind(score).bind(comment).bind(now).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Changes a given rating (score and comment) and its `csat` event, in one transaction. A
/// change from a good score to a bad one (at most `bad_at_most`) reopens the conversation and
/// records the effect that starts a recovery journey, leased for `lease`, like a new bad rating.
#[allow(clippy::too_many_arguments)]
pub async fn change(
    db: &Db,
    id: i64,
    score: i64,
    comment: Option<&str>,
    bad_at_most: i64,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<PendingEffect>, DataError> {
    const CURRENT: &str =
        "SELECT CAST(score AS BIGINT), event_id, conversation_id FROM rating_requests WHERE id = $1 AND rated_at IS NOT NULL";
    const REQUEST: &str = "UPDATE rating_requests SET score = $2, comment = $3 WHERE id = $1";
    const EVENT: &str = "UPDATE customer_events SET value = $2, note = $3 WHERE id = $1";
    const REOPEN: &str =
        "UPDATE conversations SET status = 'open', resolved_at = NULL, waiting_since = COALESCE(waiting_since, $2) WHERE id = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (before, event, conversation): (Option<i64>, Option<i64>, i64) =
            sqlx::query_as(CURRENT).bind(id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        sqlx::query(REQUEST).bind(id).bind(score).bind(comment).execute(&mut *tx).await?;
        if let Some(event) = event {
            sqlx::query(EVENT).bind(event).bind(score as f64).bind(comment).execute(&mut *tx).await?;
        }
        let worse = score <= bad_at_most && before.is_some_and(|before| before > bad_at_most);
        let effect = if worse {
            sqlx::query(REOPEN).bind(conversation).bind(now).execute(&mut *tx).await?;
            let effect = NewEffect { conversation_id: conversation, new_inbound: false, journey_always: true, cause: Cause::Event };
            record_effects!(tx, &[effect], now, now + lease)?.pop()
        } else {
            None
        };
        tx.commit().await?;
        Ok(effect)
    })
}
