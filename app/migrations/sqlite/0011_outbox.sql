-- Messages Rapport sends to customers (journey steps first). A row is written in the same
-- transaction that marks its source as sent, and its key is unique: a step reaches the
-- outbox exactly once, even with several workers or after a crash.
-- Lock-step with ../postgres/0011_outbox.sql.
CREATE TABLE outbox_messages (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    customer_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    journey_id      INTEGER REFERENCES journeys(id) ON DELETE SET NULL,
    channel         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    delivery        TEXT    NOT NULL CHECK (delivery IN ('pending', 'sent', 'not_sent')),
    delivery_note   TEXT,
    delivered_at    TEXT
);
CREATE INDEX outbox_by_customer ON outbox_messages(customer_id, created_at);
CREATE INDEX outbox_pending ON outbox_messages(created_at) WHERE delivery = 'pending';
CREATE INDEX journey_steps_due_by_time ON journey_steps(due_at) WHERE status = 'scheduled';
