-- What the tone check said about an agent's reply, for coaching: the flags the agent saw
-- while writing (from the browser) and those still in the text when it was sent (from the
-- server's own check). Space-separated keys; NULL on replies from before this migration.
-- Lock-step with ../postgres/0015_reply_tone.sql.
ALTER TABLE messages ADD COLUMN tone_flags_seen TEXT;
ALTER TABLE messages ADD COLUMN tone_flags_sent TEXT;
CREATE INDEX messages_by_author_user ON messages(author_user_id, created_at) WHERE author_user_id IS NOT NULL;
-- The KPIs' comparison group asks, per customer, whether they ever had a journey: without
-- this index that is a scan of all journeys per customer (18 s at 100k customers).
CREATE INDEX journeys_by_customer ON journeys(customer_id);
