-- First-party ripple measurement: which stories people saw, for how long, and what they
-- clicked. No third party, nothing sent for Do-Not-Track browsers; anonymous views carry no
-- identity at all (customer_id is set only for signed-in customers, to compare what they do next).
-- Lock-step with ../postgres/0017_story_views.sql.
CREATE TABLE story_views (
    id          INTEGER PRIMARY KEY,
    story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('impression', 'dwell', 'click', 'digest')),
    dwell_ms    INTEGER,
    at          TEXT    NOT NULL
);
CREATE INDEX story_views_by_story ON story_views(story_id, kind);
CREATE INDEX story_views_by_customer ON story_views(customer_id, at) WHERE customer_id IS NOT NULL;

-- Story digests: customers who opted in (consent recorded in the ledger as kind 'digest')
-- get the featured stories by email, with a one-click unsubscribe link in each.
CREATE TABLE digest_subscriptions (
    customer_id     INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    subscribed_at   TEXT    NOT NULL,
    unsubscribed_at TEXT,
    last_sent_at    TEXT
);

-- "This gave me hope": one reaction per signed-in account and story.
CREATE TABLE story_reactions (
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at       TEXT  NOT NULL,
    PRIMARY KEY (story_id, user_id)
);
