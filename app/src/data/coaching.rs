//! What coaching reads: an agent's replies with the customer's mood around each, the tone
//! flags stored with them, and the journeys of the agent's conversations.

use chrono::{DateTime, Utc};

use super::{on_pool, DataError, Db};
use crate::domain::coaching::{ReplyRecord, MAX_REPLIES};

/// The agent's latest replies sent in `[from, to)` (at most [`MAX_REPLIES`]), each with the
/// customer's last sentiment before it and first after it in the same conversation.
pub async fn replies(db: &Db, agent_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<ReplyRecord>, DataError> {
    const SQL: &str = "SELECT \
         (SELECT m.sentiment FROM messages m WHERE m.conversation_id = r.conversation_id AND m.direction = 'inbound' \
            AND m.sentiment IS NOT NULL AND m.created_at <= r.created_at ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS sentiment_before, \
         (SELECT m.sentiment FROM messages m WHERE m.conversation_id = r.conversation_id AND m.direction = 'inbound' \
            AND m.sentiment IS NOT NULL AND m.created_at > r.created_at ORDER BY m.created_at, m.id LIMIT 1) AS sentiment_after, \
         r.tone_flags_seen, r.tone_flags_sent \
         FROM messages r WHERE r.author_user_id = $1 AND r.direction = 'outbound' AND r.created_at >= $2 AND r.created_at < $3 \
         ORDER BY r.created_at DESC LIMIT $4";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(agent_id).bind(from).bind(to).bind(MAX_REPLIES).fetch_all(pool).await)?)
}

/// Journeys started in `[from, to)` on conversations assigned to the agent: (started, healed).
pub async fn journeys(db: &Db, agent_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(i64, i64), DataError> {
    const SQL: &str = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN j.state = 'healed' THEN 1 ELSE 0 END), 0) \
         FROM journeys j JOIN conversations c ON c.id = j.conversation_id \
         WHERE c.assignee_id = $1 AND j.started_at >= $2 AND j.started_at < $3";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(agent_id).bind(from).bind(to).fetch_one(pool).await)?)
}
