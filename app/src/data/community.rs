//! Forum categories, threads and posts.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::customers::BATCH_ROWS;
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::community::happiness;
use crate::domain::community::model::{CategorySummary, PortalStats, PostView, ProfilePost, ThreadSummary};

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
    const SQL: &str = "INSERT INTO forum_categories (slug, name, description, position) VALUES ($1, $2, $3, $4) \
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
         (SELECT COUNT(*) FROM forum_threads t WHERE t.category_id = c.id AND t.held = FALSE) AS thread_count \
         FROM forum_categories c ORDER BY c.position, c.name";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, CategorySummary>(SQL).fetch_all(pool).await)?)
}

pub async fn category_by_slug(db: &Db, slug: &str) -> Result<Option<CategorySummary>, DataError> {
    const SQL: &str = "SELECT c.id, c.slug, c.name, c.description, \
         (SELECT COUNT(*) FROM forum_threads t WHERE t.category_id = c.id AND t.held = FALSE) AS thread_count \
         FROM forum_categories c WHERE c.slug = $1";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, CategorySummary>(SQL).bind(slug).fetch_optional(pool).await)?)
}

/// A thread summary's columns, read from `t` (forum_threads, or a subset of its rows).
macro_rules! thread_fields {
    () => {
        "t.id, t.title, c.slug AS category_slug, c.name AS category_name, t.kind, t.state, \
         t.pinned, t.post_count, u.display_name AS author_name, t.last_post_at"
    };
}
macro_rules! thread_joins {
    () => {
        "JOIN forum_categories c ON c.id = t.category_id LEFT JOIN users u ON u.id = t.author_user_id"
    };
}
const THREAD_COLUMNS: &str = concat!(thread_fields!(), " FROM forum_threads t ", thread_joins!());

/// A category's threads in the chosen order (`latest`, `top`, `unanswered`); pinned first.
pub async fn threads_in_category(db: &Db, category_id: i64, sort: &str, limit: i64, offset: i64) -> Result<Vec<ThreadSummary>, DataError> {
    let (only, order) = match sort {
        "top" => ("", "t.post_count DESC, t.last_post_at DESC"),
        "unanswered" => ("AND t.post_count = 1 AND t.state <> 'locked'", "t.created_at DESC"),
        _ => ("", "t.last_post_at DESC"),
    };
    let sql = format!(
        "SELECT {THREAD_COLUMNS} WHERE t.category_id = $1 AND t.held = FALSE {only} ORDER BY t.pinned DESC, {order}, t.id DESC LIMIT $2 OFFSET $3"
    );
    Ok(on_pool!(db, pool => sqlx::query_as::<_, ThreadSummary>(&sql).bind(category_id).bind(limit).bind(offset).fetch_all(pool).await)?)
}

pub async fn latest_threads(db: &Db, limit: i64) -> Result<Vec<ThreadSummary>, DataError> {
    let sql = format!("SELECT {THREAD_COLUMNS} WHERE t.held = FALSE ORDER BY t.last_post_at DESC, t.id DESC LIMIT $1");
    Ok(on_pool!(db, pool => sqlx::query_as::<_, ThreadSummary>(&sql).bind(limit).fetch_all(pool).await)?)
}

pub async fn recently_solved(db: &Db, limit: i64) -> Result<Vec<ThreadSummary>, DataError> {
    let sql =
        format!("SELECT {THREAD_COLUMNS} WHERE t.state = 'solved' AND t.held = FALSE ORDER BY t.last_post_at DESC, t.id DESC LIMIT $1");
    Ok(on_pool!(db, pool => sqlx::query_as::<_, ThreadSummary>(&sql).bind(limit).fetch_all(pool).await)?)
}

/// A thread as the viewer may see it.
pub struct ThreadRead {
    pub thread: ThreadSummary,
    pub author_user_id: Option<i64>,
    pub accepted_post_id: Option<i64>,
    /// Visible posts, oldest first, with reaction counts and the viewer's own reactions.
    pub posts: Vec<PostView>,
    /// Hidden posts, including held ones (only read for moderators; empty otherwise).
    pub hidden_posts: Vec<PostView>,
}

/// Who reads a thread: held content is shown to its author and to moderators only.
pub struct ThreadReader {
    pub user_id: Option<i64>,
    pub moderator: bool,
}

pub async fn thread(db: &Db, id: i64, reader: &ThreadReader) -> Result<Option<ThreadRead>, DataError> {
    let sql = format!("SELECT {THREAD_COLUMNS} WHERE t.id = $1");
    const OWNER: &str = "SELECT author_user_id, accepted_post_id, held FROM forum_threads WHERE id = $1";
    const COLUMNS: &str =
        "SELECT p.id, p.author_user_id AS author_id, u.display_name AS author_name, p.body_markdown, p.is_staff, p.created_at, p.held \
         FROM forum_posts p LEFT JOIN users u ON u.id = p.author_user_id";
    let visible = format!(
        "{COLUMNS} WHERE p.thread_id = $1 AND (p.hidden = FALSE OR (p.held = TRUE AND p.author_user_id = $2)) \
         ORDER BY p.created_at, p.id LIMIT 500"
    );
    let hidden = format!(
        "{COLUMNS} WHERE p.thread_id = $1 AND p.hidden = TRUE AND (p.author_user_id IS NULL OR p.author_user_id <> $2) \
         ORDER BY p.created_at, p.id LIMIT 500"
    );
    let viewer_id = reader.user_id;
    const REACTIONS: &str = "SELECT r.post_id, r.kind, COUNT(*), SUM(CASE WHEN r.user_id = $2 THEN 1 ELSE 0 END) \
         FROM forum_reactions r JOIN forum_posts p ON p.id = r.post_id \
         WHERE p.thread_id = $1 GROUP BY r.post_id, r.kind";
    let found = on_pool!(db, pool => {
        match sqlx::query_as::<_, ThreadSummary>(&sql).bind(id).fetch_optional(pool).await? {
            None => None,
            Some(thread) => {
                let (author_user_id, accepted_post_id, held): (Option<i64>, Option<i64>, bool) =
                    sqlx::query_as(OWNER).bind(id).fetch_one(pool).await?;
                if held && !reader.moderator && (viewer_id.is_none() || viewer_id != author_user_id) {
                    return Ok(None);
                }
                let mut posts = sqlx::query_as::<_, PostView>(&visible).bind(id).bind(viewer_id.unwrap_or(0)).fetch_all(pool).await?;
                let hidden_posts = if reader.moderator {
                    sqlx::query_as::<_, PostView>(&hidden).bind(id).bind(viewer_id.unwrap_or(0)).fetch_all(pool).await?
                } else {
                    Vec::new()
                };
                let reactions: Vec<(i64, String, i64, i64)> = sqlx::query_as(REACTIONS)
                    .bind(id).bind(viewer_id.unwrap_or(0)).fetch_all(pool).await?;
                for (post_id, kind, n, mine) in reactions {
                    if let Some(post) = posts.iter_mut().find(|p| p.id == post_id) {
                        match kind.as_str() {
                            "helped" => post.helped = n,
                            _ => post.hearts = n,
                        }
                        if mine > 0 {
                            post.mine.push(kind);
                        }
                    }
                }
                Some(ThreadRead { thread, author_user_id, accepted_post_id, posts, hidden_posts })
            }
        }
    });
    Ok(found)
}

/// Activity counts of a member, for the profile and recognition.
pub struct MemberActivity {
    pub display_name: String,
    pub role: String,
    pub member_since: DateTime<Utc>,
    pub posts: i64,
    pub accepted_answers: i64,
    pub helped_reactions: i64,
    pub recent_posts: Vec<ProfilePost>,
}

pub async fn member_activity(db: &Db, user_id: i64) -> Result<Option<MemberActivity>, DataError> {
    const USER: &str = "SELECT display_name, role, created_at FROM users WHERE id = $1";
    const COUNTS: &str = "SELECT \
         (SELECT COUNT(*) FROM forum_posts WHERE author_user_id = $1 AND hidden = FALSE), \
         (SELECT COUNT(*) FROM forum_threads t JOIN forum_posts p ON p.id = t.accepted_post_id WHERE p.author_user_id = $1), \
         (SELECT COUNT(*) FROM forum_reactions r JOIN forum_posts p ON p.id = r.post_id \
            WHERE p.author_user_id = $1 AND r.kind = 'helped' AND r.user_id <> $1)";
    const RECENT: &str = "SELECT p.id AS post_id, t.id AS thread_id, t.title, \
         (t.accepted_post_id IS NOT NULL AND t.accepted_post_id = p.id) AS accepted, p.created_at \
         FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id \
         WHERE p.author_user_id = $1 AND p.hidden = FALSE ORDER BY p.created_at DESC, p.id DESC LIMIT 20";
    let found = on_pool!(db, pool => {
        match sqlx::query_as::<_, (String, String, DateTime<Utc>)>(USER).bind(user_id).fetch_optional(pool).await? {
            None => None,
            Some((display_name, role, member_since)) => {
                let (posts, accepted_answers, helped_reactions): (i64, i64, i64) =
                    sqlx::query_as(COUNTS).bind(user_id).fetch_one(pool).await?;
                let recent_posts = sqlx::query_as::<_, ProfilePost>(RECENT).bind(user_id).fetch_all(pool).await?;
                Some(MemberActivity { display_name, role, member_since, posts, accepted_answers, helped_reactions, recent_posts })
            }
        }
    });
    Ok(found)
}

/// Every thread's id and last activity, most recent first (for the sitemap).
pub async fn thread_activity(db: &Db, limit: i64) -> Result<Vec<(i64, DateTime<Utc>)>, DataError> {
    const SQL: &str = "SELECT id, last_post_at FROM forum_threads WHERE held = FALSE ORDER BY last_post_at DESC, id DESC LIMIT $1";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, (i64, DateTime<Utc>)>(SQL).bind(limit).fetch_all(pool).await)?)
}

/// Counts of the community and the happiness strip as of `now`.
pub async fn stats(db: &Db, now: DateTime<Utc>) -> Result<PortalStats, DataError> {
    const COUNTS: &str = "SELECT \
         (SELECT COUNT(*) FROM forum_threads WHERE held = FALSE) AS threads, \
         (SELECT COUNT(*) FROM forum_posts WHERE hidden = FALSE) AS posts, \
         (SELECT COUNT(*) FROM forum_threads WHERE state = 'solved' AND held = FALSE) AS solved_threads, \
         (SELECT COUNT(*) FROM stories WHERE status = 'published') AS published_stories";
    // Each customer-opened conversation of the window: when the customer first wrote, and
    // the team's first answer after that (if any).
    const FIRST_RESPONSES: &str = "SELECT first_in, \
         (SELECT MIN(o.created_at) FROM messages o WHERE o.conversation_id = x.id \
            AND o.direction = 'outbound' AND o.created_at >= x.first_in) AS first_out \
         FROM (SELECT c.id, (SELECT MIN(i.created_at) FROM messages i \
                WHERE i.conversation_id = c.id AND i.direction = 'inbound') AS first_in \
               FROM conversations c WHERE c.created_at >= $1) x \
         WHERE first_in IS NOT NULL";
    const CSAT: &str = "SELECT COUNT(*), AVG(value) FROM customer_events \
         WHERE kind = 'csat' AND value IS NOT NULL AND occurred_at >= $1";
    let response_window = now - chrono::Duration::hours(happiness::FIRST_RESPONSE_WINDOW_HOURS);
    let csat_window = now - chrono::Duration::days(happiness::CSAT_WINDOW_DAYS);
    let (counts, first_responses, (csat_answers, csat_average)) = on_pool!(db, pool => {
        let counts = sqlx::query_as::<_, (i64, i64, i64, i64)>(COUNTS).fetch_one(pool).await?;
        let first_responses = sqlx::query_as::<_, (DateTime<Utc>, Option<DateTime<Utc>>)>(FIRST_RESPONSES)
            .bind(response_window).fetch_all(pool).await?;
        let csat = sqlx::query_as::<_, (i64, Option<f64>)>(CSAT).bind(csat_window).fetch_one(pool).await?;
        (counts, first_responses, csat)
    });
    let (threads, posts, solved_threads, published_stories) = counts;
    let first_responses =
        first_responses.into_iter().map(|(first_in, first_out)| first_out.map(|out| (out - first_in).num_seconds())).collect();
    Ok(PortalStats {
        threads,
        posts,
        solved_threads,
        happiness: happiness::happiness(first_responses, csat_answers, csat_average, published_stories),
    })
}

/// Recently active threads ranked for "popular": the most replied-to among this many.
const POPULAR_CANDIDATES: i64 = 200;

/// The most replied-to of the most recently active threads (with activity since `since`).
/// Ranking only recent candidates keeps this an index walk on a forum of any size.
pub async fn popular_threads(db: &Db, since: DateTime<Utc>, limit: i64) -> Result<Vec<ThreadSummary>, DataError> {
    // The candidates' whole rows come from the index walk itself: joined back to
    // forum_threads by id, Postgres scanned the whole table to hash-join 200 ids.
    let sql = format!(
        concat!(
            "SELECT ",
            thread_fields!(),
            " FROM (SELECT * FROM forum_threads WHERE held = FALSE \
               AND last_post_at >= $1 ORDER BY last_post_at DESC, id DESC LIMIT {candidates}) t ",
            thread_joins!(),
            " WHERE t.post_count > 1 ORDER BY t.post_count DESC, t.last_post_at DESC, t.id DESC LIMIT $2"
        ),
        candidates = POPULAR_CANDIDATES
    );
    Ok(on_pool!(db, pool => sqlx::query_as::<_, ThreadSummary>(&sql).bind(since).bind(limit).fetch_all(pool).await)?)
}
