//! Story views (first-party) and the numbers behind the ripple dashboard.

use chrono::{DateTime, Duration, Utc};

use super::{on_pool, DataError, Db};
use crate::stories::ripple::{lift, Outcome, StoryRipple};

/// How far before and after a story's publication outcomes are compared.
pub const WINDOW_DAYS: i64 = 30;

/// Records views of published stories (others are ignored).
pub async fn record(db: &Db, story_ids: &[i64], kind: &str, customer_id: Option<i64>, dwell_ms: Option<i64>, now: DateTime<Utc>) -> Result<u64, DataError> {
    const SQL: &str = "INSERT INTO story_views (story_id, customer_id, kind, dwell_ms, at) \
         SELECT s.id, $2, $3, $4, $5 FROM stories s WHERE s.id = $1 AND s.status = 'published'";
    let mut written = 0;
    for id in story_ids {
        written += on_pool!(db, pool => sqlx::query(SQL).bind(id).bind(customer_id).bind(kind).bind(dwell_ms).bind(now).execute(pool).await.map(|done| done.rows_affected()))?;
    }
    Ok(written)
}

/// Per story that was ever published (the newest `limit`), top stories first: views, clicks,
/// reactions, reading time and the lift.
pub async fn dashboard(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<StoryRipple>, DataError> {
    const STORIES: &str = "SELECT s.id, s.title, COALESCE(s.published_at, (SELECT MIN(v.at) FROM story_views v WHERE v.story_id = s.id)) AS since \
         FROM stories s WHERE s.published_at IS NOT NULL OR EXISTS (SELECT 1 FROM story_views v WHERE v.story_id = s.id) \
         ORDER BY s.id DESC LIMIT $1";
    const COUNTS: &str = "SELECT COALESCE(SUM(CASE WHEN kind = 'impression' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN kind = 'click' THEN 1 ELSE 0 END), 0), \
         CAST(AVG(CASE WHEN kind = 'dwell' THEN dwell_ms END) AS DOUBLE PRECISION) FROM story_views WHERE story_id = $1";
    // Each active customer's mean sentiment before and after their reference time: their
    // first view of the story, or its publication for those who did not see it.
    const OUTCOMES: &str = "SELECT c.customer_id, CAST(MAX(CASE WHEN v.first_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS viewed, \
         CAST(AVG(CASE WHEN m.created_at < COALESCE(v.first_at, $2) THEN m.sentiment END) AS DOUBLE PRECISION) AS before, \
         CAST(AVG(CASE WHEN m.created_at >= COALESCE(v.first_at, $2) THEN m.sentiment END) AS DOUBLE PRECISION) AS after \
         FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         LEFT JOIN (SELECT customer_id, MIN(at) AS first_at FROM story_views WHERE story_id = $1 AND customer_id IS NOT NULL GROUP BY customer_id) v ON v.customer_id = c.customer_id \
         WHERE m.direction = 'inbound' AND m.sentiment IS NOT NULL AND m.created_at >= $3 AND m.created_at <= $4 GROUP BY c.customer_id";
    // Engagement after publication: a purchase (reported through the API) or a forum post.
    const ENGAGED: &str = "SELECT customer_id FROM customer_events WHERE kind = 'purchase' AND occurred_at >= $1 \
         UNION SELECT cu.id FROM forum_posts p JOIN customers cu ON cu.user_id = p.author_user_id WHERE p.created_at >= $1";
    let stories: Vec<(i64, String, Option<DateTime<Utc>>)> = on_pool!(db, pool => sqlx::query_as(STORIES).bind(limit).fetch_all(pool).await)?;
    let mut rows = Vec::with_capacity(stories.len());
    for (id, title, since) in stories {
        let Some(since) = since else { continue };
        let (impressions, clicks, dwell): (i64, i64, Option<f64>) = on_pool!(db, pool => sqlx::query_as(COUNTS).bind(id).fetch_one(pool).await)?;
        let window_start = since - Duration::days(WINDOW_DAYS);
        let window_end = (since + Duration::days(WINDOW_DAYS)).min(now);
        let active: Vec<(i64, i64, Option<f64>, Option<f64>)> =
            on_pool!(db, pool => sqlx::query_as(OUTCOMES).bind(id).bind(since).bind(window_start).bind(window_end).fetch_all(pool).await)?;
        let engaged: Vec<i64> = on_pool!(db, pool => sqlx::query_scalar(ENGAGED).bind(since).fetch_all(pool).await)?;
        let engaged: std::collections::HashSet<i64> = engaged.into_iter().collect();
        let outcomes: Vec<Outcome> = active
            .into_iter()
            .map(|(customer, viewed, before, after)| Outcome { viewed: viewed > 0, before, after, engaged: engaged.contains(&customer) })
            .collect();
        let reactions = reaction_count(db, id).await?;
        rows.push(StoryRipple { story_id: id, title, impressions, clicks, reactions, mean_dwell_secs: dwell.map(|ms| ms / 1000.0), lift: lift(&outcomes) });
    }
    crate::stories::ripple::rank(&mut rows);
    Ok(rows)
}

/// Adds the account's reaction to a published story, or takes it back; returns whether the
/// account now reacts.
pub async fn toggle_reaction(db: &Db, story_id: i64, user_id: i64, now: DateTime<Utc>) -> Result<bool, DataError> {
    const PUBLISHED: &str = "SELECT COUNT(*) FROM stories WHERE id = $1 AND status = 'published'";
    const REMOVE: &str = "DELETE FROM story_reactions WHERE story_id = $1 AND user_id = $2";
    const ADD: &str = "INSERT INTO story_reactions (story_id, user_id, at) VALUES ($1, $2, $3)";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = super::BeginWrite::begin_write(pool).await?;
        let published: i64 = sqlx::query_scalar(PUBLISHED).bind(story_id).fetch_one(&mut *tx).await?;
        if published == 0 {
            return Err(DataError::NotFound);
        }
        let removed = sqlx::query(REMOVE).bind(story_id).bind(user_id).execute(&mut *tx).await?.rows_affected();
        if removed == 0 {
            sqlx::query(ADD).bind(story_id).bind(user_id).bind(now).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(removed == 0)
    })
}

pub async fn reaction_count(db: &Db, story_id: i64) -> Result<i64, DataError> {
    const SQL: &str = "SELECT COUNT(*) FROM story_reactions WHERE story_id = $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL).bind(story_id).fetch_one(pool).await)?)
}
