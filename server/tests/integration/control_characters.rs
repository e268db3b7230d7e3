//! Security review finding 1 (high): U+0000 in any text made Postgres fail the statement (500)
//! and, through the group commit, failed up to 164 of 175 valid messages sent beside it; SQLite
//! stored it. Now every text input — API, forms, query strings, paths — refuses control
//! characters (but tab and line breaks) with a 422 that names the field, alike on both backends,
//! and a bad message fails alone.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "a long enough password";

async fn count(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    app::on_pool!(&app.database.db, pool => sqlx::query_scalar(&sql).fetch_one(pool).await).expect("count")
}

fn message(key: &str, body: &str) -> Value {
    json!({ "idempotency_key": key, "customer_ref": "c-1", "subject": "Order 1182", "channel": "email", "direction": "inbound", "body": body })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_in_every_input_on_both_backends() {
    crate::support::each_backend_app(|app| async move {
        let secret = app.config.resolve_session_secret().expect("secret");
        let token = server::accounts::create_token(&app.database.db, &secret, "sync").await.expect("token");
        let api = reqwest::Client::new();
        let post = |path: &str, body: Value| {
            let request = api.post(app.url(&format!("/api/v1{path}"))).bearer_auth(&token).json(&body);
            async move {
                let response = request.send().await.expect("request");
                let status = response.status();
                (status, response.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let (status, _) = post("/customers", json!({ "external_ref": "c-1", "name": "Dana Diaz" })).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, first) = post("/messages", message("m-ok", "Where is my parcel?")).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let conversation = first["conversation_id"].clone();
        let (customers, messages, events) = (count(&app, "customers").await, count(&app, "messages").await, count(&app, "customer_events").await);

        let mut with_subject = message("m-2", "fine");
        with_subject["subject"] = json!("Order\u{0}1182");
        let cases = [
            ("/customers", json!({ "external_ref": "c-2", "name": "Dana\u{0}" }), "name"),
            ("/customers", json!({ "external_ref": "c\u{0}2", "name": "Dana" }), "external_ref"),
            ("/customers", json!({ "external_ref": "c-2", "name": "Dana", "email": "d\u{1b}@example.com" }), "email"),
            ("/messages", message("m-1", "bad\u{0}body"), "body"),
            ("/messages", with_subject, "subject"),
            ("/messages", message("m\u{0}3", "fine"), "idempotency_key"),
            ("/messages/batch", json!({ "messages": [message("b-1", "fine"), message("b-2", "bell\u{7}")] }), "messages[1].body"),
            ("/csat", json!({ "idempotency_key": "s-1", "customer_ref": "c-1", "conversation_id": conversation, "score": 2, "comment": "meh\u{0}" }), "comment"),
            ("/events", json!({ "idempotency_key": "e-1", "customer_ref": "c-1", "kind": "purchase", "note": "x\u{85}y" }), "note"),
        ];
        for (path, body, field) in cases {
            let (status, answer) = post(path, body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {field}: {answer}");
            assert_eq!(answer["error"], "invalid", "{answer}");
            assert!(answer["fields"][field].as_str().is_some_and(|problem| problem.contains("control characters")), "{path}: names {field}: {answer}");
        }
        assert_eq!((count(&app, "customers").await, count(&app, "messages").await, count(&app, "customer_events").await), (customers, messages, events), "nothing was stored");

        // Many valid messages at once with one bad one: only the bad one fails.
        let mut sends = Vec::new();
        for n in 0..40 {
            let body = if n == 17 { "nul \u{0} inside".to_string() } else { format!("Parcel {n} is late") };
            sends.push(tokio::spawn(post("/messages", message(&format!("burst-{n}"), &body))));
        }
        for (n, send) in sends.into_iter().enumerate() {
            let (status, answer) = send.await.expect("send");
            let expected = if n == 17 { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::CREATED };
            assert_eq!(status, expected, "message {n}: {answer}");
        }
        assert_eq!(count(&app, "messages").await, messages + 39);

        // Forms and server functions, query strings and paths.
        app.create_staff(app::domain::accounts::Role::Customer, "dana@example.com", PASSWORD).await;
        let member = app.signed_in("dana@example.com", PASSWORD).await;
        let threads = count(&app, "forum_threads").await;
        for (fields, field) in [
            ([("category", "getting-started"), ("title", "Help\u{0}"), ("kind", "question"), ("body", "How do I start?")], "title"),
            ([("category", "getting-started"), ("title", "Help me"), ("kind", "question"), ("body", "How\u{0} do I start?")], "body"),
        ] {
            let response = app.call(&member, "community/start_thread", &fields).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            let error: Value = response.json().await.expect("json error");
            assert_eq!(error["error"], "invalid", "{error}");
            assert!(error["fields"][field].is_string(), "{error}");
        }
        assert_eq!(count(&app, "forum_threads").await, threads, "no thread was stored");
        for path in ["/search?q=refund%00", "/forum/c/billing%00", "/forum/t/1%01"] {
            let response = member.get(app.url(path)).header("accept", "text/html").send().await.expect("page");
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            assert!(response.text().await.expect("text").contains("control characters"), "{path}");
        }
        // Line breaks and tabs are text.
        let (status, answer) = post("/messages", message("m-lines", "Line one\r\nline two\tand a tab")).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    })
    .await;
}
