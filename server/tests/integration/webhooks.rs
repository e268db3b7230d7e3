//! Webhooks end to end on both backends: an angry message through the API queues a
//! `risk.raised` delivery, the worker POSTs it signed to a real local receiver, and a failing
//! receiver gets retries with back-off until the delivery is marked failed.

use crate::support::{TestApp, TestDb};
use chrono::{Duration, Utc};

async fn webhook_flow(database: TestDb) {
    let app = TestApp::spawn(database).await;
    let db = app.database.db.clone();
    let (url, received) = crate::support::webhook_sink::start(200).await;
    app::data::webhooks::create(&db, &url, "s3cret-signing-key", "risk.raised", Utc::now()).await.unwrap();
    let (failing_url, failed_calls) = crate::support::webhook_sink::start(500).await;
    app::data::webhooks::create(&db, &failing_url, "other-key", "risk.raised conversation.resolved", Utc::now()).await.unwrap();

    let secret = app.config.resolve_session_secret().unwrap();
    let token = server::accounts::create_token(&db, &secret, "hooks").await.unwrap();
    let client = reqwest::Client::new();
    let post = |path: &'static str, body: serde_json::Value| {
        let request = client.post(app.url(&format!("/api/v1{path}"))).bearer_auth(&token).json(&body);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(post("/customers", serde_json::json!({"external_ref": "h1", "name": "Hana"})).await, 201);
    assert_eq!(
        post(
            "/messages",
            serde_json::json!({"idempotency_key": "h-m1", "customer_ref": "h1", "subject": "Fraud!",
            "channel": "email", "direction": "inbound",
            "body": "This is outrageous and unacceptable! Cancel my account now or my lawyer will hear about it."})
        )
        .await,
        201
    );

    // Test servers run no background worker: the test drives it, at chosen times. The
    // receivers listen on 127.0.0.1, which needs the private-targets setting.
    let worker = server::webhook_worker::client(app::webhooks::targets::TargetPolicy::AnyAddress);
    server::webhook_worker::deliver_due(&db, &worker, Utc::now()).await.unwrap();
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "one delivery to the healthy endpoint");
    let (headers, body) = &got[0];
    assert_eq!(headers["x-rapport-event"], "risk.raised");
    let timestamp: i64 = headers["x-rapport-timestamp"].to_str().unwrap().parse().unwrap();
    assert_eq!(headers["x-rapport-signature"].to_str().unwrap(), app::domain::webhooks::signature("s3cret-signing-key", timestamp, body));
    let payload: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(payload["event"], "risk.raised");
    assert!(payload["data"]["risk"]["score"].as_u64().unwrap() >= 55);

    // The failing endpoint is retried with growing pauses, then given up.
    let mut now = Utc::now();
    for _ in 0..10 {
        now += Duration::hours(1);
        server::webhook_worker::deliver_due(&db, &worker, now).await.unwrap();
    }
    let log = app::data::webhooks::recent_deliveries(&db, 10).await.unwrap();
    let failing = log.iter().find(|d| d.url == failing_url).unwrap();
    assert_eq!(failing.state, "failed");
    assert_eq!(failing.attempts, app::domain::webhooks::MAX_ATTEMPTS);
    assert_eq!(failing.last_status, Some(500));
    assert_eq!(failed_calls.lock().unwrap().len() as i64, app::domain::webhooks::MAX_ATTEMPTS);
    assert_eq!(received.lock().unwrap().len(), 1, "a delivered event is never sent twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_on_sqlite() {
    webhook_flow(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        webhook_flow(database).await;
    }
}

/// A furious question in the forum reaches the inbox through the same ingestion as the API:
/// its conversation's risk is raised, a journey starts, and `risk.raised` is queued for it.
async fn forum_question_raises_risk(database: TestDb) {
    let app = TestApp::spawn(database).await;
    let db = app.database.db.clone();
    app::data::webhooks::create(&db, "https://crm.example/hooks", "forum-key", "risk.raised", Utc::now()).await.unwrap();
    let billing = app::data::community::NewCategory { slug: "billing", name: "Billing", description: "Payments and invoices", position: 1 };
    app::data::community::ensure_category(&db, &billing).await.unwrap();
    let member = app.client();
    let signed_up = app
        .call(
            &member,
            "auth/sign_up",
            &[("display_name", "Fran Forum"), ("email", "fran@example.com"), ("password", "correct horse battery staple 42"), ("next", "")],
        )
        .await;
    assert!(signed_up.status().is_success() || signed_up.status().is_redirection(), "{}", signed_up.status());
    let started = app
        .call(
            &member,
            "community/start_thread",
            &[
                ("category", "billing"),
                ("title", "Charged twice, again"),
                ("kind", "question"),
                ("body", "This is outrageous and unacceptable! Cancel my account now or my lawyer will hear about it."),
            ],
        )
        .await;
    assert!(
        started.status().is_success() || started.status().is_redirection(),
        "{}: {}",
        started.status(),
        started.text().await.unwrap_or_default()
    );
    let conversation: i64 =
        app::on_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM conversations WHERE channel = 'forum'").fetch_one(pool).await)
            .unwrap();
    let payloads: Vec<String> = app::on_pool!(&db, pool => sqlx::query_scalar("SELECT payload FROM webhook_deliveries WHERE event = 'risk.raised'").fetch_all(pool).await).unwrap();
    assert_eq!(payloads.len(), 1, "{payloads:?}");
    let payload: serde_json::Value = serde_json::from_str(&payloads[0]).unwrap();
    assert_eq!(payload["data"]["conversation_id"], conversation);
    let journeys: Vec<String> =
        app::on_pool!(&db, pool => sqlx::query_scalar("SELECT issue_key FROM journeys").fetch_all(pool).await).unwrap();
    assert_eq!(journeys, [format!("conversation:{conversation}")]);
    let pending: i64 = app::data::ingest_effects::pending_count(&db).await.unwrap();
    assert_eq!(pending, 0, "nothing left for the worker");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forum_questions_raise_risk_on_sqlite() {
    forum_question_raises_risk(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forum_questions_raise_risk_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        forum_question_raises_risk(database).await;
    }
}
