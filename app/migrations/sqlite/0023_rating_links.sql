-- Satisfaction after resolution (issue 22): resolving with a rating request sends the question
-- on the conversation's channel with five one-click links. Each link names this row by a
-- signed token; a click records the rating (a `csat` event, like ratings from the API), which
-- can be changed for 7 days; links expire after 30 days. One request per resolution.
-- Lock-step with ../postgres/0023_rating_links.sql.
CREATE TABLE rating_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    customer_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    message_id      INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    resolved_at     TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    expires_at      TEXT    NOT NULL,
    event_id        INTEGER REFERENCES customer_events(id) ON DELETE SET NULL,
    score           INTEGER CHECK (score BETWEEN 1 AND 5),
    comment         TEXT,
    rated_at        TEXT,
    UNIQUE (conversation_id, resolved_at)
);
