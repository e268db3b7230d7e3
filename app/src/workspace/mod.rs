//! The agent workspace: the inbox, conversations, and the ingestion behind them.

pub mod api;
mod chart;
mod composer;
mod conversation;
mod inbox;
#[cfg(feature = "ssr")]
pub mod ingest;
#[cfg(feature = "ssr")]
pub mod ingest_queue;
mod keyboard;
pub mod model;

pub use conversation::ConversationPage;
pub use inbox::InboxPage;
