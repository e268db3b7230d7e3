-- The conversation page's journey panel looks up the latest journey of one conversation;
-- without this index that is a scan of every journey.
-- Lock-step with ../sqlite/0019_conversation_page_indexes.sql.
CREATE INDEX journeys_by_conversation ON journeys(conversation_id, started_at DESC, id DESC);
