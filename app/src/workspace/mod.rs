//! The agent workspace: the inbox and conversations.

pub mod api;
mod chart;
mod composer;
mod conversation;
mod inbox;
mod keyboard;
#[cfg(feature = "ssr")]
mod service;

pub use conversation::ConversationPage;
pub use inbox::InboxPage;
