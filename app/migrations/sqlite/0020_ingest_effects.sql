-- What ingestion still has to do after it stored messages or an event: reassess the
-- conversation's risk, start a recovery journey, queue the `risk.raised` webhook, tell open
-- inboxes. A row is written in the same transaction as what caused it, so a crash right after
-- that commit loses none of it: the row stays until the work is done, and a worker takes over
-- rows whose owner did not finish by `due_at` (the owner's lease).
-- Lock-step with ../postgres/0020_ingest_effects.sql.
CREATE TABLE ingest_effects (
    id              INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a late finisher must not delete a newer row
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    -- 1 when new customer messages arrived (may start a journey and raise `risk.raised`).
    new_inbound     INTEGER NOT NULL CHECK (new_inbound IN (0, 1)),
    -- 1 for a bad rating: a journey starts whatever the risk.
    journey_always  INTEGER NOT NULL DEFAULT 0 CHECK (journey_always IN (0, 1)),
    cause           TEXT    NOT NULL CHECK (cause IN ('messages', 'event')),
    recorded_at     TEXT    NOT NULL,
    due_at          TEXT    NOT NULL
);
CREATE INDEX ingest_effects_due ON ingest_effects(due_at);
CREATE INDEX ingest_effects_by_conversation ON ingest_effects(conversation_id);
