//! A server at its limit of pages in flight refuses one more page at once (503, `Retry-After`)
//! instead of queueing it, keeps answering its probes and the API, counts what it refused, and
//! gives a place back only when its page has ended — a page the browser gave up on included.

use std::time::{Duration, Instant};

use crate::support::{TestApp, TestDb};

async fn health(client: &reqwest::Client, app: &TestApp) -> serde_json::Value {
    client.get(app.url("/healthz")).send().await.expect("healthz answers").json().await.expect("json")
}

/// Polls `/healthz` until `ready` holds (pages reach the database lock at their own pace).
async fn wait_for_health(
    client: &reqwest::Client,
    app: &TestApp,
    what: &str,
    ready: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let until = Instant::now() + Duration::from_secs(15);
    loop {
        let health = health(client, app).await;
        if ready(&health) {
            return health;
        }
        assert!(Instant::now() < until, "{what}: {health}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_beyond_the_limit_in_flight_is_refused_at_once() {
    let Some(database) = TestDb::postgres().await else { return };
    let app = TestApp::spawn_with(database, |config| {
        config.max_pages_in_flight = 2;
        config.page_deadline = Duration::from_secs(30);
    })
    .await;
    let client = app.client();
    let served = client.get(app.url("/forum")).send().await.expect("a page");
    assert_eq!(served.status(), reqwest::StatusCode::OK);
    served.text().await.expect("the whole page");
    wait_for_health(&client, &app, "a page read whole gives its place back", |h| h["pages_in_flight"] == 0).await;

    // Two pages wait for a table lock and hold both places.
    use sqlx::Connection;
    let mut locker = sqlx::PgConnection::connect(&app.database.url).await.expect("connect");
    let mut lock = locker.begin().await.expect("begin");
    sqlx::query("LOCK TABLE forum_categories IN ACCESS EXCLUSIVE MODE").execute(&mut *lock).await.expect("lock");
    let waiting = tokio::spawn(client.get(app.url("/forum/c/billing")).send());
    let given_up = tokio::spawn(client.get(app.url("/forum/c/billing")).send());
    wait_for_health(&client, &app, "both pages hold a place", |h| h["pages_in_flight"] == 2).await;
    // Watched from a connection of its own: a transaction sees one snapshot of the activity.
    let mut watcher = sqlx::PgConnection::connect(&app.database.url).await.expect("connect");
    let blocked = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
    let until = Instant::now() + Duration::from_secs(15);
    while sqlx::query_scalar::<_, i64>(blocked).fetch_one(&mut watcher).await.expect("activity") < 2 {
        assert!(Instant::now() < until, "both pages wait for the lock");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A third is refused at once, not queued behind them.
    let started = Instant::now();
    let refused = client.get(app.url("/forum")).send().await.expect("an answer");
    assert!(started.elapsed() < Duration::from_secs(2), "refused after {:?}", started.elapsed());
    assert_eq!(refused.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()["retry-after"], "2");
    assert!(refused.text().await.expect("body").contains("busier than it can serve"));
    assert_eq!(health(&client, &app).await["pages_refused_busy"], 1);
    // Probes and the API are not pages: they still answer.
    assert_eq!(client.get(app.url("/readyz")).send().await.expect("readyz").status(), reqwest::StatusCode::OK);
    assert_eq!(client.get(app.url("/api/v1/openapi.json")).send().await.expect("api").status(), reqwest::StatusCode::OK);

    // The browser gives up on one page: it keeps its place while it drains, until the lock goes.
    let cancelled_before = health(&client, &app).await["pages_cancelled"].as_u64().expect("a count");
    given_up.abort();
    wait_for_health(&client, &app, "the given-up page is cancelled", |h| h["pages_cancelled"].as_u64() > Some(cancelled_before)).await;
    assert_eq!(health(&client, &app).await["pages_in_flight"], 2, "a cancelled page still draining keeps its place");

    lock.rollback().await.expect("unlock");
    let answered = waiting.await.expect("task").expect("the waiting page answers");
    assert_eq!(answered.status(), reqwest::StatusCode::OK);
    answered.text().await.expect("the whole page");
    wait_for_health(&client, &app, "every place comes back", |h| h["pages_in_flight"] == 0 && h["page_tasks_running"] == 0).await;
    let again = client.get(app.url("/forum")).send().await.expect("a page");
    assert_eq!(again.status(), reqwest::StatusCode::OK, "pages are admitted again");
    assert_eq!(health(&client, &app).await["pages_refused_busy"], 1);
}
