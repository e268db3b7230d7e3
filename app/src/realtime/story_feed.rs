//! Live resolved stories for every open portal page, on one instance or many.
//!
//! A change ("story 7 is shown", "story 7 is gone") is announced once. On SQLite it goes
//! straight to this process's listeners; on Postgres it goes out as `NOTIFY` and every
//! instance — this one included — hears it through `LISTEN`, so a browser connected to any
//! instance sees a change made on any other. Each instance turns a change into the event
//! browsers get once (loading the story card once), then fans the same bytes out.

use std::sync::Arc;

use axum::body::Bytes;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::data::Db;

pub(super) const CHANNEL: &str = "rapport_stories";
/// Events a slow browser may fall behind before it is sent a fresh snapshot.
const BACKLOG: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoryChange {
    /// Published, featured or unfeatured: show its current card.
    Shown(i64),
    /// Unpublished, edited after consent or withdrawn: remove it everywhere.
    Removed(i64),
    /// A gratitude quote left the wall (withdrawn or unpublished).
    QuoteRemoved(i64),
}

impl StoryChange {
    fn encode(self) -> String {
        match self {
            StoryChange::Shown(id) => format!("shown:{id}"),
            StoryChange::Removed(id) => format!("removed:{id}"),
            StoryChange::QuoteRemoved(id) => format!("quote-removed:{id}"),
        }
    }

    fn decode(payload: &str) -> Option<StoryChange> {
        let (kind, id) = payload.split_once(':')?;
        let id = id.parse().ok()?;
        match kind {
            "shown" => Some(StoryChange::Shown(id)),
            "removed" => Some(StoryChange::Removed(id)),
            "quote-removed" => Some(StoryChange::QuoteRemoved(id)),
            _ => None,
        }
    }
}

/// What browsers receive: an SSE event, encoded once into the bytes every subscriber is sent
/// (with 10k subscribers, formatting it per connection is measurable).
#[derive(Clone, Debug)]
pub struct LiveEvent {
    pub name: &'static str,
    pub frame: Bytes,
}

impl LiveEvent {
    pub fn new(name: &'static str, data: &str) -> LiveEvent {
        LiveEvent { name, frame: sse_frame(name, data) }
    }

    /// Asks every connection to send a fresh snapshot instead (something may have been missed).
    fn resync() -> LiveEvent {
        LiveEvent { name: RESYNC, frame: Bytes::new() }
    }

    pub fn is_resync(&self) -> bool {
        self.name == RESYNC
    }
}

const RESYNC: &str = "resync";

/// One server-sent event: `event: <name>` and the data, one `data:` line per line.
pub fn sse_frame(name: &str, data: &str) -> Bytes {
    let mut frame = String::with_capacity(data.len() + name.len() + 16);
    frame.push_str("event: ");
    frame.push_str(name);
    frame.push('\n');
    for line in data.split('\n') {
        frame.push_str("data: ");
        frame.push_str(line.trim_end_matches('\r'));
        frame.push('\n');
    }
    frame.push('\n');
    Bytes::from(frame)
}

#[derive(Serialize)]
struct Removed {
    id: i64,
}

pub struct StoryFeed {
    db: Db,
    changes: broadcast::Sender<StoryChange>,
    events: broadcast::Sender<LiveEvent>,
}

impl StoryFeed {
    /// Starts the feed's tasks (call inside the tokio runtime).
    pub fn start(db: Db) -> Arc<StoryFeed> {
        let feed = Arc::new(StoryFeed { db: db.clone(), changes: broadcast::channel(BACKLOG).0, events: broadcast::channel(BACKLOG).0 });
        tokio::spawn(resolve_changes(feed.clone(), feed.changes.subscribe()));
        feed
    }

    /// Announces a change to every instance. Call after the change is committed.
    pub async fn announce(&self, change: StoryChange) {
        match &self.db {
            Db::Sqlite(_) => {
                let _ = self.changes.send(change);
            }
            Db::Postgres(pool) => {
                let sent = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(change.encode()).execute(pool).await;
                if let Err(error) = sent {
                    // This instance's own browsers still hear it; others catch up on reconnect.
                    tracing::warn!(%error, "could not NOTIFY a story change; announcing it locally only");
                    let _ = self.changes.send(change);
                }
            }
        }
    }

    /// A change another instance (or this one) announced through `NOTIFY`.
    pub(super) fn hear(&self, payload: &str) {
        if let Some(change) = StoryChange::decode(payload) {
            let _ = self.changes.send(change);
        }
    }

    /// Changes may have been missed: browsers take a fresh snapshot.
    pub(super) fn missed_some(&self) {
        let _ = self.events.send(LiveEvent::resync());
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// How many browsers listen on this instance.
    pub fn listeners(&self) -> usize {
        self.events.receiver_count()
    }
}

async fn resolve_changes(feed: Arc<StoryFeed>, mut changes: broadcast::Receiver<StoryChange>) {
    loop {
        let change = match changes.recv().await {
            Ok(change) => change,
            Err(broadcast::error::RecvError::Lagged(_)) => {
                let _ = feed.events.send(LiveEvent::resync());
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let event = match change {
            StoryChange::Removed(id) => Some(removed_event("removed", id)),
            StoryChange::QuoteRemoved(id) => Some(removed_event("quote-removed", id)),
            StoryChange::Shown(id) => match crate::data::stories::public_story(&feed.db, id).await {
                Ok(Some(story)) => serde_json::to_string(&story.card).ok().map(|data| LiveEvent::new("story", &data)),
                // Withdrawn again meanwhile: the newest state wins.
                Ok(None) => Some(removed_event("removed", id)),
                Err(error) => {
                    tracing::warn!(%error, story = id, "could not load a story for the live feed; asking browsers to resync");
                    Some(LiveEvent::resync())
                }
            },
        };
        if let Some(event) = event {
            let _ = feed.events.send(event);
        }
    }
}

/// `name`: "removed" (a story) or "quote-removed".
fn removed_event(name: &'static str, id: i64) -> LiveEvent {
    let data = serde_json::to_string(&Removed { id }).unwrap_or_else(|_| "{}".into());
    LiveEvent::new(name, &data)
}

#[cfg(test)]
mod tests {
    use super::StoryChange;

    #[test]
    fn events_are_encoded_as_server_sent_events() {
        assert_eq!(&super::sse_frame("story", "{\"id\":3}")[..], b"event: story\ndata: {\"id\":3}\n\n");
        assert_eq!(&super::sse_frame("x", "a\nb")[..], b"event: x\ndata: a\ndata: b\n\n", "a line break cannot end the event early");
    }

    #[test]
    fn changes_survive_the_notify_payload() {
        for change in [StoryChange::Shown(7), StoryChange::Removed(12), StoryChange::QuoteRemoved(3)] {
            assert_eq!(StoryChange::decode(&change.encode()), Some(change));
        }
        assert_eq!(StoryChange::decode("shown:x"), None);
        assert_eq!(StoryChange::decode("other:1"), None);
    }
}
