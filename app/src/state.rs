//! What every request handler and server function can reach on the server.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::auth::rate_limit::AuthRateLimits;
use crate::data::Db;
use crate::emotion::EngineSettings;
use crate::error::AppError;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub security: Arc<Security>,
    pub engine: Arc<EngineSettings>,
    /// Live inbox events for open browsers.
    pub realtime: Arc<crate::realtime::Hub>,
    /// One-message API requests, stored together in batches.
    pub ingest_queue: crate::ingestion::queue::IngestQueue,
    /// Whether outbox messages are delivered by mail (an SMTP transport is configured).
    pub mail_transport: bool,
    /// Live resolved stories for open portal pages (across instances on Postgres).
    pub story_feed: Arc<crate::realtime::StoryFeed>,
    /// The address people reach Rapport at, for links in emails (no trailing slash).
    pub public_url: String,
    /// What other areas do after a sign-up (registered by the server).
    pub signup_hooks: Arc<[SignupHook]>,
    /// Community-wide counts, reused for a few seconds.
    pub community_counts: Arc<crate::portal::forum::counts_cache::CountsCache>,
    /// Where webhooks may be sent (`webhooks_allow_private_targets`).
    pub webhook_targets: crate::webhooks::targets::TargetPolicy,
}

/// Runs after a new account's session started (`auth::signup_hooks`): the state, the sign-up
/// request, the new user.
pub type SignupHook = for<'a> fn(&'a AppState, &'a http::request::Parts, i64) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

pub struct Security {
    /// Key for hashing session and API tokens before they are stored.
    pub secret: Vec<u8>,
    /// Adds `Secure` to cookies; on when Rapport is served over https.
    pub secure_cookies: bool,
    pub session_days: i64,
    /// Minutes without a request after which a session ends.
    pub session_idle_minutes: i64,
    pub rate_limits: AuthRateLimits,
    /// Forum posts per account.
    pub posting_limit: crate::auth::rate_limit::PerMinute,
    /// Requests per API token; `None`: unlimited.
    pub api_limit: Option<crate::auth::rate_limit::PerMinute>,
    /// How many of a new member's first forum posts wait for a moderator (0: none).
    pub hold_first_posts: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client (see `auth::client_address`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl AppState {
    /// The ingestion service on this state's database, engine settings and event hub.
    pub fn ingestion(&self) -> crate::ingestion::Ingestion {
        crate::ingestion::Ingestion { db: self.db.clone(), engine: self.engine.clone(), realtime: self.realtime.clone() }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The server state inside a server function or SSR render.
pub fn app_state() -> Result<AppState, AppError> {
    if let Some(state) = leptos::prelude::use_context::<AppState>() {
        return Ok(state);
    }
    if leptos::prelude::use_context::<http::request::Parts>().is_none() {
        // No request around at all: the page was cancelled (the browser went away, or its
        // deadline passed) and its reactive owner torn down while one of its tasks was still
        // on its last step; the page's tasks are being aborted (`server::page_tasks`).
        tracing::debug!("a cancelled page's task asked for the server state");
    } else {
        tracing::error!("AppState missing from the request context");
    }
    Err(AppError::Internal)
}
