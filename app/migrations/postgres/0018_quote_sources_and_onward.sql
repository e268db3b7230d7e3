-- Gratitude quotes may also come from a positive CSAT comment; ripple follows readers onward
-- (from a story to the forum or search) and into sign-up.
-- Lock-step with ../sqlite/0018_quote_sources_and_onward.sql.
ALTER TABLE gratitude_quotes ADD COLUMN csat_event_id BIGINT REFERENCES customer_events(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX quotes_by_csat_event ON gratitude_quotes(csat_event_id) WHERE csat_event_id IS NOT NULL;
CREATE INDEX customer_events_csat_comments ON customer_events(kind, occurred_at) WHERE kind = 'csat' AND note IS NOT NULL;

ALTER TABLE story_views DROP CONSTRAINT story_views_kind_check;
ALTER TABLE story_views ADD CONSTRAINT story_views_kind_check CHECK (kind IN ('impression', 'dwell', 'click', 'digest', 'onward', 'signup'));
