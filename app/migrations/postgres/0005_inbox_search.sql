-- Word search in the inbox: subject, latest excerpt and the customer's name of every
-- conversation, as one word vector kept current by triggers, with a GIN index over active
-- conversations. Lock-step with ../sqlite/0005_inbox_search.sql.
ALTER TABLE conversations ADD COLUMN search_words tsvector;

CREATE FUNCTION conversations_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_words := to_tsvector('simple',
        NEW.subject || ' ' || COALESCE(NEW.last_excerpt, '') || ' ' ||
        COALESCE((SELECT name FROM customers WHERE id = NEW.customer_id), ''));
    RETURN NEW;
END $$;

CREATE TRIGGER conversations_search_words BEFORE INSERT OR UPDATE OF subject, last_excerpt, customer_id
    ON conversations FOR EACH ROW EXECUTE FUNCTION conversations_search_words();

CREATE FUNCTION customers_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Touching the subject recomputes the word vector (trigger above).
    UPDATE conversations SET subject = subject WHERE customer_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER customers_renamed AFTER UPDATE OF name ON customers
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION customers_renamed();

UPDATE conversations c SET search_words = to_tsvector('simple',
    c.subject || ' ' || COALESCE(c.last_excerpt, '') || ' ' || cu.name)
FROM customers cu WHERE cu.id = c.customer_id;

CREATE INDEX conversations_search ON conversations USING GIN (search_words)
    WHERE status IN ('open', 'pending');
