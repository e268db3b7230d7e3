-- Stories drafted in the studio and the consent flow behind them.
-- A story's version goes up whenever its public text changes after consent was asked for;
-- consent counts only for the version (and exact text) the customer saw.
-- Lock-step with ../postgres/0016_story_consent.sql.
ALTER TABLE stories ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN quotes TEXT NOT NULL DEFAULT '[]';   -- JSON list of the customer's own sentences
ALTER TABLE stories ADD COLUMN withdrawn_at TEXT;
-- The link in a consent email: only its hash is stored.
ALTER TABLE consent_records ADD COLUMN token_hash TEXT;
CREATE UNIQUE INDEX consent_by_token ON consent_records(token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX consent_by_customer ON consent_records(customer_id, id);
CREATE INDEX stories_by_customer ON stories(customer_id, updated_at);
-- Gratitude quotes go through the same ledger; one proposal per thank-you message.
ALTER TABLE gratitude_quotes ADD COLUMN withdrawn_at TEXT;
CREATE UNIQUE INDEX quotes_by_message ON gratitude_quotes(message_id) WHERE message_id IS NOT NULL;
CREATE INDEX quotes_by_customer ON gratitude_quotes(customer_id, created_at);
-- The last line of defence: whatever writes the row, a story is published only while the
-- newest ledger record for its current version is a grant. (The data layer also checks that
-- the granted text is exactly the current text.)
CREATE TRIGGER stories_publish_needs_consent BEFORE UPDATE OF status, version ON stories
WHEN NEW.status = 'published' AND (SELECT r.decision FROM consent_records r
    WHERE r.subject_kind = 'story' AND r.subject_id = NEW.id AND r.subject_version = NEW.version
    ORDER BY r.id DESC LIMIT 1) IS NOT 'granted'
BEGIN SELECT RAISE(ABORT, 'a story needs consent to its current version before it is published'); END;
CREATE TRIGGER stories_insert_unpublished BEFORE INSERT ON stories
WHEN NEW.status = 'published'
BEGIN SELECT RAISE(ABORT, 'a story needs consent to its current version before it is published'); END;
CREATE TRIGGER quotes_publish_needs_consent BEFORE UPDATE OF status, version ON gratitude_quotes
WHEN NEW.status = 'published' AND (SELECT r.decision FROM consent_records r
    WHERE r.subject_kind = 'quote' AND r.subject_id = NEW.id AND r.subject_version = NEW.version
    ORDER BY r.id DESC LIMIT 1) IS NOT 'granted'
BEGIN SELECT RAISE(ABORT, 'a quote needs consent to its current version before it is published'); END;
CREATE TRIGGER quotes_insert_unpublished BEFORE INSERT ON gratitude_quotes
WHEN NEW.status = 'published'
BEGIN SELECT RAISE(ABORT, 'a quote needs consent to its current version before it is published'); END;
