//! A browser that goes away mid-page (a closed tab, a load client dropping its requests) ends
//! its page quietly: no error log, no panic, no task of the page left running. Before page
//! tasks were scoped to their page (`server::page_tasks`), such cancellations logged
//! "AppState missing from the request context" and once panicked with "use_resolved_path
//! outside a <Router>"; before their pending data was drained (`server::ended_pages`), their
//! renders stayed in memory for good.

mod support;

use std::time::{Duration, Instant};

use futures::StreamExt;

use support::{TestApp, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_dropped_mid_flight_end_quietly_and_leave_nothing_running() {
    support::logs::capture();
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let seed = server::seed::SeedOptions { customers: 40, threads: 6, ..Default::default() };
    server::seed::seed_demo(&app.database.db, &seed).await.expect("seed");
    let agent = app.signed_in("agent@rapport.demo", server::seed::DEMO_PASSWORD).await;
    let inbox = agent.get(app.url("/workspace")).send().await.expect("inbox").text().await.expect("html");
    let conversations: Vec<String> = inbox
        .split("/workspace/c/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|id| format!("/workspace/c/{id}"))
        .take(5)
        .collect();
    assert!(!conversations.is_empty(), "the inbox lists conversations");
    let mut pages: Vec<String> =
        ["/workspace", "/workspace/kpis", "/workspace/coaching", "/account", "/", "/forum", "/stories", "/wall", "/search?q=refund"]
            .into_iter()
            .map(str::to_string)
            .collect();
    pages.extend(conversations);

    // Each request is given up after a few milliseconds — before, during or after the render.
    // A few at a time, so that the server is rendering them when they are given up (all at once,
    // they could all time out still queued, before any render started).
    let requests = (0..240u64).map(|n| {
        let request = agent.get(app.url(&pages[n as usize % pages.len()])).timeout(Duration::from_millis(1 + n % 25)).send();
        async move {
            if let Ok(response) = request.await {
                let _ = response.bytes().await;
            }
        }
    });
    futures::stream::iter(requests).buffer_unordered(6).collect::<Vec<()>>().await;

    // Every page's tasks end with its response (the gauge is process-wide: this binary runs
    // no other test).
    let health = |gauge: &'static str| {
        let request = agent.get(app.url("/healthz")).send();
        async move {
            let body: serde_json::Value = request.await.expect("healthz").json().await.expect("json");
            body[gauge].as_u64().expect("gauge")
        }
    };
    let until = Instant::now() + Duration::from_secs(10);
    let mut running = health("page_tasks_running").await;
    while running > 0 && Instant::now() < until {
        tokio::task::yield_now().await;
        running = health("page_tasks_running").await;
    }
    assert_eq!(running, 0, "tasks of cancelled pages are still running");

    // ...and their renders leave memory. Before a cancelled page's pending data was drained,
    // its resources and its hydration context kept each other alive for good (5 to 38 of some
    // 70 cancelled pages here). One render still stays now and then (in about one run of fifteen;
    // never two in 240 runs), bounded here by the two worker threads: see the README, *Known
    // open problems*.
    assert!(health("pages_cancelled").await > 0, "some pages were left mid-render");
    let mut in_memory = health("ended_pages_in_memory").await;
    while in_memory > 0 && Instant::now() < until {
        tokio::task::yield_now().await;
        in_memory = health("ended_pages_in_memory").await;
    }
    assert!(in_memory <= 2, "{in_memory} renders of cancelled pages are still in memory");

    // The server still answers every page whole.
    for path in &pages {
        let response = agent.get(app.url(path)).send().await.expect("page");
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.text().await.expect("the whole page");
    }
    let logs = support::logs::text();
    assert!(!logs.contains("ERROR") && !logs.contains("PANIC"), "cancelled pages must end quietly:\n{logs}");
}
