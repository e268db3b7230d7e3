-- Every reply an agent writes goes out on its conversation's channel, and the message keeps
-- its delivery state: email through the outbox and the mail worker, a forum reply by its
-- post in the thread, chat/social/SMS/phone as the `message.outbound` webhook to the
-- integrator, which reports back delivered or failed (`POST /api/v1/messages/{id}/delivery`).
-- NULL for messages Rapport does not deliver (inbound ones, and outbound ones an integration
-- reported after sending them itself).
-- Lock-step with ../sqlite/0021_reply_delivery.sql.
ALTER TABLE messages ADD COLUMN delivery TEXT CHECK (delivery IN ('queued', 'sent', 'delivered', 'failed'));
ALTER TABLE messages ADD COLUMN delivery_note TEXT;
ALTER TABLE messages ADD COLUMN delivery_at TIMESTAMPTZ;
ALTER TABLE outbox_messages ADD COLUMN message_id BIGINT REFERENCES messages(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX outbox_by_message ON outbox_messages(message_id) WHERE message_id IS NOT NULL;
ALTER TABLE webhook_deliveries ADD COLUMN message_id BIGINT REFERENCES messages(id) ON DELETE CASCADE;
CREATE INDEX webhook_deliveries_by_message ON webhook_deliveries(message_id) WHERE message_id IS NOT NULL;
