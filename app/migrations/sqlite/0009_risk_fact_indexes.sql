-- Risk facts read a customer's latest inbound messages (they are the author) and count the
-- conversations they opened recently; both walk an index instead of the customer's history.
-- Lock-step with ../postgres/0009_risk_fact_indexes.sql.
CREATE INDEX messages_by_customer ON messages(author_customer_id, created_at, id);
CREATE INDEX conversations_by_customer_opened ON conversations(customer_id, created_at);
