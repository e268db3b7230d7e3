//! Stories, gratitude quotes and the consent ledger behind them.

use chrono::{DateTime, Utc};

use super::{on_pool, DataError, Db};
use crate::domain::community::naming::public_name;
use crate::domain::stories::consent::Decision;
use crate::domain::stories::model::{excerpt, PublicStory, StoryCard};
use crate::domain::studio::{StatusCount, StoryRow};

#[derive(sqlx::FromRow)]
struct PublicStoryRecord {
    id: i64,
    title: String,
    narrative: String,
    resolution: String,
    quotes: String,
    naming: String,
    featured: bool,
    customer_name: String,
    published_at: DateTime<Utc>,
}

impl PublicStoryRecord {
    fn card(&self) -> StoryCard {
        StoryCard {
            id: self.id,
            title: self.title.clone(),
            excerpt: excerpt(&self.narrative),
            told_by: public_name(&self.naming, &self.customer_name),
            featured: self.featured,
            published_at: self.published_at,
        }
    }
}

const PUBLIC_STORY: &str =
    "SELECT s.id, s.title, s.narrative, s.resolution, s.quotes, s.naming, s.featured, c.name AS customer_name, s.published_at \
     FROM stories s JOIN customers c ON c.id = s.customer_id WHERE s.status = 'published' AND s.published_at IS NOT NULL ";

/// Published stories, featured first, then newest.
pub async fn published_cards(db: &Db, limit: i64) -> Result<Vec<StoryCard>, DataError> {
    let sql = format!("{PUBLIC_STORY} ORDER BY s.featured DESC, s.published_at DESC, s.id DESC LIMIT $1");
    let records = on_pool!(db, pool => sqlx::query_as::<_, PublicStoryRecord>(&sql).bind(limit).fetch_all(pool).await)?;
    Ok(records.iter().map(PublicStoryRecord::card).collect())
}

/// One published story in full; `None` when it is not (or no longer) public.
pub async fn public_story(db: &Db, id: i64) -> Result<Option<PublicStory>, DataError> {
    let sql = format!("{PUBLIC_STORY} AND s.id = $1");
    let record = on_pool!(db, pool => sqlx::query_as::<_, PublicStoryRecord>(&sql).bind(id).fetch_optional(pool).await)?;
    let Some(r) = record else { return Ok(None) };
    let reactions = super::ripple::reaction_count(db, r.id).await?;
    Ok(Some(PublicStory {
        reactions,
        card: r.card(),
        quotes: serde_json::from_str(&r.quotes).unwrap_or_default(),
        narrative: r.narrative,
        resolution: r.resolution,
    }))
}

/// Published stories whose title, narrative or resolution contains every typed word.
pub async fn search_published(db: &Db, query: &str, limit: i64) -> Result<Vec<StoryCard>, DataError> {
    let words: Vec<String> = query
        .split_whitespace()
        .take(8)
        .map(|w| format!("%{}%", w.to_lowercase().replace(['%', '_', '\\'], "")))
        .filter(|w| w.len() > 2)
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = PUBLIC_STORY.to_string();
    for n in 0..words.len() {
        sql.push_str(&format!(" AND LOWER(s.title || ' ' || s.narrative || ' ' || s.resolution) LIKE ${}", n + 1));
    }
    sql.push_str(&format!(" ORDER BY s.published_at DESC LIMIT ${}", words.len() + 1));
    let records = on_pool!(db, pool => {
        let mut query = sqlx::query_as::<_, PublicStoryRecord>(&sql);
        for word in &words {
            query = query.bind(word);
        }
        query.bind(limit).fetch_all(pool).await
    })?;
    Ok(records.iter().map(PublicStoryRecord::card).collect())
}

pub async fn stories_by_status(db: &Db) -> Result<Vec<StatusCount>, DataError> {
    const SQL: &str = "SELECT status, COUNT(*) FROM stories GROUP BY status ORDER BY status";
    let rows = on_pool!(db, pool => sqlx::query_as::<_, (String, i64)>(SQL).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(status, count)| StatusCount { status, count }).collect())
}

pub async fn quotes_by_status(db: &Db) -> Result<Vec<StatusCount>, DataError> {
    const SQL: &str = "SELECT status, COUNT(*) FROM gratitude_quotes GROUP BY status ORDER BY status";
    let rows = on_pool!(db, pool => sqlx::query_as::<_, (String, i64)>(SQL).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(status, count)| StatusCount { status, count }).collect())
}

pub async fn consent_count(db: &Db, decision: Decision) -> Result<i64, DataError> {
    const SQL: &str = "SELECT COUNT(*) FROM consent_records WHERE decision = $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL).bind(decision.as_str()).fetch_one(pool).await)?)
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
    Ok(found.map(|(quote, naming, name)| (quote, public_name(&naming, &name))))
}

/// Ids of published stories, newest first (what a reconnecting page keeps).
pub async fn published_ids(db: &Db, limit: i64) -> Result<Vec<i64>, DataError> {
    const SQL: &str =
        "SELECT id FROM stories WHERE status = 'published' AND published_at IS NOT NULL ORDER BY published_at DESC, id DESC LIMIT $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL).bind(limit).fetch_all(pool).await)?)
}
