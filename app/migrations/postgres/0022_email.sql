-- Email both ways (issue 22). Each message remembers its mail's Message-ID, so that answers
-- thread by `In-Reply-To` / `References`. Every mail the SMTP receiver accepts is kept raw in
-- `inbound_mail` before it is read (a mail that cannot be read is kept for inspection), with
-- what became of it; its attachments are listed by name under the message. Raw mail is the
-- customer's personal data: it goes with the customer (ON DELETE CASCADE).
-- Lock-step with ../sqlite/0022_email.sql.
ALTER TABLE messages ADD COLUMN mail_id TEXT;
CREATE INDEX messages_by_mail_id ON messages(mail_id) WHERE mail_id IS NOT NULL;
CREATE INDEX customers_by_lower_email ON customers(lower(email));

CREATE TABLE inbound_mail (
    id              BIGSERIAL PRIMARY KEY,
    received_at     TIMESTAMPTZ NOT NULL,
    envelope_from   TEXT    NOT NULL,
    envelope_to     TEXT    NOT NULL,
    size_bytes      BIGINT NOT NULL,
    raw             BYTEA   NOT NULL,
    mail_id         TEXT,
    outcome         TEXT    NOT NULL DEFAULT 'received'
                    CHECK (outcome IN ('received', 'message', 'automatic', 'unreadable', 'ignored')),
    note            TEXT,
    customer_id     BIGINT REFERENCES customers(id) ON DELETE CASCADE,
    conversation_id BIGINT REFERENCES conversations(id) ON DELETE CASCADE,
    message_id      BIGINT REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX inbound_mail_by_conversation ON inbound_mail(conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX inbound_mail_by_customer ON inbound_mail(customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX inbound_mail_by_time ON inbound_mail(received_at);

CREATE TABLE mail_attachments (
    id              BIGSERIAL PRIMARY KEY,
    inbound_mail_id BIGINT NOT NULL REFERENCES inbound_mail(id) ON DELETE CASCADE,
    message_id      BIGINT REFERENCES messages(id) ON DELETE CASCADE,
    position        BIGINT  NOT NULL,
    filename        TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    size_bytes      BIGINT NOT NULL
);
CREATE INDEX mail_attachments_by_message ON mail_attachments(message_id) WHERE message_id IS NOT NULL;
