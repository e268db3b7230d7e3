-- Real mail delivery from the outbox: a subject per message, and attempts with back-off.
-- A pending row is due when next_attempt_at has passed; a worker claims it by moving
-- next_attempt_at to the end of its lease, so several servers never send it at once.
-- Lock-step with ../sqlite/0013_mail_delivery.sql.
ALTER TABLE outbox_messages ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox_messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_messages ADD COLUMN next_attempt_at TIMESTAMPTZ;
UPDATE outbox_messages SET next_attempt_at = created_at WHERE delivery = 'pending';
CREATE INDEX outbox_by_delivery ON outbox_messages(delivery, created_at);
