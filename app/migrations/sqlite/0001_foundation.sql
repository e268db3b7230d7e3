-- Rapport schema, SQLite dialect. Kept in lock-step with ../postgres/0001_foundation.sql.
-- Timestamps are UTC, written by the application as RFC 3339 text.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('customer', 'agent', 'marketing', 'admin')),
    created_at    TEXT    NOT NULL
);

CREATE TABLE sessions (
    id_hash      TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    user_agent   TEXT
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    token_hash   TEXT    NOT NULL UNIQUE,
    token_prefix TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER UNIQUE REFERENCES users(id) ON DELETE SET NULL,
    external_ref TEXT    UNIQUE,
    name         TEXT    NOT NULL,
    email        TEXT,
    plan         TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX customers_by_email ON customers(email);

CREATE TABLE conversations (
    id                 INTEGER PRIMARY KEY,
    customer_id        INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    subject            TEXT    NOT NULL,
    channel            TEXT    NOT NULL CHECK (channel IN ('email', 'chat', 'social', 'phone', 'forum')),
    status             TEXT    NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    priority           TEXT    NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    assignee_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    situation          TEXT,
    risk_score         INTEGER NOT NULL DEFAULT 0 CHECK (risk_score BETWEEN 0 AND 100),
    waiting_since      TEXT,
    last_message_at    TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    resolved_at        TEXT,
    resolution_summary TEXT
);
CREATE INDEX conversations_inbox ON conversations(status, risk_score DESC, waiting_since);
CREATE INDEX conversations_by_customer ON conversations(customer_id, last_message_at);

CREATE TABLE messages (
    id                 INTEGER PRIMARY KEY,
    conversation_id    INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    direction          TEXT    NOT NULL CHECK (direction IN ('inbound', 'outbound', 'note')),
    author_user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    body               TEXT    NOT NULL,
    sentiment          REAL,
    idempotency_key    TEXT    UNIQUE,
    created_at         TEXT    NOT NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at);

CREATE TABLE customer_events (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('purchase', 'cancellation', 'return_visit', 'csat')),
    value           REAL,
    note            TEXT,
    idempotency_key TEXT    UNIQUE,
    occurred_at     TEXT    NOT NULL
);
CREATE INDEX customer_events_by_customer ON customer_events(customer_id, occurred_at);

CREATE TABLE forum_categories (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    position    INTEGER NOT NULL
);

CREATE TABLE forum_threads (
    id               INTEGER PRIMARY KEY,
    category_id      INTEGER NOT NULL REFERENCES forum_categories(id),
    author_user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    title            TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('question', 'discussion', 'experience')),
    state            TEXT    NOT NULL CHECK (state IN ('open', 'solved', 'locked')),
    pinned           BOOLEAN NOT NULL DEFAULT FALSE,
    accepted_post_id INTEGER,
    post_count       INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT    NOT NULL,
    last_post_at     TEXT    NOT NULL
);
CREATE INDEX forum_threads_by_category ON forum_threads(category_id, pinned DESC, last_post_at DESC);
CREATE INDEX forum_threads_latest ON forum_threads(last_post_at DESC);

CREATE TABLE forum_posts (
    id             INTEGER PRIMARY KEY,
    thread_id      INTEGER NOT NULL REFERENCES forum_threads(id) ON DELETE CASCADE,
    author_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    body_markdown  TEXT    NOT NULL,
    is_staff       BOOLEAN NOT NULL DEFAULT FALSE,
    hidden         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT    NOT NULL,
    edited_at      TEXT
);
CREATE INDEX forum_posts_by_thread ON forum_posts(thread_id, created_at);

CREATE TABLE stories (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    title           TEXT    NOT NULL,
    narrative       TEXT    NOT NULL,
    naming          TEXT    NOT NULL CHECK (naming IN ('full_name', 'first_name_initial', 'anonymous')),
    version         INTEGER NOT NULL DEFAULT 1,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'awaiting_consent', 'published', 'withdrawn')),
    featured        BOOLEAN NOT NULL DEFAULT FALSE,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    published_at    TEXT
);
CREATE INDEX stories_published ON stories(status, published_at);

CREATE TABLE gratitude_quotes (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    message_id   INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    quote        TEXT    NOT NULL,
    naming       TEXT    NOT NULL CHECK (naming IN ('full_name', 'first_name_initial', 'anonymous')),
    version      INTEGER NOT NULL DEFAULT 1,
    status       TEXT    NOT NULL CHECK (status IN ('proposed', 'awaiting_consent', 'published', 'withdrawn')),
    created_at   TEXT    NOT NULL,
    published_at TEXT
);

CREATE TABLE consent_records (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    subject_kind    TEXT    NOT NULL CHECK (subject_kind IN ('story', 'quote', 'digest')),
    subject_id      INTEGER,
    subject_version INTEGER,
    decision        TEXT    NOT NULL CHECK (decision IN ('requested', 'granted', 'declined', 'withdrawn')),
    channel         TEXT    NOT NULL,
    text_shown      TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL
);
CREATE INDEX consent_by_subject ON consent_records(subject_kind, subject_id, recorded_at);

CREATE TABLE journey_templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

CREATE TABLE journey_template_steps (
    id            INTEGER PRIMARY KEY,
    template_id   INTEGER NOT NULL REFERENCES journey_templates(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    delay_hours   INTEGER NOT NULL CHECK (delay_hours >= 0),
    channel       TEXT    NOT NULL,
    body_template TEXT    NOT NULL,
    UNIQUE (template_id, position)
);

CREATE TABLE journeys (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    template_id     INTEGER REFERENCES journey_templates(id) ON DELETE SET NULL,
    issue_key       TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('active', 'paused', 'healed', 'stalled', 'churned')),
    started_at      TEXT    NOT NULL,
    ended_at        TEXT,
    end_evidence    TEXT
);
-- The invariant "one active journey per customer and issue" lives here, not in the UI.
CREATE UNIQUE INDEX journeys_one_active ON journeys(customer_id, issue_key) WHERE state IN ('active', 'paused');

CREATE TABLE journey_steps (
    id         INTEGER PRIMARY KEY,
    journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    channel    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    due_at     TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('scheduled', 'sent', 'skipped', 'paused')),
    sent_at    TEXT,
    UNIQUE (journey_id, position)
);
CREATE INDEX journey_steps_due ON journey_steps(status, due_at);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    actor_user_id INTEGER,
    actor_label   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    detail        TEXT    NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
