//! Live updates for open inboxes: the server publishes "this conversation changed" events,
//! browsers listen over server-sent events (`/api/workspace/events`) and refetch.
//!
//! Events carry increasing ids. A browser's `EventSource` reconnects by itself and sends the
//! last id it saw (`Last-Event-ID`); the server replays what it missed from a ring buffer, or
//! says `resync` when the gap is older than the buffer or the id is another instance's. On
//! Postgres, events cross instances through `NOTIFY`/`LISTEN` (see `hub`).

#[cfg(feature = "ssr")]
mod hub;
#[cfg(feature = "ssr")]
pub use hub::{Hub, InboxEvent};

#[cfg(feature = "ssr")]
pub mod stream;

#[cfg(feature = "ssr")]
mod pg_channel;
#[cfg(feature = "ssr")]
mod story_feed;
#[cfg(feature = "ssr")]
pub use story_feed::{StoryChange, StoryFeed};
#[cfg(feature = "ssr")]
pub mod story_stream;

/// The live hubs for a server on `db`: inbox events and stories. On Postgres one `LISTEN`
/// connection carries both, so that changes made on other instances arrive here too.
#[cfg(feature = "ssr")]
pub fn start(db: &crate::data::Db) -> (std::sync::Arc<Hub>, std::sync::Arc<StoryFeed>) {
    let hub = Hub::start(db);
    let feed = StoryFeed::start(db.clone());
    if let crate::data::Db::Postgres(pool) = db {
        let (hub, feed, pool) = (hub.clone(), feed.clone(), pool.clone());
        tokio::spawn(async move {
            pg_channel::listen(
                pool,
                &[hub::CHANNEL, story_feed::CHANNEL],
                |channel, payload| match channel {
                    hub::CHANNEL => hub.hear(payload),
                    _ => feed.hear(payload),
                },
                || {
                    tracing::warn!("live events from other instances may have been missed");
                    hub.missed_some();
                    feed.missed_some();
                },
            )
            .await
        });
    }
    (hub, feed)
}

mod client;
pub use client::{use_conversation_updates, use_live_updates};

/// Where browsers subscribe.
pub const EVENTS_PATH: &str = "/api/workspace/events";
