-- The portal's happiness strip reads recent conversations and recent CSAT answers.
-- Lock-step with ../postgres/0008_happiness_strip.sql.
CREATE INDEX conversations_by_created ON conversations(created_at);
CREATE INDEX customer_events_by_kind ON customer_events(kind, occurred_at);
