//! Rapport: the application shared by the server (SSR, server functions) and the
//! browser (hydration). Each feature lives in its own folder.

#![recursion_limit = "256"]

pub mod account;
pub mod auth;
pub mod channels;
pub mod domain;
pub mod emotion;
pub mod error;
pub mod journeys;
pub mod realtime;
pub mod router;
pub mod shell;
pub mod studio;
pub mod webhooks;
pub mod workspace;

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod ingestion;
pub mod portal;
#[cfg(feature = "ssr")]
pub mod state;

pub use router::{shell, App};
