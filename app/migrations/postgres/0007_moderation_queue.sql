-- Holding new members' first posts for approval, and the moderation queue that lists them.
-- A held post is hidden until a moderator approves it; a thread opened by a held post is
-- held with it (invisible in lists, search and the sitemap). Lock-step with ../sqlite/0007_moderation_queue.sql.
ALTER TABLE forum_posts ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE forum_threads ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX forum_posts_held ON forum_posts(created_at) WHERE held = TRUE;
