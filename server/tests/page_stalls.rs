//! The page that never answered (README, "Why a page could hang forever") and the deadline that
//! keeps any future cause from hanging a page forever.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{TestApp, TestDb};

/// Every page, requested again and again by several clients while the same process builds more
/// routers (as it did whenever another integration test started its server), answers. Before
/// the route list was generated once per process, most of these requests never answered: route
/// generation suppressed every Resource created anywhere in the process meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_answer_while_more_servers_start_in_the_same_process() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let state = server::http::app_state(&app.config, app.database.db.clone()).expect("state");
    let stop = Arc::new(AtomicBool::new(false));
    let routers_built = Arc::new(AtomicUsize::new(0));
    let builder = {
        let (stop, routers_built) = (stop.clone(), routers_built.clone());
        let limits = app.config.page_limits();
        tokio::task::spawn_blocking(move || {
            while !stop.load(Ordering::Relaxed) {
                drop(server::http::router(state.clone(), limits));
                routers_built.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let pages = ["/", "/forum", "/stories", "/wall", "/search?q=refund", "/signin", "/forum/c/billing", "/no/such/page"];
    let mut clients = Vec::new();
    for client_number in 0..6 {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("client");
        let base = app.base.clone();
        clients.push(tokio::spawn(async move {
            let (mut answered, mut stalled) = (0usize, Vec::new());
            let until = Instant::now() + Duration::from_secs(4);
            let mut turn = client_number;
            while Instant::now() < until {
                let path = pages[turn % pages.len()];
                turn += 1;
                let outcome = match client.get(format!("{base}{path}")).send().await {
                    Ok(response) => response.text().await.map(|_| ()),
                    Err(error) => Err(error),
                };
                match outcome {
                    Ok(()) => answered += 1,
                    Err(error) => stalled.push(format!("{path}: {error}")),
                }
            }
            (answered, stalled)
        }));
    }
    let (mut answered, mut stalled) = (0, Vec::new());
    for client in clients {
        let (ok, failed) = client.await.expect("client task");
        answered += ok;
        stalled.extend(failed);
    }
    stop.store(true, Ordering::Relaxed);
    builder.await.expect("router builder");
    let built = routers_built.load(Ordering::Relaxed);
    println!("{answered} pages answered, {} stalled, {built} routers built meanwhile", stalled.len());
    assert!(built > 10, "the test must build routers while pages render (built {built})");
    assert!(stalled.is_empty(), "{} of {} page requests never completed: {stalled:?}", stalled.len(), stalled.len() + answered);
    assert!(answered > 20, "too few pages answered to mean anything: {answered}");
}

/// A page made to hang on purpose (a table lock held by another connection) is cut off at the
/// deadline — a 503 when nothing was sent yet, a cut connection when the page was streaming —
/// logged with its route and the part that never got its data, and counted in `/healthz`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_hangs_is_cut_off_at_the_deadline() {
    support::logs::capture();
    let Some(database) = TestDb::postgres().await else { return };
    let app = TestApp::spawn_with(database, |config| config.page_deadline = Duration::from_secs(2)).await;
    let client = app.client();
    for page in ["/forum/c/billing", "/stories"] {
        assert_ne!(app.page_status(&client, page).await, reqwest::StatusCode::SERVICE_UNAVAILABLE, "{page} works before the lock");
    }

    use sqlx::Connection;
    let mut locker = sqlx::PgConnection::connect(&app.database.url).await.expect("connect");
    let mut lock = locker.begin().await.expect("begin");
    sqlx::query("LOCK TABLE forum_categories, stories IN ACCESS EXCLUSIVE MODE").execute(&mut *lock).await.expect("lock");

    // A page rendered whole before it is sent (SsrMode::Async): nothing was sent, so a 503.
    let started = Instant::now();
    let response = client.get(app.url("/forum/c/billing")).send().await.expect("an answer, not a hang");
    let waited = started.elapsed();
    assert_eq!(response.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.text().await.expect("body").contains("took too long"));
    assert!(waited >= Duration::from_secs(2) && waited < Duration::from_secs(8), "cut off after {waited:?}");

    // A streamed page: its shell went out already, so the connection is cut mid-page.
    let response = client.get(app.url("/stories")).send().await.expect("the streamed page starts");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body = response.text().await;
    assert!(body.is_err(), "a cut-off page must not look complete: {body:?}");

    lock.rollback().await.expect("unlock");
    let health: serde_json::Value = client.get(app.url("/healthz")).send().await.expect("healthz").json().await.expect("json");
    assert_eq!(health["pages_cut_off"], 2, "{health}");
    for page in ["/forum/c/billing", "/stories"] {
        assert_ne!(app.page_status(&client, page).await, reqwest::StatusCode::SERVICE_UNAVAILABLE, "{page} works again after the lock");
    }

    let logs = support::logs::text();
    for (route, part) in [("/forum/c/billing", "portal/forum/pages.rs"), ("/stories", "portal/stories/public_pages.rs")] {
        assert!(
            logs.lines().any(|line| line.contains("page cut off at its deadline")
                && line.contains(&format!("route={route} "))
                && line.contains(part)),
            "no error line names {route} and its unresolved part {part}:\n{logs}"
        );
    }
}
