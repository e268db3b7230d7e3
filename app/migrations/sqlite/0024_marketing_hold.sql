-- Respect the customer's current feelings (issue 22): marketing mail (story digests, consent
-- requests) waits in the outbox while the customer has a recovery journey in progress or a
-- conversation at high emotional risk, with the reason as its note, and goes out when that
-- ends. Recovery and service mail (replies, journey steps, rating requests) always goes out.
-- Lock-step with ../postgres/0024_marketing_hold.sql.
ALTER TABLE outbox_messages ADD COLUMN purpose TEXT NOT NULL DEFAULT 'service' CHECK (purpose IN ('service', 'marketing'));
CREATE INDEX outbox_marketing_pending ON outbox_messages(customer_id) WHERE delivery = 'pending' AND purpose = 'marketing';
