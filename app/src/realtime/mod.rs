//! Live updates for open inboxes: the server publishes "this conversation changed" events,
//! browsers listen over server-sent events (`/api/workspace/events`) and refetch.
//!
//! Events carry increasing ids. A browser's `EventSource` reconnects by itself and sends the
//! last id it saw (`Last-Event-ID`); the server replays what it missed from a ring buffer, or
//! says `resync` when the gap is older than the buffer. The hub lives in one server process:
//! with several instances, each instance only hears its own writes (documented limitation).

#[cfg(feature = "ssr")]
mod hub;
#[cfg(feature = "ssr")]
pub use hub::{Hub, InboxEvent};

#[cfg(feature = "ssr")]
pub mod stream;

#[cfg(feature = "ssr")]
mod story_feed;
#[cfg(feature = "ssr")]
pub use story_feed::{StoryChange, StoryFeed};
#[cfg(feature = "ssr")]
pub mod story_stream;

mod client;
pub use client::use_live_updates;

/// Where browsers subscribe.
pub const EVENTS_PATH: &str = "/api/workspace/events";
