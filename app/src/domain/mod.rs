//! The domain: Rapport's types and rules with no web and no database in them — what a story,
//! a journey, a delivery or a forum post is, and what may happen to it. The lowest layer with
//! the emotion engine: `data/` stores and loads these, services and pages use them, and the
//! browser shares them. Nothing here imports a module above it (`.dev/check-layers`).

pub mod accounts;
pub mod channels;
pub mod coaching;
pub mod community;
pub mod format;
pub mod journeys;
pub mod keyed;
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod signing;
pub mod stories;
pub mod studio;
pub mod text_input;
pub mod webhooks;
pub mod workspace;
