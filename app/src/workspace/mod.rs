//! The agent workspace: the inbox and conversations, with what an agent works beside them —
//! the journey panel and KPIs, received mail, coaching and the outbox.

pub mod api;
mod chart;
pub mod coaching;
mod composer;
mod conversation;
mod inbox;
pub mod journey_panel;
pub mod journeys_api;
mod keyboard;
pub mod kpis_page;
pub mod outbox;
pub mod received_mail;
#[cfg(feature = "ssr")]
mod service;

pub use conversation::ConversationPage;
pub use inbox::InboxPage;
