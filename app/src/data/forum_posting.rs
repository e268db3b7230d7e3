//! Writing to the forum: threads, replies, reactions, accepted answers, moderation.
//! The rules live here, whatever calls: a locked thread takes no replies, only the thread's
//! author or staff accept an answer, and only a post of the same thread can be accepted.

use chrono::{DateTime, Utc};

use super::{on_pool, BeginWrite, DataError, Db};

pub struct NewThreadPost<'a> {
    pub category_id: i64,
    pub author_user_id: i64,
    pub title: &'a str,
    pub kind: &'a str,
    pub body_markdown: &'a str,
    pub is_staff: bool,
    pub at: DateTime<Utc>,
}

/// Opens a thread with its first post; returns the ids of both.
pub async fn create_thread(db: &Db, new: &NewThreadPost<'_>) -> Result<(i64, i64), DataError> {
    const THREAD: &str = "INSERT INTO forum_threads (category_id, author_user_id, title, kind, state, pinned, post_count, created_at, last_post_at) \
         VALUES ($1, $2, $3, $4, 'open', FALSE, 1, $5, $5) RETURNING id";
    const POST: &str = "INSERT INTO forum_posts (thread_id, author_user_id, body_markdown, is_staff, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let thread_id: i64 = sqlx::query_scalar(THREAD)
            .bind(new.category_id).bind(new.author_user_id).bind(new.title).bind(new.kind).bind(new.at)
            .fetch_one(&mut *tx).await?;
        let post_id: i64 = sqlx::query_scalar(POST).bind(thread_id).bind(new.author_user_id).bind(new.body_markdown)
            .bind(new.is_staff).bind(new.at).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok((thread_id, post_id))
    })
}

/// Adds a reply; returns its id. `Conflict` when the thread is locked, `NotFound` when it
/// does not exist.
pub async fn add_post(
    db: &Db,
    thread_id: i64,
    author_user_id: i64,
    body_markdown: &str,
    is_staff: bool,
    at: DateTime<Utc>,
) -> Result<i64, DataError> {
    const STATE: &str = "SELECT state FROM forum_threads WHERE id = $1";
    const POST: &str = "INSERT INTO forum_posts (thread_id, author_user_id, body_markdown, is_staff, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
    const BUMP: &str =
        "UPDATE forum_threads SET post_count = post_count + 1, last_post_at = $2 WHERE id = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let state: String = sqlx::query_scalar(STATE).bind(thread_id).fetch_optional(&mut *tx).await?
            .ok_or(DataError::NotFound)?;
        if state == "locked" {
            return Err(DataError::Conflict("This thread is locked; it takes no new replies.".into()));
        }
        let post_id: i64 = sqlx::query_scalar(POST).bind(thread_id).bind(author_user_id).bind(body_markdown)
            .bind(is_staff).bind(at).fetch_one(&mut *tx).await?;
        sqlx::query(BUMP).bind(thread_id).bind(at).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(post_id)
    })
}

/// Adds the reaction, or takes it back when the user had already given it. Returns whether
/// the reaction is now given. Hidden posts cannot be reacted to.
pub async fn toggle_reaction(
    db: &Db,
    post_id: i64,
    user_id: i64,
    kind: &str,
    at: DateTime<Utc>,
) -> Result<bool, DataError> {
    const VISIBLE: &str = "SELECT 1 FROM forum_posts WHERE id = $1 AND hidden = FALSE";
    const REMOVE: &str =
        "DELETE FROM forum_reactions WHERE post_id = $1 AND user_id = $2 AND kind = $3";
    const ADD: &str = "INSERT INTO forum_reactions (post_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query_scalar::<_, i32>(VISIBLE).bind(post_id).fetch_optional(&mut *tx).await?
            .ok_or(DataError::NotFound)?;
        let removed = sqlx::query(REMOVE).bind(post_id).bind(user_id).bind(kind).execute(&mut *tx).await?.rows_affected();
        if removed == 0 {
            sqlx::query(ADD).bind(post_id).bind(user_id).bind(kind).bind(at).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(removed == 0)
    })
}

/// Who may accept an answer in a thread.
pub enum Acceptor {
    Staff,
    User(i64),
}

/// Marks `post_id` as the thread's accepted answer and the thread as solved.
/// `NotFound` unless the post is a visible reply in that thread; `Conflict` when the caller
/// is neither the thread's author nor staff, or the thread is locked.
pub async fn accept_answer(
    db: &Db,
    thread_id: i64,
    post_id: i64,
    by: Acceptor,
) -> Result<(), DataError> {
    const THREAD: &str = "SELECT author_user_id, state FROM forum_threads WHERE id = $1";
    const POST: &str =
        "SELECT 1 FROM forum_posts WHERE id = $1 AND thread_id = $2 AND hidden = FALSE \
         AND id <> (SELECT MIN(id) FROM forum_posts WHERE thread_id = $2)";
    const ACCEPT: &str =
        "UPDATE forum_threads SET accepted_post_id = $2, state = 'solved' WHERE id = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (author, state): (Option<i64>, String) = sqlx::query_as(THREAD).bind(thread_id)
            .fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        if let Acceptor::User(user_id) = by {
            if author != Some(user_id) {
                return Err(DataError::Conflict("Only the person who asked, or staff, can accept an answer.".into()));
            }
        }
        if state == "locked" {
            return Err(DataError::Conflict("This thread is locked.".into()));
        }
        sqlx::query_scalar::<_, i32>(POST).bind(post_id).bind(thread_id).fetch_optional(&mut *tx).await?
            .ok_or(DataError::NotFound)?;
        sqlx::query(ACCEPT).bind(thread_id).bind(post_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// Records a member's flag on a post (once per member and post).
pub async fn flag_post(
    db: &Db,
    post_id: i64,
    user_id: i64,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<(), DataError> {
    const SQL: &str = "INSERT INTO forum_flags (post_id, user_id, reason, created_at) \
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM forum_posts WHERE id = $1) \
         ON CONFLICT (post_id, user_id) DO NOTHING";
    let inserted = on_pool!(db, pool => sqlx::query(SQL).bind(post_id).bind(user_id).bind(reason).bind(at)
        .execute(pool).await.map(|done| done.rows_affected()))?;
    if inserted == 0 && !post_exists(db, post_id).await? {
        return Err(DataError::NotFound);
    }
    Ok(())
}

async fn post_exists(db: &Db, post_id: i64) -> Result<bool, DataError> {
    const SQL: &str = "SELECT COUNT(*) FROM forum_posts WHERE id = $1";
    let n: i64 = on_pool!(db, pool => sqlx::query_scalar(SQL).bind(post_id).fetch_one(pool).await)?;
    Ok(n > 0)
}

/// Staff hide or restore a post; hiding resolves its open flags. Returns the post's thread.
pub async fn set_post_hidden(
    db: &Db,
    post_id: i64,
    hidden: bool,
    at: DateTime<Utc>,
) -> Result<i64, DataError> {
    const HIDE: &str = "UPDATE forum_posts SET hidden = $2 WHERE id = $1 RETURNING thread_id";
    const RESOLVE: &str =
        "UPDATE forum_flags SET resolved_at = $2 WHERE post_id = $1 AND resolved_at IS NULL";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let thread_id: i64 = sqlx::query_scalar(HIDE).bind(post_id).bind(hidden)
            .fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        if hidden {
            sqlx::query(RESOLVE).bind(post_id).bind(at).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(thread_id)
    })
}

/// Staff lock or reopen a thread, pin or unpin it, or move it to another category.
pub enum ThreadChange<'a> {
    Lock,
    Unlock,
    Pin(bool),
    MoveTo(&'a str),
}

pub async fn change_thread(
    db: &Db,
    thread_id: i64,
    change: ThreadChange<'_>,
) -> Result<(), DataError> {
    const LOCK: &str = "UPDATE forum_threads SET state = 'locked' WHERE id = $1";
    const UNLOCK: &str = "UPDATE forum_threads SET state = CASE WHEN accepted_post_id IS NULL THEN 'open' ELSE 'solved' END WHERE id = $1";
    const PIN: &str = "UPDATE forum_threads SET pinned = $2 WHERE id = $1";
    const MOVE: &str =
        "UPDATE forum_threads SET category_id = (SELECT id FROM forum_categories WHERE slug = $2) \
         WHERE id = $1 AND EXISTS (SELECT 1 FROM forum_categories WHERE slug = $2)";
    let changed = on_pool!(db, pool => match change {
        ThreadChange::Lock => sqlx::query(LOCK).bind(thread_id).execute(pool).await,
        ThreadChange::Unlock => sqlx::query(UNLOCK).bind(thread_id).execute(pool).await,
        ThreadChange::Pin(pinned) => sqlx::query(PIN).bind(thread_id).bind(pinned).execute(pool).await,
        ThreadChange::MoveTo(slug) => sqlx::query(MOVE).bind(thread_id).bind(slug).execute(pool).await,
    }.map(|done| done.rows_affected()))?;
    if changed == 0 {
        return Err(DataError::NotFound);
    }
    Ok(())
}

/// Links a thread to the inbox conversation opened for it.
pub async fn link_conversation(
    db: &Db,
    thread_id: i64,
    conversation_id: i64,
) -> Result<(), DataError> {
    const SQL: &str = "UPDATE forum_threads SET conversation_id = $2 WHERE id = $1";
    on_pool!(db, pool => sqlx::query(SQL).bind(thread_id).bind(conversation_id).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// A thread's inbox conversation and the thread author's id.
pub async fn bridge_of_thread(
    db: &Db,
    thread_id: i64,
) -> Result<Option<(i64, Option<i64>)>, DataError> {
    const SQL: &str = "SELECT conversation_id, author_user_id FROM forum_threads WHERE id = $1 AND conversation_id IS NOT NULL";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, (i64, Option<i64>)>(SQL).bind(thread_id).fetch_optional(pool).await)?,
    )
}

/// The thread a forum conversation came from.
pub async fn thread_of_conversation(
    db: &Db,
    conversation_id: i64,
) -> Result<Option<i64>, DataError> {
    const SQL: &str = "SELECT id FROM forum_threads WHERE conversation_id = $1";
    Ok(
        on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL).bind(conversation_id).fetch_optional(pool).await)?,
    )
}
