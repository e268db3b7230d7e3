-- Satisfaction after resolution (issue 22): resolving with a rating request sends the question
-- on the conversation's channel with five one-click links. Each link names this row by a
-- signed token; a click records the rating (a `csat` event, like ratings from the API), which
-- can be changed for 7 days; links expire after 30 days. One request per resolution.
-- Lock-step with ../sqlite/0023_rating_links.sql.
CREATE TABLE rating_requests (
    id              BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    customer_id     BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    message_id      BIGINT REFERENCES messages(id) ON DELETE SET NULL,
    resolved_at     TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    event_id        BIGINT REFERENCES customer_events(id) ON DELETE SET NULL,
    score           BIGINT CHECK (score BETWEEN 1 AND 5),
    comment         TEXT,
    rated_at        TIMESTAMPTZ,
    UNIQUE (conversation_id, resolved_at)
);
