//! Stories, gratitude quotes and the consent ledger behind them.

use chrono::{DateTime, Utc};

use super::{on_pool, DataError, Db};
use crate::community::model::{PublishedQuote, PublishedStory};
use crate::community::naming::Naming;
use crate::studio::model::{StatusCount, StoryRow};

#[derive(sqlx::FromRow)]
struct PublishedStoryRecord {
    id: i64,
    title: String,
    narrative: String,
    naming: String,
    customer_name: String,
    published_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct PublishedQuoteRecord {
    id: i64,
    quote: String,
    naming: String,
    customer_name: String,
    published_at: DateTime<Utc>,
}

fn told_by(naming: &str, customer_name: &str) -> String {
    Naming::parse(naming)
        .unwrap_or(Naming::Anonymous)
        .apply(customer_name)
}

pub async fn published_stories(db: &Db, limit: i64) -> Result<Vec<PublishedStory>, DataError> {
    const SQL: &str = "SELECT s.id, s.title, s.narrative, s.naming, c.name AS customer_name, s.published_at \
         FROM stories s JOIN customers c ON c.id = s.customer_id \
         WHERE s.status = 'published' AND s.published_at IS NOT NULL ORDER BY s.published_at DESC LIMIT $1";
    let records = on_pool!(db, pool => sqlx::query_as::<_, PublishedStoryRecord>(SQL).bind(limit).fetch_all(pool).await)?;
    Ok(records
        .into_iter()
        .map(|r| PublishedStory {
            id: r.id,
            told_by: told_by(&r.naming, &r.customer_name),
            title: r.title,
            narrative: r.narrative,
            published_at: r.published_at,
        })
        .collect())
}

pub async fn published_quotes(db: &Db, limit: i64) -> Result<Vec<PublishedQuote>, DataError> {
    const SQL: &str = "SELECT q.id, q.quote, q.naming, c.name AS customer_name, q.published_at \
         FROM gratitude_quotes q JOIN customers c ON c.id = q.customer_id \
         WHERE q.status = 'published' AND q.published_at IS NOT NULL ORDER BY q.published_at DESC LIMIT $1";
    let records = on_pool!(db, pool => sqlx::query_as::<_, PublishedQuoteRecord>(SQL).bind(limit).fetch_all(pool).await)?;
    Ok(records
        .into_iter()
        .map(|r| PublishedQuote {
            id: r.id,
            said_by: told_by(&r.naming, &r.customer_name),
            quote: r.quote,
            published_at: r.published_at,
        })
        .collect())
}

pub async fn stories_by_status(db: &Db) -> Result<Vec<StatusCount>, DataError> {
    const SQL: &str = "SELECT status, COUNT(*) FROM stories GROUP BY status ORDER BY status";
    let rows = on_pool!(db, pool => sqlx::query_as::<_, (String, i64)>(SQL).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(status, count)| StatusCount { status, count })
        .collect())
}

pub async fn quotes_by_status(db: &Db) -> Result<Vec<StatusCount>, DataError> {
    const SQL: &str =
        "SELECT status, COUNT(*) FROM gratitude_quotes GROUP BY status ORDER BY status";
    let rows = on_pool!(db, pool => sqlx::query_as::<_, (String, i64)>(SQL).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(status, count)| StatusCount { status, count })
        .collect())
}

pub async fn consent_count(db: &Db, decision: &str) -> Result<i64, DataError> {
    const SQL: &str = "SELECT COUNT(*) FROM consent_records WHERE decision = $1";
    Ok(
        on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL).bind(decision).fetch_one(pool).await)?,
    )
}

pub async fn recent_stories(db: &Db, limit: i64) -> Result<Vec<StoryRow>, DataError> {
    const SQL: &str = "SELECT s.id, s.title, c.name AS customer_name, s.status, s.featured, s.version, s.updated_at \
         FROM stories s JOIN customers c ON c.id = s.customer_id ORDER BY s.updated_at DESC LIMIT $1";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, StoryRow>(SQL).bind(limit).fetch_all(pool).await)?)
}

/// The newest published gratitude quote whose latest consent record for its current version
/// is a grant, as (quote, who said it as consented); for including in customer messages.
pub async fn consented_quote(db: &Db) -> Result<Option<(String, String)>, DataError> {
    const SQL: &str = "SELECT q.quote, q.naming, c.name FROM gratitude_quotes q JOIN customers c ON c.id = q.customer_id \
         WHERE q.status = 'published' AND (SELECT r.decision FROM consent_records r WHERE r.subject_kind = 'quote' \
            AND r.subject_id = q.id AND r.subject_version = q.version ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1) = 'granted' \
         ORDER BY q.published_at DESC, q.id DESC LIMIT 1";
    let found: Option<(String, String, String)> = on_pool!(db, pool => sqlx::query_as(SQL).fetch_optional(pool).await)?;
    Ok(found.map(|(quote, naming, name)| (quote, told_by(&naming, &name))))
}
