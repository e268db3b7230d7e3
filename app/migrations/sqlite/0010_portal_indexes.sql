-- Public forum lists read visible threads newest first (with the id as tie-breaker) and count
-- a category's visible threads: partial indexes in exactly that order, so each list is an index
-- walk that stops at its page, and each count reads only the index.
-- Lock-step with ../postgres/0010_portal_indexes.sql.
CREATE INDEX forum_threads_visible_latest ON forum_threads(last_post_at DESC, id DESC) WHERE held = FALSE;
CREATE INDEX forum_threads_visible_solved ON forum_threads(last_post_at DESC, id DESC) WHERE state = 'solved' AND held = FALSE;
CREATE INDEX forum_threads_visible_by_category ON forum_threads(category_id, pinned DESC, last_post_at DESC, id DESC) WHERE held = FALSE;
