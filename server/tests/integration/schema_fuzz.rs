//! Schemathesis against the served OpenAPI document, with every check (`--checks all`), on
//! SQLite and on Postgres. It generates requests from the document, valid and invalid ones, and
//! fails on any 5xx, any status, header or body the document does not describe, any valid
//! request refused and any invalid one accepted. So the document has to say exactly what the
//! API does, and the API has to survive whatever a client generated from it can send.
//!
//! Schemathesis is pinned in `.dev/schemathesis-requirements.txt`; `.dev/schemathesis` installs
//! it into `target/schemathesis-venv` on first use (`.dev/setup` does so ahead of time).
//! `schema_fuzz_hooks.py` points valid requests at customers and conversations created here and
//! sends JSON as UTF-8; `schema_fuzz.toml` counts a 413 as a refusal.
//!
//! Tuning: RAPPORT_FUZZ_SECONDS (time budget per backend, default 75), RAPPORT_FUZZ_EXAMPLES
//! (most cases per operation and phase, default 100), RAPPORT_FUZZ_SEED (a number, or `random`;
//! default a fixed seed, so a CI run is repeatable). A failure prints Schemathesis's report with
//! a `curl` line that reproduces each problem.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{TestApp, TestDb};
use serde_json::{json, Value};

const SCHEMATHESIS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../.dev/schemathesis");
const HOOKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schema_fuzz_hooks.py");
const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schema_fuzz.toml");
const DEFAULT_SEED: &str = "20261206";
/// Customers (and one conversation each) that valid generated requests are pointed at.
const SEEDED_CUSTOMERS: usize = 3;

/// Both backends share two cores with the server under test: one run at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_on_sqlite() {
    fuzz("SQLite", TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        fuzz("Postgres", database).await;
    }
}

fn setting(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_string())
}

async fn fuzz(backend: &str, database: TestDb) {
    let _turn = ONE_AT_A_TIME.lock().await;
    // No request budget: a 429 would hide what the request itself gets (it is tested on its own).
    let app = TestApp::spawn_with(database, |config| config.api_requests_per_minute = 0).await;
    let secret = app.config.resolve_session_secret().unwrap();
    let token = server::accounts::create_token(&app.database.db, &secret, "schemathesis").await.unwrap();
    let customers = seed(&app, &token).await;

    let seconds: u64 = setting("RAPPORT_FUZZ_SECONDS", "75").parse().expect("RAPPORT_FUZZ_SECONDS is a number");
    let examples = setting("RAPPORT_FUZZ_EXAMPLES", "100");
    let seed = match setting("RAPPORT_FUZZ_SEED", DEFAULT_SEED).as_str() {
        "random" => (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 1_000_000_007).to_string(),
        seed => seed.to_string(),
    };
    let scratch = tempfile::tempdir().unwrap();
    let mut command = Command::new(SCHEMATHESIS);
    command
        .args(["--config-file", CONFIG])
        .arg("run")
        .arg(app.url("/api/v1/openapi.json"))
        .args(["--checks", "all"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--max-examples", &examples])
        .args(["--max-time", &seconds.to_string()])
        .args(["--seed", &seed])
        .args(["--workers", "2"])
        .args(["--request-timeout", "20"])
        .args(["--generation-database", "none"])
        .args(["--output-truncate", "false"])
        // Show idempotency keys and the (throwaway) token, so the `curl` lines reproduce.
        .args(["--output-sanitize", "false"])
        .arg("--no-color")
        // Its working directory: nothing is left behind in the repository.
        .current_dir(scratch.path())
        .env("SCHEMATHESIS_HOOKS", HOOKS)
        .env("RAPPORT_FUZZ_CUSTOMERS", customers.to_string())
        // No `__pycache__` beside the hooks file.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120");
    eprintln!("schema fuzz on {backend}: {seconds} s, seed {seed} (RAPPORT_FUZZ_SEED={seed} repeats it)");
    let started = Instant::now();
    // Installing Schemathesis on first use takes a while on top of the budget.
    let limit = Duration::from_secs(seconds + 240);
    let (code, output) = tokio::task::spawn_blocking(move || run(command, limit)).await.unwrap();
    let took = started.elapsed();
    eprintln!("schema fuzz on {backend} took {:.0} s", took.as_secs_f64());
    drop(scratch);
    assert!(code == Some(0), "Schemathesis found problems on {backend} (exit {code:?}, seed {seed}):\n{output}");
    // The run really tested every operation, with many cases (a schema it cannot read, or
    // hooks that fail, would test little or nothing).
    let documented = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json::<Value>().await.unwrap()["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum::<usize>();
    assert!(
        output.contains(&format!("Selected: {documented}/{documented}")) && output.contains(&format!("Tested: {documented}\n")),
        "not all {documented} operations were tested on {backend}:\n{output}"
    );
    let generated: u64 =
        output.lines().find_map(|line| line.trim().split_once(" generated").and_then(|(n, _)| n.parse().ok())).unwrap_or(0);
    assert!(generated >= 300, "only {generated} cases on {backend}:\n{output}");
    eprintln!("schema fuzz on {backend}: {generated} cases, no problem found");
    // The server is still well.
    let me = reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.status(), reqwest::StatusCode::OK);
}

/// Customers with a conversation each, as `{"customer_ref": conversation_id}`.
async fn seed(app: &TestApp, token: &str) -> Value {
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value| client.post(app.url(&format!("/api/v1{path}"))).bearer_auth(token).json(&body).send();
    let mut customers = serde_json::Map::new();
    for n in 1..=SEEDED_CUSTOMERS {
        let reference = format!("fuzz-customer-{n}");
        let created = post("/customers", json!({"external_ref": reference, "name": format!("Fuzz Customer {n}")})).await.unwrap();
        assert!(created.status().is_success(), "seed customer: {}", created.status());
        let opened = post(
            "/messages",
            json!({"idempotency_key": format!("fuzz-seed-{n}"), "customer_ref": reference, "subject": "Seed",
                   "channel": "email", "direction": "inbound", "body": "Hello, my order has not arrived."}),
        )
        .await
        .unwrap();
        assert!(opened.status().is_success(), "seed conversation: {}", opened.status());
        let message: Value = opened.json().await.unwrap();
        customers.insert(reference, message["conversation_id"].clone());
    }
    Value::Object(customers)
}

/// Runs `command` to its end or until `limit`, with stdout and stderr as one text.
fn run(mut command: Command, limit: Duration) -> (Option<i32>, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", Path::new(SCHEMATHESIS).display()));
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut output = out.join().unwrap_or_default();
    output.push_str(&err.join().unwrap_or_default());
    match status {
        Some(status) => (status.code(), output),
        None => (None, format!("{output}\n(killed after {} s)", limit.as_secs())),
    }
}
