-- Journey templates edited in the UI: one of them is the default (used when a journey starts
-- by itself); while none is, the built-in template applies.
-- Lock-step with ../postgres/0014_journey_template_default.sql.
ALTER TABLE journey_templates ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1));
CREATE UNIQUE INDEX journey_templates_one_default ON journey_templates(is_default) WHERE is_default = 1;
-- The situation the journey was started for (a conversation's situation changes as the
-- customer writes: a happy reply turns it into "praise"); the KPIs group by this one.
ALTER TABLE journeys ADD COLUMN situation TEXT;
