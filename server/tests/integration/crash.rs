//! Crash tests: the server is killed with SIGKILL in the middle of bulk ingestion and in the
//! middle of journey sends, on SQLite and on Postgres. After a restart nothing acknowledged is
//! lost, nothing is stored or sent twice, and the database passes its integrity check.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::process::Instance;
use crate::support::smtp::SmtpSink;
use crate::support::TestDb;
use app::data::{Db, DbOptions};
use chrono::Utc;
use serde_json::{json, Value};

const PER_BATCH: usize = 50;

fn batch(keys: &[String]) -> Value {
    json!({"messages": keys.iter().map(|key| json!({
        "idempotency_key": key, "customer_ref": "crash-customer", "subject": "Crash test",
        "channel": "chat", "direction": "inbound", "body": format!("Message {key}: my parcel is late, please help."),
    })).collect::<Vec<_>>()})
}

async fn stored_keys(db: &Db) -> Vec<String> {
    app::on_pool!(db, pool => sqlx::query_scalar("SELECT idempotency_key FROM messages WHERE idempotency_key LIKE 'crash-%'").fetch_all(pool).await).unwrap()
}

/// A second pool on the test's database, as an operator's tool would open it.
async fn inspect(database: &TestDb) -> Db {
    Db::connect(&DbOptions { url: database.url.clone(), max_connections: 2 }).await.unwrap()
}

async fn assert_intact(server: &Instance, db: &Db) {
    assert_eq!(app::data::backup::integrity_problems(db).await.unwrap(), None);
    let checked = server.command(&["check"]).output().unwrap();
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
}

/// The server's API address, a token from its CLI, and a client; the customer "crash-customer"
/// exists.
async fn api_with_crash_customer(server: &Instance) -> (String, String, reqwest::Client) {
    let api = format!("{}/api/v1", server.base());
    let token = server.command(&["create-token", "--name", "crash"]).output().unwrap();
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let client = reqwest::Client::new();
    let created = client
        .post(format!("{api}/customers"))
        .bearer_auth(&token)
        .json(&json!({"external_ref": "crash-customer", "name": "Casey Crash"}))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success());
    (api, token, client)
}

async fn killed_during_ingestion(database: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Instance::new(&database.url, dir.path());
    server.start().await;
    let (api, token, client) = api_with_crash_customer(&server).await;

    // Two senders, batches of 50, until the server dies under them.
    let attempted = Arc::new(Mutex::new(Vec::<Vec<String>>::new()));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut senders = Vec::new();
    for sender in 0..2 {
        let (client, token, api, attempted, acknowledged) =
            (client.clone(), token.clone(), api.clone(), attempted.clone(), acknowledged.clone());
        senders.push(tokio::spawn(async move {
            for number in 0.. {
                let keys: Vec<String> = (0..PER_BATCH).map(|i| format!("crash-{sender}-{number}-{i}")).collect();
                attempted.lock().unwrap().push(keys.clone());
                match client.post(format!("{api}/messages/batch")).bearer_auth(&token).json(&batch(&keys)).send().await {
                    Ok(response) if response.status().is_success() => acknowledged.lock().unwrap().extend(keys),
                    _ => return,
                }
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 10 * PER_BATCH {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    for sender in senders {
        sender.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let attempted = attempted.lock().unwrap().clone();
    assert!(attempted.len() * PER_BATCH > acknowledged.len(), "some batches were in flight when the server died");

    server.start().await;
    let check = inspect(&database).await;
    let stored = stored_keys(&check).await;
    let stored_set: HashSet<&String> = stored.iter().collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|key| !stored_set.contains(key)).collect();
    assert!(lost.is_empty(), "{} acknowledged messages were lost, e.g. {:?}", lost.len(), lost.first());
    assert_eq!(stored_set.len(), stored.len(), "nothing is stored twice");

    // The client retries everything it is not sure of (here: every batch): nothing doubles.
    for keys in &attempted {
        let retried = client.post(format!("{api}/messages/batch")).bearer_auth(&token).json(&batch(keys)).send().await.unwrap();
        assert!(retried.status().is_success(), "{}", retried.text().await.unwrap_or_default());
    }
    let after = stored_keys(&check).await;
    assert_eq!(after.len(), attempted.len() * PER_BATCH, "every batch once, none twice");
    assert_intact(&server, &check).await;
    eprintln!(
        "killed with {} of {} messages acknowledged; {} stored at restart",
        acknowledged.len(),
        attempted.len() * PER_BATCH,
        stored.len()
    );
    check.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_ingestion_loses_and_doubles_nothing_on_sqlite() {
    killed_during_ingestion(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_ingestion_loses_and_doubles_nothing_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        killed_during_ingestion(database).await;
    }
}

const JOURNEYS: usize = 120;

/// Starts one journey per new customer; its acknowledgement is due at once.
async fn start_journeys(db: &Db, count: usize) -> Vec<i64> {
    let now = Utc::now();
    let steps = app::domain::journeys::plan(&app::domain::journeys::default_template(), now).unwrap();
    let values = app::domain::journeys::Personalization {
        customer_name: "Casey".into(),
        issue_summary: "the late parcel".into(),
        what_changed: "the courier was replaced.".into(),
        agent_name: "Sam".into(),
    };
    let mut customers = Vec::new();
    for n in 0..count {
        let reference = format!("journey-crash-{n}");
        let email = format!("{reference}@example.com");
        let (customer_id, _) = app::data::customers::upsert_by_ref(db, &reference, "Casey", Some(&email), None, now).await.unwrap();
        let journey = app::data::journeys::NewJourney {
            customer_id,
            conversation_id: None,
            template_id: None,
            issue_key: "crash:parcel",
            personalization: &values,
            started_at: now,
        };
        app::data::journeys::start(db, &journey, &steps).await.unwrap();
        customers.push(customer_id);
    }
    customers
}

async fn outbox_rows(db: &Db) -> Vec<(i64, String, String)> {
    app::on_pool!(db, pool => sqlx::query_as("SELECT customer_id, dedupe_key, delivery FROM outbox_messages ORDER BY id").fetch_all(pool).await).unwrap()
}

async fn killed_during_journey_sends(database: TestDb) {
    let smtp = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut server = Instance::new(&database.url, dir.path())
        .env("RAPPORT_SMTP_URL", smtp.url())
        .env("RAPPORT_MAIL_FROM", "Rapport Care <care@rapport.test>");
    let check = inspect(&database).await;
    let customers = start_journeys(&check, JOURNEYS).await;
    server.start().await;

    // The scheduler moves the acknowledgements to the outbox, the mail worker sends them
    // 20 at a time: kill it once some, not all, were handed to the mail server.
    let started = Instant::now();
    while smtp.messages().len() < 25 {
        assert!(started.elapsed() < Duration::from_secs(60), "no journey mail within a minute");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill();
    let at_kill = smtp.messages().len();
    assert!(at_kill < JOURNEYS, "the kill came before every mail was sent ({at_kill})");

    server.start().await;
    // What was claimed but not confirmed waits for its lease (2 minutes) to be sent again;
    // everything else must go now.
    let settled = Instant::now();
    let mut last = (usize::MAX, 0);
    loop {
        let rows = outbox_rows(&check).await;
        let sent = rows.iter().filter(|(.., delivery)| delivery == "sent").count();
        if (rows.len(), sent) == last && rows.len() == JOURNEYS {
            break;
        }
        last = (rows.len(), sent);
        assert!(settled.elapsed() < Duration::from_secs(90), "the outbox did not settle: {last:?}");
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    server.kill();

    let rows = outbox_rows(&check).await;
    let mut per_customer: HashMap<i64, usize> = HashMap::new();
    for (customer, ..) in &rows {
        *per_customer.entry(*customer).or_default() += 1;
    }
    for customer in &customers {
        assert_eq!(per_customer.get(customer), Some(&1), "customer {customer}: the acknowledgement reached the outbox exactly once");
    }
    let steps_sent: i64 = app::on_pool!(&check, pool => sqlx::query_scalar("SELECT COUNT(*) FROM journey_steps WHERE sent_at IS NOT NULL").fetch_one(pool).await).unwrap();
    assert_eq!(steps_sent as usize, JOURNEYS, "every step marked sent has its outbox row and no other step was sent");
    let unsent: Vec<_> = rows.iter().filter(|(.., delivery)| delivery != "sent" && delivery != "pending").collect();
    assert!(unsent.is_empty(), "no mail gave up: {unsent:?}");

    // Mail is at-least-once towards the mail server: a message it accepted just before the kill
    // may go again, with the same Message-ID so that mail clients fold it.
    let mut received: HashMap<String, usize> = HashMap::new();
    for message in smtp.messages() {
        *received.entry(message.message_id().expect("a Message-ID")).or_default() += 1;
    }
    let sent_rows = rows.iter().filter(|(.., delivery)| delivery == "sent").count();
    assert!(received.len() >= sent_rows, "every row marked sent was received ({} < {sent_rows})", received.len());
    let repeated = received.values().filter(|count| **count > 1).count();
    assert!(repeated <= 20, "at most the one batch in flight is repeated ({repeated})");
    assert!(received.values().all(|count| *count <= 2));
    server.start().await;
    assert_intact(&server, &check).await;
    eprintln!(
        "journey sends: killed after {at_kill} of {JOURNEYS} mails; after restart {sent_rows} marked sent, {} waiting for their lease, {repeated} received twice",
        rows.len() - sent_rows
    );
    check.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_journey_sends_loses_and_doubles_nothing_on_sqlite() {
    killed_during_journey_sends(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_journey_sends_loses_and_doubles_nothing_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        killed_during_journey_sends(database).await;
    }
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    app::on_pool!(db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await).unwrap()
}

/// The server is killed right after a furious message is committed and before anything
/// follows from it (the `ingest-after-commit` point). After a restart the conversation still
/// gets its risk, its recovery journey and its `risk.raised` webhook, each once, and the
/// client's retry is answered as a replay that changes nothing.
async fn killed_between_a_message_and_its_effects(database: TestDb) {
    let check = inspect(&database).await;
    let (hook_url, received) = crate::support::webhook_sink::start(200).await;
    app::data::webhooks::create(&check, &hook_url, "crash-signing-key", "risk.raised", Utc::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut server = Instance::new(&database.url, dir.path())
        .env("FAILPOINTS", "ingest-after-commit=pause")
        // The webhook receiver listens on 127.0.0.1.
        .env("RAPPORT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");
    server.start().await;
    let (api, token, client) = api_with_crash_customer(&server).await;
    let furious = json!({"messages": [{
        "idempotency_key": "crash-furious", "customer_ref": "crash-customer", "subject": "Fraud on my card",
        "channel": "email", "direction": "inbound",
        "body": "This is outrageous and unacceptable! Cancel my account now or my lawyer will hear about it.",
    }]});

    let request = {
        let (client, api, token, furious) = (client.clone(), api.clone(), token.clone(), furious.clone());
        tokio::spawn(async move { client.post(format!("{api}/messages/batch")).bearer_auth(&token).json(&furious).send().await })
    };
    // Committed: the server now stands at the point and will not go past it.
    let started = Instant::now();
    while stored_keys(&check).await.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(30), "the message was not stored");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(scalar(&check, "SELECT COUNT(*) FROM ingest_effects").await, 1, "the effect is recorded with the message");
    assert_eq!(scalar(&check, "SELECT COUNT(*) FROM journeys").await, 0);
    server.kill();
    assert!(request.await.unwrap().is_err(), "the client never got an answer");

    let mut server = server.env("FAILPOINTS", "");
    server.start().await;
    let conversation = scalar(&check, "SELECT conversation_id FROM messages WHERE idempotency_key = 'crash-furious'").await;
    // The restarted server takes the effect over when the dead one's lease (10 s) runs out.
    let started = Instant::now();
    while scalar(&check, "SELECT COUNT(*) FROM ingest_effects").await > 0 {
        assert!(started.elapsed() < Duration::from_secs(30), "the effect left behind was not finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let level: String = app::on_pool!(&check, pool => sqlx::query_scalar("SELECT risk_level FROM conversations WHERE id = $1").bind(conversation).fetch_one(pool).await).unwrap();
    assert!(level == "high" || level == "critical", "risk stored: {level}");
    let journeys = |db: Db| async move {
        app::on_pool!(&db, pool => sqlx::query_scalar::<_, String>("SELECT issue_key FROM journeys").fetch_all(pool).await).unwrap()
    };
    assert_eq!(journeys(check.clone()).await, [format!("conversation:{conversation}")]);
    let started = Instant::now();
    while received.lock().unwrap().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(30), "risk.raised was not delivered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let payload: serde_json::Value = serde_json::from_str(&received.lock().unwrap()[0].1).unwrap();
    assert_eq!(payload["event"], "risk.raised");
    assert_eq!(payload["data"]["conversation_id"], conversation);

    // The client retries what it never had an answer to: a replay, nothing new.
    let retried = client.post(format!("{api}/messages/batch")).bearer_auth(&token).json(&furious).send().await.unwrap();
    assert_eq!(retried.status(), 200);
    let retried: serde_json::Value = retried.json().await.unwrap();
    assert_eq!(retried["messages"][0]["created"], false);
    assert_eq!(retried["messages"][0]["conversation_id"], conversation);
    assert_eq!(journeys(check.clone()).await.len(), 1, "still one journey");
    assert_eq!(scalar(&check, "SELECT COUNT(*) FROM webhook_deliveries WHERE event = 'risk.raised'").await, 1, "one webhook");
    assert_eq!(scalar(&check, "SELECT COUNT(*) FROM ingest_effects").await, 0);
    assert_intact(&server, &check).await;
    check.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_between_a_message_and_its_effects_loses_none_of_them_on_sqlite() {
    killed_between_a_message_and_its_effects(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_between_a_message_and_its_effects_loses_none_of_them_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        killed_between_a_message_and_its_effects(database).await;
    }
}
