-- Word search in the inbox: subject, latest excerpt and the customer's name of every
-- conversation, in an FTS5 index kept current by triggers (rowid = conversations.id).
-- Contentless: the text lives in the tables; the index holds only words.
-- Lock-step with ../postgres/0005_inbox_search.sql.
CREATE VIRTUAL TABLE conversations_search USING fts5(
    subject, excerpt, customer,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO conversations_search (rowid, subject, excerpt, customer)
SELECT c.id, c.subject, COALESCE(c.last_excerpt, ''), cu.name
FROM conversations c JOIN customers cu ON cu.id = c.customer_id;

CREATE TRIGGER conversations_search_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_search (rowid, subject, excerpt, customer)
    VALUES (new.id, new.subject, COALESCE(new.last_excerpt, ''),
            (SELECT name FROM customers WHERE id = new.customer_id));
END;

CREATE TRIGGER conversations_search_update AFTER UPDATE OF subject, last_excerpt, customer_id ON conversations BEGIN
    DELETE FROM conversations_search WHERE rowid = old.id;
    INSERT INTO conversations_search (rowid, subject, excerpt, customer)
    VALUES (new.id, new.subject, COALESCE(new.last_excerpt, ''),
            (SELECT name FROM customers WHERE id = new.customer_id));
END;

CREATE TRIGGER conversations_search_delete AFTER DELETE ON conversations BEGIN
    DELETE FROM conversations_search WHERE rowid = old.id;
END;

CREATE TRIGGER conversations_search_customer_renamed AFTER UPDATE OF name ON customers
WHEN old.name IS NOT new.name BEGIN
    DELETE FROM conversations_search WHERE rowid IN (SELECT id FROM conversations WHERE customer_id = new.id);
    INSERT INTO conversations_search (rowid, subject, excerpt, customer)
    SELECT id, subject, COALESCE(last_excerpt, ''), new.name FROM conversations WHERE customer_id = new.id;
END;
