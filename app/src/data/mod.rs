//! The data layer: one API over SQLite and Postgres.
//!
//! Callers hold a [`Db`] and call the per-aggregate modules (`users`, `sessions`, ...);
//! they never see which backend runs underneath. Most SQL is shared between the two
//! dialects (both accept `$1` placeholders, `RETURNING` and `ON CONFLICT`); the
//! [`on_pool!`] macro runs the same statement on whichever pool is configured.

pub mod api_tokens;
pub mod audit;
pub mod backup;
pub(crate) mod claim;
pub mod coaching;
pub mod community;
pub mod consents;
pub mod conversations;
pub mod customers;
pub mod deliveries;
pub mod digests;
pub mod error;
pub mod forum_moderation;
pub mod forum_posting;
pub mod forum_search;
pub mod fulltext;
pub mod inbound_mail;
pub mod ingest_effects;
pub mod ingestion;
pub mod journey_templates;
pub mod journeys;
pub mod maintenance;
pub mod outbox;
pub mod privacy;
pub mod quotes;
pub mod ratings;
pub mod ripple;
pub mod risk_facts;
pub mod sessions;
pub mod stories;
pub mod story_editing;
pub(crate) mod story_records;
pub mod users;
pub mod webhooks;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use error::DataError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A connection pool to one of the supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which backend a database URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `$body` with `$pool` bound to the concrete pool of `$db`.
///
/// The body is expanded once per backend, so generic sqlx calls (`query_as::<_, Row>`)
/// are type-checked against both dialects.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::data::Db::Sqlite($pool) => $body,
            $crate::data::Db::Postgres($pool) => $body,
        }
    };
}
pub use on_pool;

/// SQLite has one write lock, and writers waiting for it in SQLite's busy handler sleep in
/// millisecond steps. The hot write paths (ingestion) take turns here instead, in an async
/// fair queue, so that only one of them asks SQLite for the lock at a time.
static SQLITE_WRITERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Db {
    /// Waits for this process's turn to write (SQLite only; Postgres needs no turn).
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'static, ()>> {
        match self {
            Db::Sqlite(_) => Some(SQLITE_WRITERS.lock().await),
            Db::Postgres(_) => None,
        }
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails with
/// "database is locked" (SQLITE_BUSY_SNAPSHOT) when another writer committed in between,
/// whereas an immediate one waits for the lock (busy timeout). Postgres needs nothing special.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(&self) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>> + Send;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// Ids for rows about to be inserted, so that related rows can be written in bulk without
/// relying on the order of `RETURNING` rows (unspecified on SQLite). Call inside a write
/// transaction: on SQLite the write lock keeps the range free (ids are never handed out by
/// anyone else meanwhile); on Postgres the table's sequence does.
pub(crate) trait ReserveIds {
    fn reserve_ids(&mut self, table: &'static str, count: usize)
        -> impl std::future::Future<Output = Result<Vec<i64>, sqlx::Error>> + Send;
}

impl ReserveIds for sqlx::SqliteConnection {
    async fn reserve_ids(&mut self, table: &'static str, count: usize) -> Result<Vec<i64>, sqlx::Error> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let last: i64 = sqlx::query_scalar(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}")).fetch_one(&mut *self).await?;
        Ok((1..=count as i64).map(|n| last + n).collect())
    }
}

impl ReserveIds for sqlx::PgConnection {
    async fn reserve_ids(&mut self, table: &'static str, count: usize) -> Result<Vec<i64>, sqlx::Error> {
        if count == 0 {
            return Ok(Vec::new());
        }
        sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)")
            .bind(table)
            .bind(count as i64)
            .fetch_all(&mut *self)
            .await
    }
}

/// Options for opening a database.
#[derive(Clone, Debug)]
pub struct DbOptions {
    pub url: String,
    pub max_connections: u32,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Self, DataError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(DataError::Config(format!(
                "unsupported database URL `{}`: use sqlite://path/to/file.db or postgres://user@host/db",
                redact_url(url)
            )))
        }
    }
}

/// Hides a password in a database URL so it can be logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &credentials[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Db {
    /// Opens a pool. SQLite files (and their folder) are created when missing.
    pub async fn connect(options: &DbOptions) -> Result<Db, DataError> {
        match Backend::of_url(&options.url)? {
            Backend::Sqlite => {
                let connect = SqliteConnectOptions::from_str(&options.url)
                    .map_err(|e| DataError::Config(format!("invalid SQLite URL: {e}")))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    // 16 MiB page cache per connection (SQLite's default is 2 MiB): the inbox and
                    // ingestion indexes of a 100k-conversation database stay in memory.
                    .pragma("cache_size", "-16384")
                    // Reads come straight from the file mapped into memory (the OS page cache,
                    // shared by every connection). A connection drops its whole page cache when
                    // another one has written, so with private caches alone every write (a
                    // session's "last seen", once a minute) made all pooled connections free and
                    // refill 16 MiB each: heap churn the allocator never gave back (a soak grew
                    // 273 → 345 MiB in five minutes).
                    .pragma("mmap_size", "1073741824")
                    .busy_timeout(Duration::from_secs(5));
                if let Some(parent) = Path::new(connect.get_filename()).parent() {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| DataError::Config(format!("cannot create folder {}: {e}", parent.display())))?;
                    }
                }
                let pool = SqlitePoolOptions::new().max_connections(options.max_connections.max(1)).connect_with(connect).await?;
                Ok(Db::Sqlite(pool))
            }
            Backend::Postgres => {
                let connect =
                    PgConnectOptions::from_str(&options.url).map_err(|e| DataError::Config(format!("invalid Postgres URL: {e}")))?;
                let pool = PgPoolOptions::new()
                    .max_connections(options.max_connections.max(1))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(connect)
                    .await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    /// Connections the pool holds open now, and how many of them are idle (for `/healthz`).
    pub fn connections(&self) -> (u32, usize) {
        on_pool!(self, pool => (pool.size(), pool.num_idle()))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations of the configured backend.
    pub async fn migrate(&self) -> Result<(), DataError> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A cheap round trip, used by the readiness probe.
    pub async fn ping(&self) -> Result<(), DataError> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}
