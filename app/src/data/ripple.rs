//! Story views (first-party) and the numbers behind the ripple dashboard.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{on_pool, DataError, Db};
use crate::domain::stories::ripple::{lift, mean, Outcome, StoryRipple};

/// How far before and after a story's publication outcomes are compared.
pub const WINDOW_DAYS: i64 = 30;

/// Records views of published stories (others are ignored).
pub async fn record(
    db: &Db,
    story_ids: &[i64],
    kind: &str,
    customer_id: Option<i64>,
    dwell_ms: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, DataError> {
    const SQL: &str = "INSERT INTO story_views (story_id, customer_id, kind, dwell_ms, at) \
         SELECT s.id, $2, $3, $4, $5 FROM stories s WHERE s.id = $1 AND s.status = 'published'";
    let mut written = 0;
    for id in story_ids {
        written += on_pool!(db, pool => sqlx::query(SQL).bind(id).bind(customer_id).bind(kind).bind(dwell_ms).bind(now).execute(pool).await.map(|done| done.rows_affected()))?;
    }
    Ok(written)
}

#[derive(sqlx::FromRow)]
struct ViewCounts {
    impressions: i64,
    digests: i64,
    clicks: i64,
    onward: i64,
    signups: i64,
    mean_dwell_ms: Option<f64>,
}

#[derive(sqlx::FromRow)]
struct ActiveCustomer {
    customer_id: i64,
    plan: Option<String>,
    first_view: Option<DateTime<Utc>>,
    before: Option<f64>,
    after: Option<f64>,
}

/// Per story that was ever published (the newest `limit`), top stories first: views, clicks,
/// reactions, reading time and the lift against similar customers who did not see it.
pub async fn dashboard(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<StoryRipple>, DataError> {
    const STORIES: &str =
        "SELECT s.id, s.title, COALESCE(s.published_at, (SELECT MIN(v.at) FROM story_views v WHERE v.story_id = s.id)) AS since \
         FROM stories s WHERE s.published_at IS NOT NULL OR EXISTS (SELECT 1 FROM story_views v WHERE v.story_id = s.id) \
         ORDER BY s.id DESC LIMIT $1";
    const COUNTS: &str = "SELECT COALESCE(SUM(CASE WHEN kind = 'impression' THEN 1 ELSE 0 END), 0) AS impressions, \
         COALESCE(SUM(CASE WHEN kind = 'digest' THEN 1 ELSE 0 END), 0) AS digests, COALESCE(SUM(CASE WHEN kind = 'click' THEN 1 ELSE 0 END), 0) AS clicks, \
         COALESCE(SUM(CASE WHEN kind = 'onward' THEN 1 ELSE 0 END), 0) AS onward, COALESCE(SUM(CASE WHEN kind = 'signup' THEN 1 ELSE 0 END), 0) AS signups, \
         CAST(AVG(CASE WHEN kind = 'dwell' THEN dwell_ms END) AS DOUBLE PRECISION) AS mean_dwell_ms FROM story_views WHERE story_id = $1";
    // Each active customer's plan and mean sentiment before and after their reference time:
    // their first view of the story, or its publication for those who did not see it.
    const ACTIVE: &str = "SELECT c.customer_id, cu.plan, v.first_at AS first_view, \
         CAST(AVG(CASE WHEN m.created_at < COALESCE(v.first_at, $2) THEN m.sentiment END) AS DOUBLE PRECISION) AS before, \
         CAST(AVG(CASE WHEN m.created_at >= COALESCE(v.first_at, $2) THEN m.sentiment END) AS DOUBLE PRECISION) AS after \
         FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id \
         LEFT JOIN (SELECT customer_id, MIN(at) AS first_at FROM story_views WHERE story_id = $1 AND customer_id IS NOT NULL GROUP BY customer_id) v ON v.customer_id = c.customer_id \
         WHERE m.direction = 'inbound' AND m.sentiment IS NOT NULL AND m.created_at >= $3 AND m.created_at <= $4 GROUP BY c.customer_id, cu.plan, v.first_at";
    // Engagement: a purchase (reported through the API) or a forum post.
    const ENGAGEMENTS: &str = "SELECT customer_id, occurred_at FROM customer_events WHERE kind = 'purchase' AND occurred_at >= $1 AND occurred_at <= $2 \
         UNION ALL SELECT cu.id, p.created_at FROM forum_posts p JOIN customers cu ON cu.user_id = p.author_user_id WHERE p.created_at >= $1 AND p.created_at <= $2";
    const SURVEYS: &str = "SELECT customer_id, occurred_at, value FROM customer_events WHERE kind = 'csat' AND value IS NOT NULL AND occurred_at >= $1 AND occurred_at <= $2";
    let stories: Vec<(i64, String, Option<DateTime<Utc>>)> =
        on_pool!(db, pool => sqlx::query_as(STORIES).bind(limit).fetch_all(pool).await)?;
    let mut rows = Vec::with_capacity(stories.len());
    for (id, title, since) in stories {
        let Some(since) = since else { continue };
        let counts = on_pool!(db, pool => sqlx::query_as::<_, ViewCounts>(COUNTS).bind(id).fetch_one(pool).await)?;
        let window_start = since - Duration::days(WINDOW_DAYS);
        let window_end = (since + Duration::days(WINDOW_DAYS)).min(now);
        let active = on_pool!(db, pool => sqlx::query_as::<_, ActiveCustomer>(ACTIVE).bind(id).bind(since).bind(window_start).bind(window_end).fetch_all(pool).await)?;
        let engagements: Vec<(i64, DateTime<Utc>)> =
            on_pool!(db, pool => sqlx::query_as(ENGAGEMENTS).bind(since).bind(window_end).fetch_all(pool).await)?;
        let surveys: Vec<(i64, DateTime<Utc>, f64)> =
            on_pool!(db, pool => sqlx::query_as(SURVEYS).bind(window_start).bind(window_end).fetch_all(pool).await)?;
        let engaged_at = group_by_customer(engagements.into_iter().map(|(customer, at)| (customer, (at, 1.0))));
        let answered = group_by_customer(surveys.into_iter().map(|(customer, at, score)| (customer, (at, score))));
        let outcomes: Vec<Outcome> = active
            .into_iter()
            .map(|customer| {
                let reference = customer.first_view.unwrap_or(since);
                let surveys = answered.get(&customer.customer_id).map(Vec::as_slice).unwrap_or_default();
                let mean_where = |after: bool| mean(surveys.iter().filter(|(at, _)| (*at >= reference) == after).map(|(_, score)| *score));
                Outcome {
                    viewed: customer.first_view.is_some(),
                    plan: customer.plan,
                    before: customer.before,
                    after: customer.after,
                    csat_before: mean_where(false),
                    csat_after: mean_where(true),
                    engaged: engaged_at.get(&customer.customer_id).is_some_and(|times| times.iter().any(|(at, _)| *at >= reference)),
                }
            })
            .collect();
        let reactions = reaction_count(db, id).await?;
        rows.push(StoryRipple {
            story_id: id,
            title,
            impressions: counts.impressions,
            digests: counts.digests,
            clicks: counts.clicks,
            onward: counts.onward,
            signups: counts.signups,
            reactions,
            mean_dwell_secs: counts.mean_dwell_ms.map(|ms| ms / 1000.0),
            lift: lift(&outcomes),
        });
    }
    crate::domain::stories::ripple::rank(&mut rows);
    Ok(rows)
}

fn group_by_customer(items: impl Iterator<Item = (i64, (DateTime<Utc>, f64))>) -> HashMap<i64, Vec<(DateTime<Utc>, f64)>> {
    let mut grouped: HashMap<i64, Vec<(DateTime<Utc>, f64)>> = HashMap::new();
    for (customer, item) in items {
        grouped.entry(customer).or_default().push(item);
    }
    grouped
}

/// Records that a new account was made in a browser that had just read `story_id` (sign-up
/// is the one view that is linked to the customer it created).
pub async fn record_signup(db: &Db, story_id: i64, customer_id: i64, now: DateTime<Utc>) -> Result<u64, DataError> {
    record(db, &[story_id], "signup", Some(customer_id), None, now).await
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
