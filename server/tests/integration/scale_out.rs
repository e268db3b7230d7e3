//! Two stateless instances on one Postgres behind nginx (configured by
//! `server/deploy/nginx-proxy`), as in a deployment beyond one machine. Checks each thing that
//! must not depend on which instance a request reaches: sessions, live inbox events, the
//! journey scheduler (and its mail), and webhooks.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::process::{data_dir, free_port, Instance};
use crate::support::smtp::SmtpSink;
use crate::support::TestDb;
use app::data::Db;
use app::domain::accounts::Role;
use chrono::Utc;
use serde_json::json;

const SECRET: &str = "scale-out-test-secret-0123456789abcdef";
const PASSWORD: &str = "a long enough password for Sam";
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/nginx-proxy");

/// nginx started by the repo's script, in the foreground; stopped when dropped.
struct Proxy {
    base: String,
    dir: tempfile::TempDir,
    child: Child,
}

impl Proxy {
    async fn start(instances: &[&Instance]) -> Proxy {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut command = Command::new(SCRIPT);
        command.args(["--foreground", "--listen", &format!("127.0.0.1:{port}"), "--dir"]).arg(dir.path());
        for instance in instances {
            command.arg(instance.address());
        }
        // Its logs go to files in `dir`; its workers must not hold the test's output open.
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        let child = command.spawn().expect("run server/deploy/nginx-proxy");
        let proxy = Proxy { base: format!("http://127.0.0.1:{port}"), dir, child };
        let started = Instant::now();
        while !reqwest::get(format!("{}/readyz", proxy.base)).await.is_ok_and(|r| r.status().is_success()) {
            assert!(started.elapsed() < Duration::from_secs(20), "nginx did not start; see {}", proxy.dir.path().display());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        proxy
    }

    /// How many requests each instance answered, from nginx's access log.
    fn answered_by(&self) -> HashMap<String, usize> {
        let log = std::fs::read_to_string(self.dir.path().join("logs/access.log")).unwrap_or_default();
        let mut counts = HashMap::new();
        for line in log.lines() {
            if let Some(upstream) = line.split("upstream=").nth(1).and_then(|rest| rest.split_whitespace().next()) {
                *counts.entry(upstream.to_string()).or_default() += 1;
            }
        }
        counts
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // A fast shutdown through the master, which stops its workers; SIGKILL only if it hangs
        // (that would orphan the workers).
        let _ = Command::new(SCRIPT).arg("--stop").arg("--dir").arg(self.dir.path()).status();
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_installed() -> bool {
    Path::new("/usr/sbin/nginx").exists() || Command::new("nginx").arg("-v").output().is_ok_and(|output| output.status.success())
}

/// A browser-like client for `origin`: keeps cookies (for every port of 127.0.0.1, as
/// browsers do), sends that Origin.
fn browser(origin: &str, cookies: Arc<reqwest::cookie::Jar>) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, origin.parse().unwrap());
    reqwest::Client::builder()
        .cookie_provider(cookies)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn inbox_status(client: &reqwest::Client, base: &str) -> u16 {
    let response =
        client.post(format!("{base}/api/workspace/inbox")).form(&[("page", "1")]).timeout(Duration::from_secs(15)).send().await.unwrap();
    response.status().as_u16()
}

/// Reads a server-sent event stream until `needle` shows up (or the time runs out).
async fn wait_for_event(stream: &mut reqwest::Response, needle: &str, seen: &mut String) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !seen.contains(needle) {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Ok(Ok(Some(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            _ => return false,
        }
    }
    true
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    app::on_pool!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap()
}

async fn eventually(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < limit, "{what} did not happen within {limit:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_nginx_share_sessions_events_journeys_and_webhooks() {
    let Some(database) = TestDb::postgres().await else { return };
    if !nginx_installed() {
        if std::env::var("RAPPORT_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("nginx is required for the scale-out test (RAPPORT_REQUIRE_POSTGRES=1); .dev/setup installs it");
        }
        eprintln!("\n!!!! SKIPPED: the scale-out test needs nginx (apt-get install nginx) !!!!\n");
        return;
    }
    let db = database.db.clone();
    let smtp = SmtpSink::start().await;
    let (hook_url, deliveries) = crate::support::webhook_sink::start(200).await;
    app::data::webhooks::create(&db, &hook_url, "scale-out-signing-key", "risk.raised", Utc::now()).await.unwrap();

    let dirs = tempfile::tempdir().unwrap();
    let instance = |name: &str| {
        Instance::new(&database.url, &data_dir(dirs.path(), name))
            .env("RAPPORT_SESSION_SECRET", SECRET)
            .env("RAPPORT_TRUSTED_PROXIES", "127.0.0.1")
            .env("RAPPORT_SMTP_URL", smtp.url())
            .env("RAPPORT_MAIL_FROM", "Rapport Care <care@rapport.test>")
            // The webhook receiver listens on 127.0.0.1.
            .env("RAPPORT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true")
    };
    let (mut a, mut b) = (instance("a"), instance("b"));
    tokio::join!(a.start(), b.start());
    let proxy = Proxy::start(&[&a, &b]).await;

    // Sessions: signed in through the proxy, the session works on either instance directly,
    // and ends on both when it ends on one.
    server::accounts::create_user(&db, Role::Agent, "sam@example.com", Some("Sam Agent"), Some(PASSWORD.into())).await.unwrap();
    let cookies = Arc::new(reqwest::cookie::Jar::default());
    let agent = browser(&proxy.base, cookies.clone());
    let signed_in = agent
        .post(format!("{}/api/auth/sign_in", proxy.base))
        .form(&[("email", "sam@example.com"), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200, "{}", signed_in.text().await.unwrap_or_default());
    for _ in 0..6 {
        assert_eq!(inbox_status(&agent, &proxy.base).await, 200, "signed in, whichever instance answers");
    }
    for direct in [&a, &b] {
        assert_eq!(inbox_status(&browser(&direct.base(), cookies.clone()), &direct.base()).await, 200);
    }
    let answered = proxy.answered_by();
    assert!(
        answered.get(&a.address()).is_some_and(|n| *n > 0) && answered.get(&b.address()).is_some_and(|n| *n > 0),
        "nginx spread the requests over both instances: {answered:?}"
    );

    // Live inbox events: a message stored by instance A reaches inboxes open on B, directly
    // and through the proxy (unbuffered).
    let streaming = |base: String| {
        let client = browser(&base, cookies.clone());
        async move {
            let response = client.get(format!("{base}/api/workspace/events")).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response
        }
    };
    let mut on_b = streaming(b.base()).await;
    let mut through_proxy = streaming(proxy.base.clone()).await;
    let token = server::accounts::create_token(&db, SECRET.as_bytes(), "scale-out").await.unwrap();
    let api = reqwest::Client::new();
    let ingest = |base: String, n: usize, body: &'static str| {
        let (api, token) = (api.clone(), token.clone());
        async move {
            let customer = json!({"external_ref": format!("scale-{n}"), "name": format!("Customer {n}")});
            let created = api.post(format!("{base}/api/v1/customers")).bearer_auth(&token).json(&customer).send().await.unwrap();
            assert!(created.status().is_success(), "{}", created.status());
            let message = json!({"idempotency_key": format!("scale-{n}"), "customer_ref": format!("scale-{n}"), "subject": "Order",
                "channel": "email", "direction": "inbound", "body": body});
            let stored = api.post(format!("{base}/api/v1/messages")).bearer_auth(&token).json(&message).send().await.unwrap();
            assert_eq!(stored.status(), 201);
            stored.json::<serde_json::Value>().await.unwrap()["conversation_id"].as_i64().unwrap()
        }
    };
    let published = Instant::now();
    let conversation = ingest(a.base(), 0, "Where is my order? It was due on Monday.").await;
    let needle = format!("\"conversation_id\":{conversation}");
    let (mut seen_b, mut seen_proxy) = (String::new(), String::new());
    assert!(wait_for_event(&mut on_b, &needle, &mut seen_b).await, "B heard A's message: {seen_b:?}");
    let heard_after = published.elapsed();
    assert!(wait_for_event(&mut through_proxy, &needle, &mut seen_proxy).await, "the proxied stream heard it: {seen_proxy:?}");

    // Webhooks: angry messages through the proxy land on both instances; both webhook workers
    // poll the same table, and each delivery is made exactly once.
    const ANGRY: usize = 12;
    for n in 1..=ANGRY {
        ingest(proxy.base.clone(), n, "This is outrageous and unacceptable! Cancel my account now or my lawyer will hear about it.").await;
    }
    eventually("every webhook delivery", Duration::from_secs(30), async || {
        count(&db, "SELECT COUNT(*) FROM webhook_deliveries WHERE state <> 'delivered'").await == 0
            && count(&db, "SELECT COUNT(*) FROM webhook_deliveries").await >= ANGRY as i64
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await; // two more polls of each worker
    let rows = count(&db, "SELECT COUNT(*) FROM webhook_deliveries").await as usize;
    let received: Vec<String> = deliveries
        .lock()
        .unwrap()
        .iter()
        .map(|(headers, _)| headers.get("x-rapport-delivery").and_then(|v| v.to_str().ok()).unwrap_or("?").to_string())
        .collect();
    let mut unique = received.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((received.len(), unique.len()), (rows, rows), "each delivery once: {received:?}");

    // The journey scheduler runs on both instances: every step goes to the outbox once, and
    // the mail workers of both send each message once.
    const JOURNEYS: usize = 40;
    let now = Utc::now();
    let steps = app::domain::journeys::plan(&app::domain::journeys::default_template(), now).unwrap();
    let values = app::domain::journeys::Personalization {
        customer_name: "Kim".into(),
        issue_summary: "the missing order".into(),
        what_changed: "it left the warehouse today.".into(),
        agent_name: "Sam".into(),
    };
    for n in 0..JOURNEYS {
        let reference = format!("journey-{n}");
        let (customer_id, _) =
            app::data::customers::upsert_by_ref(&db, &reference, "Kim", Some(&format!("{reference}@example.com")), None, now)
                .await
                .unwrap();
        let journey = app::data::journeys::NewJourney {
            customer_id,
            conversation_id: None,
            template_id: None,
            issue_key: "order:missing",
            personalization: &values,
            started_at: now,
        };
        app::data::journeys::start(&db, &journey, &steps).await.unwrap();
    }
    eventually("every acknowledgement mailed", Duration::from_secs(40), async || {
        count(&db, "SELECT COUNT(*) FROM outbox_messages WHERE delivery = 'sent'").await >= JOURNEYS as i64
    })
    .await;
    tokio::time::sleep(Duration::from_secs(6)).await; // another scheduler pass on each instance
    assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox_messages").await, JOURNEYS as i64, "one outbox row per step");
    let mut message_ids: Vec<String> = smtp.messages().iter().filter_map(|m| m.message_id()).collect();
    assert_eq!(message_ids.len(), JOURNEYS, "each mail handed over once");
    message_ids.sort();
    message_ids.dedup();
    assert_eq!(message_ids.len(), JOURNEYS);

    // Signing out on B ends the session on A and behind the proxy too.
    let signed_out = browser(&b.base(), cookies.clone()).post(format!("{}/api/auth/sign_out", b.base())).send().await.unwrap();
    assert!(signed_out.status().is_success() || signed_out.status().is_redirection(), "{}", signed_out.status());
    assert_eq!(inbox_status(&browser(&a.base(), cookies.clone()), &a.base()).await, 401);
    assert_eq!(inbox_status(&agent, &proxy.base).await, 401);
    eprintln!(
        "scale-out: requests per instance {answered:?}; A's message heard on B after {heard_after:?}; {rows} webhook deliveries once each; {JOURNEYS} journey mails once each"
    );
}
