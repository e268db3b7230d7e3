//! Forum categories, threads and posts.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::customers::BATCH_ROWS;
use super::{on_pool, BeginWrite, DataError, Db};
use crate::community::model::{CategorySummary, PortalStats, PostView, ThreadSummary};

pub struct NewCategory<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub position: i64,
}

pub struct NewThread {
    pub category_id: i64,
    pub author_user_id: Option<i64>,
    pub title: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub pinned: bool,
    pub post_count: i64,
    pub created_at: DateTime<Utc>,
    pub last_post_at: DateTime<Utc>,
}

pub struct NewPost {
    pub thread_id: i64,
    pub author_user_id: Option<i64>,
    pub body_markdown: String,
    pub is_staff: bool,
    pub created_at: DateTime<Utc>,
}

/// Creates the category or returns the id of the existing one with that slug.
pub async fn ensure_category(db: &Db, category: &NewCategory<'_>) -> Result<i64, DataError> {
    const SQL: &str =
        "INSERT INTO forum_categories (slug, name, description, position) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name RETURNING id";
    Ok(on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL)
        .bind(category.slug)
        .bind(category.name)
        .bind(category.description)
        .bind(category.position)
        .fetch_one(pool)
        .await)?)
}

pub async fn insert_threads(db: &Db, threads: &[NewThread]) -> Result<Vec<i64>, DataError> {
    let mut ids = Vec::with_capacity(threads.len());
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for chunk in threads.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO forum_threads (category_id, author_user_id, title, kind, state, pinned, post_count, created_at, last_post_at) ",
            );
            builder.push_values(chunk, |mut row, t| {
                row.push_bind(t.category_id)
                    .push_bind(t.author_user_id)
                    .push_bind(t.title.as_str())
                    .push_bind(t.kind)
                    .push_bind(t.state)
                    .push_bind(t.pinned)
                    .push_bind(t.post_count)
                    .push_bind(t.created_at)
                    .push_bind(t.last_post_at);
            });
            builder.push(" RETURNING id");
            let chunk_ids: Vec<i64> = builder.build_query_scalar().fetch_all(&mut *tx).await?;
            ids.extend(chunk_ids);
        }
        tx.commit().await?;
    });
    Ok(ids)
}

pub async fn insert_posts(db: &Db, posts: &[NewPost]) -> Result<(), DataError> {
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for chunk in posts.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO forum_posts (thread_id, author_user_id, body_markdown, is_staff, created_at) ",
            );
            builder.push_values(chunk, |mut row, p| {
                row.push_bind(p.thread_id)
                    .push_bind(p.author_user_id)
                    .push_bind(p.body_markdown.as_str())
                    .push_bind(p.is_staff)
                    .push_bind(p.created_at);
            });
            builder.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

pub async fn categories(db: &Db) -> Result<Vec<CategorySummary>, DataError> {
    const SQL: &str = "SELECT c.id, c.slug, c.name, c.description, \
         (SELECT COUNT(*) FROM forum_threads t WHERE t.category_id = c.id) AS thread_count \
         FROM forum_categories c ORDER BY c.position, c.name";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, CategorySummary>(SQL).fetch_all(pool).await)?)
}

pub async fn category_by_slug(db: &Db, slug: &str) -> Result<Option<CategorySummary>, DataError> {
    const SQL: &str = "SELECT c.id, c.slug, c.name, c.description, \
         (SELECT COUNT(*) FROM forum_threads t WHERE t.category_id = c.id) AS thread_count \
         FROM forum_categories c WHERE c.slug = $1";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, CategorySummary>(SQL).bind(slug).fetch_optional(pool).await)?,
    )
}

const THREAD_COLUMNS: &str = "t.id, t.title, c.slug AS category_slug, c.name AS category_name, t.kind, t.state, \
     t.pinned, t.post_count, u.display_name AS author_name, t.last_post_at \
     FROM forum_threads t JOIN forum_categories c ON c.id = t.category_id LEFT JOIN users u ON u.id = t.author_user_id";

pub async fn threads_in_category(
    db: &Db,
    category_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<ThreadSummary>, DataError> {
    let sql = format!(
        "SELECT {THREAD_COLUMNS} WHERE t.category_id = $1 ORDER BY t.pinned DESC, t.last_post_at DESC, t.id DESC LIMIT $2 OFFSET $3"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ThreadSummary>(&sql).bind(category_id).bind(limit).bind(offset).fetch_all(pool).await)?,
    )
}

pub async fn latest_threads(db: &Db, limit: i64) -> Result<Vec<ThreadSummary>, DataError> {
    let sql = format!("SELECT {THREAD_COLUMNS} ORDER BY t.last_post_at DESC, t.id DESC LIMIT $1");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ThreadSummary>(&sql).bind(limit).fetch_all(pool).await)?,
    )
}

pub async fn recently_solved(db: &Db, limit: i64) -> Result<Vec<ThreadSummary>, DataError> {
    let sql = format!("SELECT {THREAD_COLUMNS} WHERE t.state = 'solved' ORDER BY t.last_post_at DESC, t.id DESC LIMIT $1");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ThreadSummary>(&sql).bind(limit).fetch_all(pool).await)?,
    )
}

pub async fn thread(db: &Db, id: i64) -> Result<Option<(ThreadSummary, Vec<PostView>)>, DataError> {
    let sql = format!("SELECT {THREAD_COLUMNS} WHERE t.id = $1");
    const POSTS: &str =
        "SELECT p.id, u.display_name AS author_name, p.body_markdown, p.is_staff, p.created_at \
         FROM forum_posts p LEFT JOIN users u ON u.id = p.author_user_id \
         WHERE p.thread_id = $1 AND p.hidden = FALSE ORDER BY p.created_at, p.id LIMIT 200";
    let found = on_pool!(db, pool => {
        match sqlx::query_as::<_, ThreadSummary>(&sql).bind(id).fetch_optional(pool).await? {
            None => None,
            Some(thread) => {
                let posts = sqlx::query_as::<_, PostView>(POSTS).bind(id).fetch_all(pool).await?;
                Some((thread, posts))
            }
        }
    });
    Ok(found)
}

/// Threads whose title or posts contain every word of the query (case-insensitive).
/// A simple scan; the ranked full-text index arrives with the community search issue.
pub async fn search_threads(
    db: &Db,
    words: &[String],
    limit: i64,
) -> Result<Vec<ThreadSummary>, DataError> {
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let rows = on_pool!(db, pool => {
        let mut builder = QueryBuilder::new(format!("SELECT {THREAD_COLUMNS} WHERE "));
        for (index, word) in words.iter().enumerate() {
            if index > 0 {
                builder.push(" AND ");
            }
            let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
            builder.push("(LOWER(t.title) LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
            builder.push(" OR EXISTS (SELECT 1 FROM forum_posts p WHERE p.thread_id = t.id AND p.hidden = FALSE AND LOWER(p.body_markdown) LIKE ")
                .push_bind(pattern)
                .push(" ESCAPE '\\'))");
        }
        builder.push(" ORDER BY t.last_post_at DESC LIMIT ").push_bind(limit);
        builder.build_query_as::<ThreadSummary>().fetch_all(pool).await?
    });
    Ok(rows)
}

fn escape_like(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

pub async fn stats(db: &Db) -> Result<PortalStats, DataError> {
    const SQL: &str = "SELECT \
         (SELECT COUNT(*) FROM forum_threads) AS threads, \
         (SELECT COUNT(*) FROM forum_posts WHERE hidden = FALSE) AS posts, \
         (SELECT COUNT(*) FROM forum_threads WHERE state = 'solved') AS solved_threads, \
         (SELECT COUNT(*) FROM stories WHERE status = 'published') AS published_stories";
    let (threads, posts, solved_threads, published_stories) = on_pool!(db, pool =>
        sqlx::query_as::<_, (i64, i64, i64, i64)>(SQL).fetch_one(pool).await)?;
    Ok(PortalStats {
        threads,
        posts,
        solved_threads,
        published_stories,
    })
}
