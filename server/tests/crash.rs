//! Crash test: the server is killed with SIGKILL in the middle of bulk ingestion, on SQLite
//! and on Postgres. After a restart every acknowledged message is stored, retrying every batch
//! (acknowledged or not) stores nothing twice, and the database passes its integrity check.

mod support;

use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::data::{Db, DbOptions};
use serde_json::{json, Value};
use support::TestDb;

const PER_BATCH: usize = 50;

struct Server {
    url: String,
    data_dir: std::path::PathBuf,
    port: u16,
}

impl Server {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
        command
            .args(args)
            .env_remove("RAPPORT_CONFIG")
            .env("RAPPORT_DATABASE_URL", &self.url)
            .env("RAPPORT_DATA_DIR", &self.data_dir)
            .env("RAPPORT_BIND", format!("127.0.0.1:{}", self.port))
            .env("RAPPORT_LOG", "error");
        command
    }

    async fn start(&self) -> Child {
        let child = self.command(&["serve"]).spawn().expect("start rapport serve");
        let ready = format!("http://127.0.0.1:{}/readyz", self.port);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if reqwest::get(&ready).await.is_ok_and(|r| r.status().is_success()) {
                return child;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not become ready");
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}/api/v1", self.port)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn batch(keys: &[String]) -> Value {
    json!({"messages": keys.iter().map(|key| json!({
        "idempotency_key": key, "customer_ref": "crash-customer", "subject": "Crash test",
        "channel": "chat", "direction": "inbound", "body": format!("Message {key}: my parcel is late, please help."),
    })).collect::<Vec<_>>()})
}

async fn stored_keys(db: &Db) -> Vec<String> {
    app::on_pool!(db, pool => sqlx::query_scalar("SELECT idempotency_key FROM messages WHERE idempotency_key LIKE 'crash-%'").fetch_all(pool).await).unwrap()
}

async fn killed_during_ingestion(database: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server { url: database.url.clone(), data_dir: dir.path().to_path_buf(), port: free_port() };
    let mut process = server.start().await;
    let token = server.command(&["create-token", "--name", "crash"]).output().unwrap();
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let client = reqwest::Client::new();
    let created = client.post(format!("{}/customers", server.base())).bearer_auth(&token).json(&json!({"external_ref": "crash-customer", "name": "Casey Crash"})).send().await.unwrap();
    assert!(created.status().is_success());

    // Two senders, batches of 50, until the server dies under them.
    let attempted = Arc::new(Mutex::new(Vec::<Vec<String>>::new()));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut senders = Vec::new();
    for sender in 0..2 {
        let (client, token, base, attempted, acknowledged) = (client.clone(), token.clone(), server.base(), attempted.clone(), acknowledged.clone());
        senders.push(tokio::spawn(async move {
            for number in 0.. {
                let keys: Vec<String> = (0..PER_BATCH).map(|i| format!("crash-{sender}-{number}-{i}")).collect();
                attempted.lock().unwrap().push(keys.clone());
                match client.post(format!("{base}/messages/batch")).bearer_auth(&token).json(&batch(&keys)).send().await {
                    Ok(response) if response.status().is_success() => acknowledged.lock().unwrap().extend(keys),
                    _ => return,
                }
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 10 * PER_BATCH {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    process.kill().unwrap(); // SIGKILL
    process.wait().unwrap();
    for sender in senders {
        sender.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let attempted = attempted.lock().unwrap().clone();
    assert!(attempted.len() * PER_BATCH > acknowledged.len(), "some batches were in flight when the server died");

    let mut process = server.start().await;
    let check = Db::connect(&DbOptions { url: database.url.clone(), max_connections: 2 }).await.unwrap();
    let stored = stored_keys(&check).await;
    let stored_set: std::collections::HashSet<&String> = stored.iter().collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|key| !stored_set.contains(key)).collect();
    assert!(lost.is_empty(), "{} acknowledged messages were lost, e.g. {:?}", lost.len(), lost.first());
    assert_eq!(stored_set.len(), stored.len(), "nothing is stored twice");

    // The client retries everything it is not sure of (here: every batch): nothing doubles.
    for keys in &attempted {
        let retried = client.post(format!("{}/messages/batch", server.base())).bearer_auth(&token).json(&batch(keys)).send().await.unwrap();
        assert!(retried.status().is_success(), "{}", retried.text().await.unwrap_or_default());
    }
    let after = stored_keys(&check).await;
    assert_eq!(after.len(), attempted.len() * PER_BATCH, "every batch once, none twice");
    assert_eq!(app::data::backup::integrity_problems(&check).await.unwrap(), None);
    let checked = server.command(&["check"]).output().unwrap();
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    eprintln!("killed with {} of {} messages acknowledged; {} stored at restart", acknowledged.len(), attempted.len() * PER_BATCH, stored.len());
    check.close().await;
    process.kill().unwrap();
    process.wait().unwrap();
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
