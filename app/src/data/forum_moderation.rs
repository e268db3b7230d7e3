//! The moderation queue: posts held for approval and posts with open flags.

use super::{on_pool, DataError, Db};
use crate::domain::community::model::{FlagView, FlaggedPost, HeldPost, ModerationQueue};

/// Posts per queue section; the oldest come first, so nothing waits forever unseen.
const QUEUE_LIMIT: i64 = 100;

pub async fn queue(db: &Db) -> Result<ModerationQueue, DataError> {
    const HELD: &str = "SELECT p.id AS post_id, t.id AS thread_id, t.title AS thread_title, \
         (t.held = TRUE AND p.id = (SELECT MIN(first.id) FROM forum_posts first WHERE first.thread_id = t.id)) AS opens_thread, \
         p.author_user_id AS author_id, u.display_name AS author_name, p.body_markdown, p.created_at \
         FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id LEFT JOIN users u ON u.id = p.author_user_id \
         WHERE p.held = TRUE ORDER BY p.created_at, p.id LIMIT $1";
    const FLAGGED: &str = "SELECT p.id AS post_id, t.id AS thread_id, t.title AS thread_title, u.display_name AS author_name, \
         p.body_markdown, p.hidden, f.first_flagged_at \
         FROM (SELECT post_id, MIN(created_at) AS first_flagged_at FROM forum_flags WHERE resolved_at IS NULL GROUP BY post_id) f \
         JOIN forum_posts p ON p.id = f.post_id JOIN forum_threads t ON t.id = p.thread_id \
         LEFT JOIN users u ON u.id = p.author_user_id \
         ORDER BY f.first_flagged_at, p.id LIMIT $1";
    const FLAGS: &str = "SELECT f.post_id, u.display_name AS flagged_by, f.reason, f.created_at \
         FROM forum_flags f LEFT JOIN users u ON u.id = f.user_id \
         WHERE f.resolved_at IS NULL AND f.post_id IN (SELECT post_id FROM \
             (SELECT post_id, MIN(created_at) AS first_flagged_at FROM forum_flags WHERE resolved_at IS NULL \
              GROUP BY post_id ORDER BY first_flagged_at, post_id LIMIT $1) listed) \
         ORDER BY f.created_at, f.id";
    let (held, mut flagged, flags) = on_pool!(db, pool => {
        let held = sqlx::query_as::<_, HeldPost>(HELD).bind(QUEUE_LIMIT).fetch_all(pool).await?;
        let flagged = sqlx::query_as::<_, FlaggedPost>(FLAGGED).bind(QUEUE_LIMIT).fetch_all(pool).await?;
        let flags = sqlx::query_as::<_, FlagView>(FLAGS).bind(QUEUE_LIMIT).fetch_all(pool).await?;
        (held, flagged, flags)
    });
    for flag in flags {
        if let Some(post) = flagged.iter_mut().find(|p| p.post_id == flag.post_id) {
            post.flags.push(flag);
        }
    }
    Ok(ModerationQueue { held, flagged })
}
