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

/// How many of a new member's first posts wait for a moderator (0: none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HoldFirstPosts(pub u32);

/// Where a new post went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posted {
    pub post_id: i64,
    /// Waiting for a moderator: only its author and moderators see it.
    pub held: bool,
}

const INSERT_POST: &str = "INSERT INTO forum_posts (thread_id, author_user_id, body_markdown, is_staff, created_at, hidden, held) \
     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";

/// Whether the author's post must wait for approval: staff never wait; members wait until
/// `hold` of their posts have been published.
macro_rules! must_hold {
    ($tx:expr, $author:expr, $is_staff:expr, $hold:expr) => {{
        const PUBLISHED: &str = "SELECT COUNT(*) FROM forum_posts WHERE author_user_id = $1 AND held = FALSE AND hidden = FALSE";
        if $is_staff || $hold.0 == 0 {
            false
        } else {
            let published: i64 = sqlx::query_scalar(PUBLISHED).bind($author).fetch_one(&mut *$tx).await?;
            published < i64::from($hold.0)
        }
    }};
}

/// Opens a thread with its first post; returns the thread's id and where the post went (a
/// held first post holds its thread too).
pub async fn create_thread(db: &Db, new: &NewThreadPost<'_>, hold: HoldFirstPosts) -> Result<(i64, Posted), DataError> {
    const THREAD: &str =
        "INSERT INTO forum_threads (category_id, author_user_id, title, kind, state, pinned, post_count, created_at, last_post_at, held) \
         VALUES ($1, $2, $3, $4, 'open', FALSE, 1, $5, $5, $6) RETURNING id";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let held = must_hold!(tx, new.author_user_id, new.is_staff, hold);
        let thread_id: i64 = sqlx::query_scalar(THREAD)
            .bind(new.category_id).bind(new.author_user_id).bind(new.title).bind(new.kind).bind(new.at).bind(held)
            .fetch_one(&mut *tx).await?;
        let post_id: i64 = sqlx::query_scalar(INSERT_POST).bind(thread_id).bind(new.author_user_id).bind(new.body_markdown)
            .bind(new.is_staff).bind(new.at).bind(held).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok((thread_id, Posted { post_id, held }))
    })
}

/// Counts a published reply on its thread.
const BUMP: &str = "UPDATE forum_threads SET post_count = post_count + 1, \
     last_post_at = CASE WHEN last_post_at < $2 THEN $2 ELSE last_post_at END WHERE id = $1";

/// Adds a reply. `Conflict` when the thread is locked, `NotFound` when it does not exist
/// (or is held and the author is not its own author). A held reply is not counted on the
/// thread until it is approved.
pub async fn add_post(
    db: &Db,
    thread_id: i64,
    author_user_id: i64,
    body_markdown: &str,
    is_staff: bool,
    at: DateTime<Utc>,
    hold: HoldFirstPosts,
) -> Result<Posted, DataError> {
    const STATE: &str = "SELECT state, held, author_user_id FROM forum_threads WHERE id = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (state, thread_held, thread_author): (String, bool, Option<i64>) = sqlx::query_as(STATE)
            .bind(thread_id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        if thread_held && !is_staff && thread_author != Some(author_user_id) {
            return Err(DataError::NotFound);
        }
        if state == "locked" {
            return Err(DataError::Conflict("This thread is locked; it takes no new replies.".into()));
        }
        let held = must_hold!(tx, author_user_id, is_staff, hold);
        let post_id: i64 = sqlx::query_scalar(INSERT_POST).bind(thread_id).bind(author_user_id).bind(body_markdown)
            .bind(is_staff).bind(at).bind(held).fetch_one(&mut *tx).await?;
        if !held {
            sqlx::query(BUMP).bind(thread_id).bind(at).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Posted { post_id, held })
    })
}

/// A moderator publishes a held post (and the thread it opened). Returns its thread.
/// `NotFound` when the post is not waiting for approval.
pub async fn approve_post(db: &Db, post_id: i64) -> Result<i64, DataError> {
    const PUBLISH: &str = "UPDATE forum_posts SET held = FALSE, hidden = FALSE WHERE id = $1 AND held = TRUE \
         RETURNING thread_id, created_at";
    const OPENS: &str = "UPDATE forum_threads SET held = FALSE WHERE id = $1 AND held = TRUE";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (thread_id, created_at): (i64, DateTime<Utc>) = sqlx::query_as(PUBLISH).bind(post_id)
            .fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        let opened = sqlx::query(OPENS).bind(thread_id).execute(&mut *tx).await?.rows_affected() > 0;
        if !opened {
            sqlx::query(BUMP).bind(thread_id).bind(created_at).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(thread_id)
    })
}

/// A moderator turns a held post down: it stays hidden (a thread it opened stays invisible)
/// and leaves the queue. Returns its thread. `NotFound` when it is not waiting.
pub async fn reject_post(db: &Db, post_id: i64) -> Result<i64, DataError> {
    const SQL: &str = "UPDATE forum_posts SET held = FALSE WHERE id = $1 AND held = TRUE RETURNING thread_id";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL).bind(post_id).fetch_optional(pool).await)?.ok_or(DataError::NotFound)
}

/// A moderator finds a post's flags unfounded: they are resolved and the post stays.
pub async fn dismiss_flags(db: &Db, post_id: i64, at: DateTime<Utc>) -> Result<(), DataError> {
    const SQL: &str = "UPDATE forum_flags SET resolved_at = $2 WHERE post_id = $1 AND resolved_at IS NULL";
    let _turn = db.write_turn().await;
    let resolved = on_pool!(db, pool => sqlx::query(SQL).bind(post_id).bind(at).execute(pool).await.map(|done| done.rows_affected()))?;
    if resolved == 0 {
        return Err(DataError::NotFound);
    }
    Ok(())
}

/// Adds the reaction, or takes it back when the user had already given it. Returns whether
/// the reaction is now given. Hidden posts cannot be reacted to.
pub async fn toggle_reaction(db: &Db, post_id: i64, user_id: i64, kind: &str, at: DateTime<Utc>) -> Result<bool, DataError> {
    const VISIBLE: &str = "SELECT 1 FROM forum_posts WHERE id = $1 AND hidden = FALSE";
    const REMOVE: &str = "DELETE FROM forum_reactions WHERE post_id = $1 AND user_id = $2 AND kind = $3";
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
pub async fn accept_answer(db: &Db, thread_id: i64, post_id: i64, by: Acceptor) -> Result<(), DataError> {
    const THREAD: &str = "SELECT author_user_id, state FROM forum_threads WHERE id = $1";
    const POST: &str = "SELECT 1 FROM forum_posts WHERE id = $1 AND thread_id = $2 AND hidden = FALSE \
         AND id <> (SELECT MIN(id) FROM forum_posts WHERE thread_id = $2)";
    const ACCEPT: &str = "UPDATE forum_threads SET accepted_post_id = $2, state = 'solved' WHERE id = $1";
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

/// Records a member's flag on a post (once per member and post). Only a post the forum shows
/// can be flagged: `Refused` for a hidden one (hidden by a moderator, held for approval or
/// turned down), `NotFound` when there is no such post.
pub async fn flag_post(db: &Db, post_id: i64, user_id: i64, reason: &str, at: DateTime<Utc>) -> Result<(), DataError> {
    const SQL: &str = "INSERT INTO forum_flags (post_id, user_id, reason, created_at) \
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM forum_posts WHERE id = $1 AND hidden = FALSE) \
         ON CONFLICT (post_id, user_id) DO NOTHING";
    let inserted = on_pool!(db, pool => sqlx::query(SQL).bind(post_id).bind(user_id).bind(reason).bind(at)
        .execute(pool).await.map(|done| done.rows_affected()))?;
    if inserted == 0 {
        match post_hidden(db, post_id).await? {
            None => return Err(DataError::NotFound),
            Some(true) => return Err(DataError::Refused("This post is not shown in the forum, so it cannot be flagged.".into())),
            // Flagged by this member before: the flag stands once.
            Some(false) => {}
        }
    }
    Ok(())
}

/// Whether the post is hidden; `None` when it does not exist.
async fn post_hidden(db: &Db, post_id: i64) -> Result<Option<bool>, DataError> {
    const SQL: &str = "SELECT hidden FROM forum_posts WHERE id = $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar(SQL).bind(post_id).fetch_optional(pool).await)?)
}

/// Staff hide or restore a post; hiding resolves its open flags. Returns the post's thread.
pub async fn set_post_hidden(db: &Db, post_id: i64, hidden: bool, at: DateTime<Utc>) -> Result<i64, DataError> {
    // Held posts are decided in the moderation queue (approve / reject), not here.
    const HIDE: &str = "UPDATE forum_posts SET hidden = $2 WHERE id = $1 AND held = FALSE RETURNING thread_id";
    const RESOLVE: &str = "UPDATE forum_flags SET resolved_at = $2 WHERE post_id = $1 AND resolved_at IS NULL";
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

pub async fn change_thread(db: &Db, thread_id: i64, change: ThreadChange<'_>) -> Result<(), DataError> {
    const LOCK: &str = "UPDATE forum_threads SET state = 'locked' WHERE id = $1";
    const UNLOCK: &str = "UPDATE forum_threads SET state = CASE WHEN accepted_post_id IS NULL THEN 'open' ELSE 'solved' END WHERE id = $1";
    const PIN: &str = "UPDATE forum_threads SET pinned = $2 WHERE id = $1";
    const MOVE: &str = "UPDATE forum_threads SET category_id = (SELECT id FROM forum_categories WHERE slug = $2) \
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
pub async fn link_conversation(db: &Db, thread_id: i64, conversation_id: i64) -> Result<(), DataError> {
    const SQL: &str = "UPDATE forum_threads SET conversation_id = $2 WHERE id = $1";
    on_pool!(db, pool => sqlx::query(SQL).bind(thread_id).bind(conversation_id).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// A thread's inbox conversation and the thread author's id.
pub async fn bridge_of_thread(db: &Db, thread_id: i64) -> Result<Option<(i64, Option<i64>)>, DataError> {
    const SQL: &str = "SELECT conversation_id, author_user_id FROM forum_threads WHERE id = $1 AND conversation_id IS NOT NULL";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, (i64, Option<i64>)>(SQL).bind(thread_id).fetch_optional(pool).await)?)
}
