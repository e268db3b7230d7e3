-- Gratitude quotes may also come from a positive CSAT comment; ripple follows readers onward
-- (from a story to the forum or search) and into sign-up.
-- Lock-step with ../postgres/0018_quote_sources_and_onward.sql.
ALTER TABLE gratitude_quotes ADD COLUMN csat_event_id INTEGER REFERENCES customer_events(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX quotes_by_csat_event ON gratitude_quotes(csat_event_id) WHERE csat_event_id IS NOT NULL;
CREATE INDEX customer_events_csat_comments ON customer_events(kind, occurred_at) WHERE kind = 'csat' AND note IS NOT NULL;

-- SQLite cannot widen a CHECK constraint in place: the table is rebuilt with its rows.
CREATE TABLE story_views_new (
    id          INTEGER PRIMARY KEY,
    story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('impression', 'dwell', 'click', 'digest', 'onward', 'signup')),
    dwell_ms    INTEGER,
    at          TEXT    NOT NULL
);
INSERT INTO story_views_new (id, story_id, customer_id, kind, dwell_ms, at) SELECT id, story_id, customer_id, kind, dwell_ms, at FROM story_views;
DROP TABLE story_views;
ALTER TABLE story_views_new RENAME TO story_views;
CREATE INDEX story_views_by_story ON story_views(story_id, kind);
CREATE INDEX story_views_by_customer ON story_views(customer_id, at) WHERE customer_id IS NOT NULL;
