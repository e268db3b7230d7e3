-- Forum activity: reactions, flags, and ranked word search over posts.
-- Lock-step with ../postgres/0006_forum_activity.sql.
CREATE TABLE forum_reactions (
    post_id    INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('helped', 'heart')),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (post_id, user_id, kind)
);

CREATE TABLE forum_flags (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    resolved_at TEXT,
    UNIQUE (post_id, user_id)
);
CREATE INDEX forum_flags_open ON forum_flags(created_at) WHERE resolved_at IS NULL;
CREATE INDEX forum_posts_by_author ON forum_posts(author_user_id, created_at);

-- A customer's question becomes a conversation in the agent inbox (channel forum).
ALTER TABLE forum_threads ADD COLUMN conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL;
CREATE INDEX forum_threads_by_conversation ON forum_threads(conversation_id);

-- One row per visible post (rowid = post id); the thread's title rides on its first post.
-- Ranking: a title word counts five times a body word.
CREATE VIRTUAL TABLE forum_search USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO forum_search (forum_search, rank) VALUES ('rank', 'bm25(5.0, 1.0)');

INSERT INTO forum_search (rowid, title, body)
SELECT p.id,
       CASE WHEN p.id = (SELECT MIN(first.id) FROM forum_posts first WHERE first.thread_id = p.thread_id) THEN t.title ELSE '' END,
       p.body_markdown
FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id
WHERE p.hidden = FALSE;

CREATE TRIGGER forum_search_insert AFTER INSERT ON forum_posts WHEN new.hidden = FALSE BEGIN
    INSERT INTO forum_search (rowid, title, body)
    SELECT new.id,
           CASE WHEN new.id = (SELECT MIN(id) FROM forum_posts WHERE thread_id = new.thread_id)
                THEN (SELECT title FROM forum_threads WHERE id = new.thread_id) ELSE '' END,
           new.body_markdown;
END;

CREATE TRIGGER forum_search_update AFTER UPDATE OF body_markdown, hidden, thread_id ON forum_posts BEGIN
    DELETE FROM forum_search WHERE rowid = old.id;
    INSERT INTO forum_search (rowid, title, body)
    SELECT new.id,
           CASE WHEN new.id = (SELECT MIN(id) FROM forum_posts WHERE thread_id = new.thread_id)
                THEN (SELECT title FROM forum_threads WHERE id = new.thread_id) ELSE '' END,
           new.body_markdown
    WHERE new.hidden = FALSE;
END;

CREATE TRIGGER forum_search_delete AFTER DELETE ON forum_posts BEGIN
    DELETE FROM forum_search WHERE rowid = old.id;
END;

CREATE TRIGGER forum_search_retitle AFTER UPDATE OF title ON forum_threads BEGIN
    UPDATE forum_search SET title = new.title
    WHERE rowid = (SELECT MIN(id) FROM forum_posts WHERE thread_id = new.id);
END;
