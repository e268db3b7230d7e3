-- The inbox reads active conversations in risk order and counts them per filter value.
-- Both indexes cover only active conversations; the first matches the inbox ORDER BY exactly,
-- the second covers the facet counts (GROUP BY in index order). Same in both dialects.
DROP INDEX conversations_inbox;
CREATE INDEX conversations_inbox_order ON conversations (risk_score DESC, (waiting_since IS NULL), waiting_since, id)
    WHERE status IN ('open', 'pending');
CREATE INDEX conversations_inbox_facets ON conversations (risk_level, channel, situation, assignee_id, status)
    WHERE status IN ('open', 'pending');
