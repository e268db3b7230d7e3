//! The HTTP server: routes, middleware, health probes and graceful shutdown.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{Context, Result};
use app::auth::rate_limit::AuthRateLimits;
use app::data::{Db, DbOptions};
use app::emotion::EngineSettings;
use app::state::{AppState, Security};
use app::{shell, App};
use axum::extract::State;
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Config;
use crate::page_deadline::{PageDeadline, PageLimits};

/// Opens the database and applies migrations.
pub async fn open_database(config: &Config) -> Result<Db> {
    let db = Db::connect(&DbOptions { url: config.database_url.clone(), max_connections: config.db_pool_size })
        .await
        .with_context(|| format!("cannot open database {}", app::data::redact_url(&config.database_url)))?;
    db.migrate().await.context("database migration failed")?;
    Ok(db)
}

pub fn leptos_options(config: &Config) -> Result<LeptosOptions> {
    let mut options = get_configuration(None).context("invalid LEPTOS_* environment")?.leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "rapport".into();
    }
    options.site_addr = config.bind;
    Ok(options)
}

/// Call inside the tokio runtime: it starts the ingestion queue's worker.
pub fn app_state(config: &Config, db: Db) -> Result<AppState> {
    let engine = Arc::new(EngineSettings { risk: config.risk.clone(), state: config.emotional_state.clone() });
    let (realtime, story_feed) = app::realtime::start(&db);
    let ingestion = app::ingestion::Ingestion { db: db.clone(), engine: engine.clone(), realtime: realtime.clone() };
    Ok(AppState {
        ingest_queue: app::ingestion::queue::IngestQueue::start(ingestion),
        leptos_options: leptos_options(config)?,
        db: db.clone(),
        security: Arc::new(Security {
            secret: config.resolve_session_secret()?,
            secure_cookies: config.secure_cookies,
            session_days: config.session_days,
            session_idle_minutes: config.session_idle_minutes,
            rate_limits: AuthRateLimits::new(config.sign_in_per_ip_per_minute, config.sign_in_per_account_per_minute),
            posting_limit: app::auth::rate_limit::PerMinute::new(config.posts_per_minute),
            api_limit: (config.api_requests_per_minute > 0).then(|| app::auth::rate_limit::PerMinute::new(config.api_requests_per_minute)),
            hold_first_posts: config.hold_first_posts,
            trusted_proxies: config.trusted_proxies.clone(),
        }),
        engine,
        realtime,
        story_feed,
        public_url: config.public_url(),
        mail_transport: config.mail.is_some(),
        community_counts: Arc::default(),
        signup_hooks: Arc::new([app::studio::ripple_api::credit_signup_hook]),
        webhook_targets: app::webhooks::targets::TargetPolicy::allowing_private(config.webhooks_allow_private_targets),
    })
}

/// The whole application as one axum router. Every page either completes within its
/// deadline or is cut off (see `page_deadline`); pages beyond the limit in flight are refused
/// at once (`page_admission`).
pub fn router(state: AppState, pages: PageLimits) -> Router {
    static SCOPED_TASKS: std::sync::Once = std::sync::Once::new();
    SCOPED_TASKS.call_once(crate::page_tasks::install);
    let shell_options = state.leptos_options.clone();
    let https = crate::security_headers::Https(state.security.secure_cookies);
    let deadline = PageDeadline::new(pages);
    let health = deadline.clone();
    // The client's files (`/pkg/…`, the favicon, robots.txt), and Leptos' 404 page for every
    // other address. Leptos' own `file_and_error_handler` does not serve the files: it answers
    // a file inside whatever page was last started on the same worker thread (its `Owner::new()`
    // inherits the thread's current owner) and moves that page's response headers onto the file
    // — the page's Content-Security-Policy (the page then went out with the default policy, its
    // inline hydration scripts were blocked and it never hydrated: the browser tests' rare
    // flake) and any cookie it set. An address reaches it only when no file matched, and then
    // it renders the 404 page as a request of its own.
    let not_found = leptos_axum::file_and_error_handler::<AppState, _>(shell).with_state(state.clone());
    let files = ServeDir::new(&*state.leptos_options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    Router::new()
        .route("/healthz", get(move |State(state): State<AppState>| healthz(health.clone(), state)))
        .route("/readyz", get(readyz))
        .route("/sitemap.xml", get(app::portal::forum::sitemap::sitemap_xml))
        .nest("/api/v1", crate::api_v1::router())
        .route(app::realtime::EVENTS_PATH, get(app::realtime::stream::inbox_events))
        .route(app::portal::stories::LIVE_PATH, get(app::realtime::story_stream::story_events))
        .route("/embed/stories", get(app::portal::stories::embed::stories_embed))
        .route("/embed/wall", get(app::portal::stories::embed::wall_embed))
        .route(app::portal::stories::FEED_PATH, get(app::portal::stories::feed::stories_feed))
        .route(app::account::privacy::EXPORT_PATH, get(app::account::privacy::export_json))
        .route("/api/ripple", axum::routing::post(app::studio::ripple_api::record_views))
        .route("/studio/ripple.csv", get(app::studio::ripple_api::ripple_csv))
        .route("/workspace/mail/{id}/original", get(app::channels::email::files::original))
        .route("/workspace/mail/{id}/attachments/{position}", get(app::channels::email::files::attachment))
        .leptos_routes(&state, route_list(), move || shell(shell_options.clone()))
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(deadline, crate::page_deadline::enforce))
        .layer(middleware::from_fn(crate::text_input_guard::refuse_control_characters))
        .layer(middleware::from_fn_with_state(https, crate::cross_site::refuse_cross_site_mutations))
        .layer(middleware::from_fn_with_state(https, crate::security_headers::add_security_headers))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// The app's routes, generated once per process. Route generation renders the app with every
/// Resource in the whole process suppressed: leptos_server's `SuppressResourceLoad` sets a
/// process-global flag, and a Resource created on any thread while it is set waits forever
/// (its first poll, made when it is created, sees the flag). Generating a second time while
/// another router serves pages — as every integration test did when it started its own server —
/// left pages that never answered. See the README, "Why a page could hang forever".
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Serves until SIGTERM or Ctrl-C; in-flight requests finish, then the pool is closed cleanly.
pub async fn serve(config: &Config) -> Result<()> {
    let db = open_database(config).await?;
    let state = app_state(config, db.clone())?;
    crate::webhook_worker::spawn(db.clone(), state.webhook_targets);
    app::ingestion::effects::spawn_worker(state.ingestion());
    let identity = config.mail_identity(&state.security.secret).map(Arc::new);
    if let Some(address) = crate::smtp_receiver::start(config, state.ingestion(), identity.clone()).await? {
        tracing::info!(%address, "inbound mail: the SMTP receiver is listening");
    }
    let delivery = match (&config.mail, &identity) {
        (Some(mail), Some(identity)) => {
            crate::mail_worker::spawn(
                db.clone(),
                crate::mail_worker::Mailer::new(mail, identity.clone())?.announcing(state.realtime.clone()),
            );
            app::journeys::scheduler::Delivery::Mail
        }
        _ => app::journeys::scheduler::Delivery::NoTransport,
    };
    let clock: std::sync::Arc<dyn app::journeys::scheduler::Clock> = match &config.test_clock_file {
        Some(path) => {
            tracing::warn!(path = %path.display(), "journey scheduler runs on a test clock (RAPPORT_TEST_CLOCK_FILE)");
            std::sync::Arc::new(app::journeys::scheduler::FileOffsetClock { path: path.clone() })
        }
        None => std::sync::Arc::new(app::journeys::scheduler::SystemClock),
    };
    app::journeys::scheduler::spawn(
        db.clone(),
        clock,
        app::journeys::scheduler::PassSettings { delivery, gratitude_quote: config.journey_gratitude_quote },
        std::time::Duration::from_secs(5),
    );
    spawn_session_sweeper(db.clone());
    crate::memory_trim::spawn_periodic_trim();
    spawn_digest_sender(state.clone());
    let listener = tokio::net::TcpListener::bind(config.bind).await.with_context(|| format!("cannot listen on {}", config.bind))?;
    tracing::info!(address = %listener.local_addr()?, backend = ?db.backend(), "Rapport is listening");
    axum::serve(without_nagle(listener), router(state, config.page_limits()).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shutting down: closing the database");
    db.close().await;
    Ok(())
}

/// Streamed pages go out in several small writes (the shell, then each resolved part);
/// with Nagle's algorithm a write waits for the peer's delayed ACK, which added 40 ms to
/// every streamed page.
pub fn without_nagle(listener: tokio::net::TcpListener) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt;
    fn set_nodelay(stream: &mut tokio::net::TcpStream) {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not turn off Nagle's algorithm for a connection");
        }
    }
    listener.tap_io(set_nodelay as fn(&mut tokio::net::TcpStream))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}

/// Story digests: checks hourly who is due (a week after their last digest).
fn spawn_digest_sender(state: AppState) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(3600));
        loop {
            interval.tick().await;
            match app::portal::stories::digest_api::send_due_digests(&state).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "story digests queued"),
                Err(error) => tracing::warn!(%error, "could not send story digests"),
            }
        }
    });
}

fn spawn_session_sweeper(db: Db) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(3600));
        loop {
            interval.tick().await;
            match app::data::sessions::delete_expired(&db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "expired sessions removed"),
                Err(error) => tracing::warn!(%error, "could not remove expired sessions"),
            }
        }
    });
}

/// Liveness, with the pages cut off at their deadline since start (`page_deadline`), the
/// tasks of pages being rendered now (`page_tasks`), the renders of ended pages still in
/// memory (`ended_pages`), the heap in use and the database connections open.
async fn healthz(deadline: PageDeadline, state: AppState) -> impl IntoResponse {
    let (db_connections, db_connections_idle) = state.db.connections();
    let heap = crate::allocator::heap_reading();
    Json(serde_json::json!({
        "status": "ok",
        "pages_cut_off": deadline.pages_cut_off(),
        "pages_in_flight": deadline.admission.in_flight(),
        "pages_refused_busy": deadline.admission.refused(),
        "page_tasks_running": crate::page_tasks::running(),
        "pages_cancelled": crate::ended_pages::cancelled(),
        "ended_pages_in_memory": crate::ended_pages::in_memory(),
        "sqlite_memory_bytes": sqlite_memory_bytes(),
        "heap_in_use_bytes": heap.map(|reading| reading.in_use),
        "heap_resident_bytes": heap.map(|reading| reading.resident),
        "db_connections": db_connections,
        "db_connections_idle": db_connections_idle,
    }))
}

/// Memory held by SQLite in this process (its heap: page caches, statements, sorts; not the
/// database file it maps in), so a soak can tell SQLite's share of the server's memory from
/// the rest. Zero on Postgres.
fn sqlite_memory_bytes() -> i64 {
    // SAFETY: sqlite3_memory_used takes no arguments and only reads SQLite's global counter.
    unsafe { libsqlite3_sys::sqlite3_memory_used() }
}

async fn readyz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(Duration::from_secs(2), state.db.ping()).await {
        Ok(Ok(())) => Json(serde_json::json!({ "status": "ready", "database": "ok" })).into_response(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable", "database": "error" }))).into_response()
        }
        Err(_) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable", "database": "timeout" }))).into_response()
        }
    }
}
