//! The agent workspace: the inbox and conversations.

pub mod api;
mod chart;
mod composer;
mod conversation;
mod inbox;
mod keyboard;
pub mod model;

pub use conversation::ConversationPage;
pub use inbox::InboxPage;
