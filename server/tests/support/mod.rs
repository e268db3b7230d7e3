//! Test support: real databases (SQLite in a temp file, Postgres in a fresh database per test)
//! and a real server on a free port.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;

use app::data::{Db, DbOptions};
use server::Config;

pub mod fixtures;
pub mod logs;
pub mod process;
pub mod smtp;
pub mod webhook_sink;

pub const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn postgres_admin_url() -> String {
    std::env::var("RAPPORT_TEST_POSTGRES_URL").unwrap_or_else(|_| POSTGRES_ADMIN_URL.to_string())
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect(&DbOptions { url: url.clone(), max_connections: 4 }).await.expect("open SQLite");
        db.migrate().await.expect("migrate SQLite");
        TestDb { db, url, _dir: Some(dir), postgres_name: None }
    }

    /// A fresh Postgres database, or `None` (with a loud message) when no server is reachable.
    /// With RAPPORT_REQUIRE_POSTGRES=1 a missing server fails the test instead.
    pub async fn postgres() -> Option<TestDb> {
        use sqlx::Connection;
        let admin_url = postgres_admin_url();
        let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(connection) => connection,
            Err(error) => {
                if std::env::var("RAPPORT_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!("Postgres is required (RAPPORT_REQUIRE_POSTGRES=1) but {admin_url} is unreachable: {error}");
                }
                eprintln!("\n!!!! SKIPPED: Postgres tests did not run: {admin_url} is unreachable ({error}) !!!!\n");
                return None;
            }
        };
        let name = format!("rapport_test_{}", &app::auth::session::new_token()[..16]);
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
        let base = admin_url.rsplit_once('/').map(|(base, _)| base.to_string()).unwrap_or(admin_url.clone());
        let url = format!("{base}/{name}");
        let db = Db::connect(&DbOptions { url: url.clone(), max_connections: 4 }).await.expect("open Postgres");
        db.migrate().await.expect("migrate Postgres");
        Some(TestDb { db, url, _dir: None, postgres_name: Some(name) })
    }
}

impl TestDb {
    /// A second pool on the same database (another server instance); it does not drop the
    /// database when it goes.
    pub async fn same_database(&self) -> TestDb {
        let db = Db::connect(&DbOptions { url: self.url.clone(), max_connections: 4 }).await.expect("open the same database");
        TestDb { db, url: self.url.clone(), _dir: None, postgres_name: None }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop cannot await, and the test's runtime is blocked while we wait here: use a private
        // runtime on another thread. FORCE ends the pool's connections, so the pool is not closed.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            runtime.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut admin) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
                }
            });
        })
        .join();
    }
}

/// Runs the same test on SQLite and on Postgres.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let sqlite = TestDb::sqlite().await;
    test(sqlite.db.clone()).await;
    if let Some(postgres) = TestDb::postgres().await {
        test(postgres.db.clone()).await;
    }
}

/// Runs the same test against a server on SQLite and one on Postgres.
pub async fn each_backend_app<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    test(TestApp::spawn(TestDb::sqlite().await).await).await;
    if let Some(database) = TestDb::postgres().await {
        test(TestApp::spawn(database).await).await;
    }
}

/// A running server on a free port.
pub struct TestApp {
    pub address: SocketAddr,
    pub base: String,
    pub database: TestDb,
    pub config: Config,
    _data_dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn(database: TestDb) -> TestApp {
        TestApp::spawn_with(database, |_| {}).await
    }

    pub async fn spawn_with(database: TestDb, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::defaults();
        config.database_url = database.url.clone();
        config.data_dir = data_dir.path().to_path_buf();
        config.bind = "127.0.0.1:0".parse().expect("address");
        adjust(&mut config);
        let listener = tokio::net::TcpListener::bind(config.bind).await.expect("bind");
        let address = listener.local_addr().expect("address");
        // Links in mail and the sitemap name the address the test server really listens on.
        config.public_url.get_or_insert_with(|| format!("http://{address}"));
        let mut state = server::http::app_state(&config, database.db.clone()).expect("state");
        // The client's files as the server finds them after a build (a favicon is enough).
        let site = data_dir.path().join("site");
        std::fs::create_dir_all(&site).expect("site root");
        std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../public/favicon.svg"), site.join("favicon.svg")).expect("favicon");
        state.leptos_options.site_root = site.to_string_lossy().into();
        let router = server::http::router(state, config.page_limits());
        tokio::spawn(async move {
            axum::serve(server::http::without_nagle(listener), router.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .expect("serve");
        });
        TestApp { address, base: format!("http://{address}"), database, config, _data_dir: data_dir }
    }

    /// A browser-like client: keeps cookies, does not follow redirects, sends our Origin.
    pub fn client(&self) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, self.base.parse().expect("origin"));
        reqwest::Client::builder()
            .cookie_store(true)
            // A stalled request fails the test with a clear error instead of hanging CI.
            .timeout(std::time::Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The HTTP status of a page request.
    pub async fn page_status(&self, client: &reqwest::Client, path: &str) -> reqwest::StatusCode {
        match client.get(self.url(path)).send().await {
            Ok(response) => response.status(),
            Err(error) => panic!("request {path}: {error}"),
        }
    }

    /// Calls a server function with form fields, as the browser does.
    pub async fn call(&self, client: &reqwest::Client, endpoint: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        client.post(self.url(&format!("/api/{endpoint}"))).form(fields).send().await.expect("request")
    }

    /// A client signed in as `email` (sign-in answered with success or a redirect).
    pub async fn signed_in(&self, email: &str, password: &str) -> reqwest::Client {
        let client = self.client();
        let response = self.call(&client, "auth/sign_in", &[("email", email), ("password", password), ("next", "")]).await;
        assert!(response.status().is_success() || response.status().is_redirection(), "sign in {email}: {}", response.status());
        client
    }

    pub async fn create_staff(&self, role: app::domain::accounts::Role, email: &str, password: &str) {
        server::accounts::create_user(&self.database.db, role, email, None, Some(password.to_string()))
            .await
            .expect("create staff account");
    }
}

/// The key tests sign reply addresses with (what a server's session secret does).
pub const TEST_SECRET: &[u8] = b"test secret: reply addresses are keyed with this";

/// The mail worker as the server builds it, sending as `Rapport Care <care@rapport.test>`.
pub fn mailer(smtp_url: &str) -> server::mail_worker::Mailer {
    let mail =
        server::config::MailConfig { smtp_url: smtp_url.to_string(), from: "Rapport Care <care@rapport.test>".parse().expect("sender") };
    let identity = server::config::mail_identity(Some(&mail), &server::config::EmailConfig::default(), TEST_SECRET).expect("identity");
    server::mail_worker::Mailer::new(&mail, std::sync::Arc::new(identity)).expect("mailer")
}
