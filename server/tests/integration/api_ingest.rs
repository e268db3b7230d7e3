//! The ingestion API on a real server, on SQLite and on Postgres: customers, messages scored
//! on the way in, events and CSAT, idempotency, validation errors, risk.

use crate::support::{TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Api {
    app: TestApp,
    client: reqwest::Client,
    token: String,
}

impl Api {
    async fn start(database: TestDb) -> Api {
        let app = TestApp::spawn(database).await;
        let secret = app.config.resolve_session_secret().unwrap();
        let token = server::accounts::create_token(&app.database.db, &secret, "crm-sync").await.unwrap();
        Api { app, client: reqwest::Client::new(), token }
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self.client.post(self.app.url(&format!("/api/v1{path}"))).bearer_auth(&self.token).json(&body).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

async fn ingestion_flow(database: TestDb) {
    let api = Api::start(database).await;

    let (status, customer) =
        api.post("/customers", json!({"external_ref": "c-42", "name": "Dana Diaz", "email": "Dana@Example.com"})).await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    assert_eq!(customer["created"], true);
    let (status, again) = api.post("/customers", json!({"external_ref": "c-42", "name": "Dana D. Diaz", "plan": "pro"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], customer["id"]);

    let angry = json!({
        "idempotency_key": "msg-1",
        "customer_ref": "c-42",
        "subject": "Charged twice",
        "channel": "email",
        "direction": "inbound",
        "body": "You charged my card twice! This is the third time I'm asking. Fix it or I cancel my subscription."
    });
    let (status, first) = api.post("/messages", angry.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["created"], true);
    assert_eq!(first["analysis"]["situation"]["situation"], "billing");
    assert_eq!(first["analysis"]["guidance"]["approach"], "resolve_first");
    let intents: Vec<&str> = first["analysis"]["intents"].as_array().unwrap().iter().map(|i| i["intent"].as_str().unwrap()).collect();
    assert!(intents.contains(&"churn") && intents.contains(&"repeat_contact"), "{intents:?}");
    let score = first["risk"]["score"].as_u64().unwrap();
    assert!(score >= 30, "a churn threat after repeat contact is at least medium risk: {}", first["risk"]);
    assert_ne!(first["risk"]["level"], "low");
    let factors: Vec<&str> = first["risk"]["factors"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert!(factors.contains(&"churn_intent"), "{factors:?}");

    // A retry with the same key writes nothing and answers with the same ids.
    let (status, replay) = api.post("/messages", angry).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(replay["created"], false);
    assert_eq!(replay["message_id"], first["message_id"]);
    let conversation_id = first["conversation_id"].as_i64().unwrap();
    let stored: i64 = app::data::conversations::page(&api.app.database.db, conversation_id).await.unwrap().unwrap().messages.len() as i64;
    assert_eq!(stored, 1, "the retried message was not stored twice");

    // An outbound reply into the same conversation stops the waiting clock.
    let (status, reply) = api
        .post(
            "/messages",
            json!({"idempotency_key": "msg-2", "customer_ref": "c-42", "conversation_id": conversation_id,
                   "channel": "email", "direction": "outbound", "body": "I'm sorry, the duplicate is refunded."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    assert!(reply["analysis"].is_null());

    // A bad CSAT raises the risk; an event with its own key is idempotent too.
    let (status, csat) = api
        .post("/csat", json!({"idempotency_key": "csat-1", "customer_ref": "c-42", "conversation_id": conversation_id, "score": 1}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{csat}");
    let csat_factors = csat["risk"]["factors"].as_array().unwrap();
    assert!(csat_factors.iter().any(|f| f["key"] == "bad_csat"), "{csat}");
    let reopened = app::data::conversations::page(&api.app.database.db, conversation_id).await.unwrap().unwrap();
    assert_eq!(reopened.conversation.status.key(), "open", "a bad rating reopens the conversation");
    assert!(reopened.conversation.waiting_since.is_some());
    // The disappointment starts one recovery journey for the conversation (a high risk or the
    // bad rating, whichever came first), with the default three steps; a second trigger adds none.
    let db = &api.app.database.db;
    let journeys: Vec<(i64, String)> = app::data::on_pool!(db, pool =>
        sqlx::query_as("SELECT id, state FROM journeys WHERE conversation_id = $1").bind(conversation_id).fetch_all(pool).await)
    .unwrap();
    assert_eq!(journeys.len(), 1, "{journeys:?}");
    assert_eq!(journeys[0].1, "active");
    let steps = app::data::journeys::steps_of(db, journeys[0].0).await.unwrap();
    assert_eq!(steps.len(), 3);
    let (status, _) = api
        .post("/csat", json!({"idempotency_key": "csat-1", "customer_ref": "c-42", "conversation_id": conversation_id, "score": 1}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, event) =
        api.post("/events", json!({"idempotency_key": "ev-1", "customer_ref": "c-42", "kind": "purchase", "value": 49.5})).await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    assert!(event["risk"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingestion_on_sqlite() {
    ingestion_flow(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingestion_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        ingestion_flow(database).await;
    }
}

fn message(key: &str, customer_ref: &str, body: &str) -> Value {
    json!({"idempotency_key": key, "customer_ref": customer_ref, "subject": "Batch",
           "channel": "chat", "direction": "inbound", "body": body})
}

async fn batch_ingestion(database: TestDb) {
    let api = Api::start(database).await;
    for (reference, name) in [("b-1", "Bo One"), ("b-2", "Bea Two")] {
        let (status, _) = api.post("/customers", json!({"external_ref": reference, "name": name})).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let count = || async { app::data::conversations::count_messages(&api.app.database.db).await.unwrap() };

    // One bad message refuses the whole batch, and every problem is named by its index.
    let (status, refused) = api
        .post(
            "/messages/batch",
            json!({"messages": [
                message("batch-1", "b-1", "Thanks a lot!"),
                message("batch-2", "nobody", "Hello?"),
                message("batch-3", "b-2", "   "),
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["fields"]["messages[1].customer_ref"], "no customer has this reference; upsert the customer first");
    assert_eq!(refused["fields"]["messages[2].body"], "must not be empty");
    assert!(refused["fields"]["messages[0].body"].is_null());
    assert_eq!(count().await, 0, "nothing of a refused batch is stored");

    let batch = json!({"messages": [
        message("batch-1", "b-1", "Thanks a lot, that fixed it!"),
        message("batch-2", "b-2", "You charged me twice and nobody answers. I want a refund NOW."),
        message("batch-1", "b-1", "Thanks a lot, that fixed it!"),
    ]});
    let (status, stored) = api.post("/messages/batch", batch.clone()).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    let results = stored["messages"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["created"], true);
    assert_eq!(results[1]["created"], true);
    assert_eq!(results[2]["created"], false, "a key repeated inside the batch is stored once");
    assert_eq!(results[2]["message_id"], results[0]["message_id"]);
    assert_eq!(results[1]["analysis"]["situation"]["situation"], "billing");
    assert!(results[1]["risk"]["score"].as_u64().unwrap() > results[0]["risk"]["score"].as_u64().unwrap(), "{stored}");
    assert_eq!(count().await, 2);

    let (status, replayed) = api.post("/messages/batch", batch).await;
    assert_eq!(status, StatusCode::OK);
    assert!(replayed["messages"].as_array().unwrap().iter().all(|m| m["created"] == false));
    assert_eq!(replayed["messages"][1]["message_id"], results[1]["message_id"]);
    assert_eq!(count().await, 2, "a retried batch writes nothing");

    // Several messages into one existing conversation are applied in order: the customer
    // writes, we answer (the clock stops, the conversation waits on them), they write again
    // (it reopens and waits on us from that message on).
    let theirs_id = results[0]["conversation_id"].clone();
    let conversation = |id: &Value| {
        let db = api.app.database.db.clone();
        let id = id.as_i64().unwrap();
        async move { app::data::conversations::page(&db, id).await.unwrap().unwrap().conversation }
    };
    let into = |key: &str, direction: &str, body: &str, at: &str| {
        let mut m = message(key, "b-1", body);
        m["conversation_id"] = theirs_id.clone();
        m["direction"] = json!(direction);
        m["sent_at"] = json!(at);
        m
    };
    let (status, replies) = api
        .post(
            "/messages/batch",
            json!({"messages": [
                into("thread-1", "inbound", "Actually it broke again.", "2026-01-05T10:00:00Z"),
                into("thread-2", "outbound", "Sorry! Fixed it for good now.", "2026-01-05T10:05:00Z"),
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{replies}");
    let after_reply = conversation(&theirs_id).await;
    assert_eq!(after_reply.status.key(), "pending");
    assert_eq!(after_reply.waiting_since, None, "our reply stopped the clock");
    assert_eq!(after_reply.last_excerpt.as_deref(), Some("Sorry! Fixed it for good now."));
    let (status, _) = api
        .post(
            "/messages/batch",
            json!({"messages": [
                into("thread-3", "outbound", "Anything else?", "2026-01-05T10:06:00Z"),
                into("thread-4", "inbound", "Yes, the invoice is wrong too.", "2026-01-05T10:10:00Z"),
                into("thread-5", "inbound", "Hello??", "2026-01-05T10:20:00Z"),
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let waiting = conversation(&theirs_id).await;
    assert_eq!(waiting.status.key(), "open");
    assert_eq!(
        waiting.waiting_since.map(|at| at.to_rfc3339()),
        Some("2026-01-05T10:10:00+00:00".to_string()),
        "waiting since their first unanswered message"
    );
    assert_eq!(waiting.last_excerpt.as_deref(), Some("Hello??"));
    assert_eq!(count().await, 7);

    // A conversation of another customer, deep in the batch.
    let foreign = results[1]["conversation_id"].clone();
    let mut theirs = message("batch-4", "b-1", "Following up");
    theirs["conversation_id"] = foreign;
    let (status, refused) = api.post("/messages/batch", json!({"messages": [message("batch-5", "b-1", "One more thing"), theirs]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["fields"]["messages[1].conversation_id"].is_string(), "{refused}");
    assert_eq!(count().await, 7, "the valid message before it was rolled back");

    // A full batch opens its conversations and stores every message with its own ids.
    let full: Vec<Value> =
        (0..500).map(|n| message(&format!("full-{n}"), if n % 2 == 0 { "b-1" } else { "b-2" }, "Where is my parcel?")).collect();
    let (status, stored) = api.post("/messages/batch", json!({"messages": full})).await;
    assert_eq!(status, StatusCode::OK);
    let stored = stored["messages"].as_array().unwrap();
    let distinct = |field: &str| stored.iter().map(|m| m[field].as_i64().unwrap()).collect::<std::collections::HashSet<_>>().len();
    assert_eq!(distinct("message_id"), 500);
    assert_eq!(distinct("conversation_id"), 500);
    assert!(stored.iter().all(|m| m["created"] == true && m["risk"]["score"].is_u64()));
    assert_eq!(count().await, 507);

    let (status, empty) = api.post("/messages/batch", json!({"messages": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty["fields"]["messages"], "must hold 1 to 500 messages (got 0)");
    let too_many: Vec<Value> = (0..501).map(|n| message(&format!("many-{n}"), "b-1", "hi")).collect();
    let (status, _) = api.post("/messages/batch", json!({"messages": too_many})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_ingestion_on_sqlite() {
    batch_ingestion(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_ingestion_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        batch_ingestion(database).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_field_by_field_errors() {
    let api = Api::start(TestDb::sqlite().await).await;
    let (status, body) = api
        .post("/messages", json!({"idempotency_key": "", "customer_ref": "nobody", "channel": "fax", "direction": "sideways", "body": " "}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "invalid");
    assert_eq!(body["fields"]["channel"], "must be one of: email, chat, social, phone, forum");
    assert_eq!(body["fields"]["body"], "must not be empty");
    assert_eq!(body["fields"]["idempotency_key"], "must not be empty");
    assert_eq!(body["fields"]["subject"], "is required when no conversation_id is given");
    assert!(body["message"].as_str().unwrap().contains("channel must be one of"));

    let (status, body) = api.post("/customers", json!({"external_ref": "x", "name": "X", "shoe_size": 44})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("unknown field `shoe_size`"), "{body}");

    let (status, body) = api
        .post(
            "/messages",
            json!({"idempotency_key": "k", "customer_ref": "nobody", "subject": "s", "channel": "chat", "direction": "inbound", "body": "hi"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["customer_ref"], "no customer has this reference; upsert the customer first");

    let (status, body) =
        api.post("/csat", json!({"idempotency_key": "k", "customer_ref": "nobody", "conversation_id": 1, "score": 9})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["score"], "must be a whole number from 1 to 5");

    let huge = "a".repeat(200 * 1024);
    let (status, body) = api
        .post(
            "/messages",
            json!({"idempotency_key": "k2", "customer_ref": "nobody", "subject": "s", "channel": "chat", "direction": "inbound", "body": huge}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    let anonymous = api.client.post(api.app.url("/api/v1/messages")).json(&json!({})).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_of_another_customer_is_refused() {
    let api = Api::start(TestDb::sqlite().await).await;
    for reference in ["a", "b"] {
        api.post("/customers", json!({"external_ref": reference, "name": reference})).await;
    }
    let (_, first) = api
        .post("/messages", json!({"idempotency_key": "m1", "customer_ref": "a", "subject": "Hi", "channel": "chat", "direction": "inbound", "body": "Hello"}))
        .await;
    let (status, body) = api
        .post(
            "/messages",
            json!({"idempotency_key": "m2", "customer_ref": "b", "conversation_id": first["conversation_id"], "channel": "chat", "direction": "inbound", "body": "Sneaky"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["conversation_id"], "this customer has no conversation with this id");
}

/// Many integrations post at once, some retrying the same key, some naming a customer that
/// does not exist: one-message requests are stored together (group commit), yet each bad
/// message gets its own error, the good ones are stored once, nothing doubles.
async fn concurrent_ingestion(database: TestDb) {
    let api = std::sync::Arc::new(Api::start(database).await);
    api.post("/customers", json!({"external_ref": "busy", "name": "Busy Bee"})).await;
    let tasks: Vec<_> = (0..40)
        .map(|n| {
            let api = api.clone();
            tokio::spawn(async move {
                // Keys repeat: 40 requests, 20 distinct messages.
                let key = format!("burst-{}", n % 20);
                api.post(
                    "/messages",
                    json!({"idempotency_key": key, "customer_ref": "busy", "subject": format!("Burst {}", n % 20),
                           "channel": "chat", "direction": "inbound", "body": "Still waiting for my refund!"}),
                )
                .await
            })
        })
        .collect();
    let strangers: Vec<_> = (0..10)
        .map(|n| {
            let api = api.clone();
            tokio::spawn(async move {
                api.post(
                    "/messages",
                    json!({"idempotency_key": format!("stranger-{n}"), "customer_ref": "nobody", "subject": "Hi",
                           "channel": "chat", "direction": "inbound", "body": "Who am I?"}),
                )
                .await
            })
        })
        .collect();
    for stranger in strangers {
        let (status, body) = stranger.await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"]["customer_ref"], "no customer has this reference; upsert the customer first");
    }
    let mut created = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{status}: {body}");
        if status == StatusCode::CREATED {
            created += 1;
        }
    }
    assert_eq!(created, 20, "each idempotency key creates exactly one message");
    let stored = app::data::conversations::count_messages(&api.app.database.db).await.unwrap();
    assert_eq!(stored, 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ingestion_on_sqlite() {
    concurrent_ingestion(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ingestion_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        concurrent_ingestion(database).await;
    }
}

/// Every API route, sent every kind of malformed request: each gets a clear 4xx with a JSON
/// error, never a 500, and nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_refused_clearly_everywhere() {
    let api = Api::start(TestDb::sqlite().await).await;
    // Over the single-request limit, yet small enough to sit in the socket's buffer, so the
    // client reads the 413 instead of a reset (batches have their own, larger limit).
    let big = format!("{{\"body\": \"{}\"}}", "x".repeat(160 * 1024));
    let bodies: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "application/json"),
        ("invalid UTF-8", vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'], "application/json"),
        ("truncated", b"{\"idempotency_key\": ".to_vec(), "application/json"),
        ("null", b"null".to_vec(), "application/json"),
        ("an array", b"[1, 2, 3]".to_vec(), "application/json"),
        ("wrong types", br#"{"idempotency_key": 5, "customer_ref": [], "score": "five", "messages": {}}"#.to_vec(), "application/json"),
        ("a huge number", br#"{"conversation_id": 1e999, "score": 99999999999999999999999}"#.to_vec(), "application/json"),
        ("not JSON", b"idempotency_key=k".to_vec(), "application/x-www-form-urlencoded"),
        ("oversized", big.into_bytes(), "application/json"),
    ];
    for route in ["/customers", "/messages", "/messages/batch", "/events", "/csat"] {
        for (what, body, content_type) in &bodies {
            if *what == "oversized" && route == "/messages/batch" {
                continue;
            }
            let response = api
                .client
                .post(api.app.url(&format!("/api/v1{route}")))
                .bearer_auth(&api.token)
                .header("content-type", *content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = response.status();
            let json: Value = response.json().await.unwrap_or(Value::Null);
            assert!(status.is_client_error(), "{route} with {what}: {status} {json}");
            assert!(
                json["error"].is_string() && json["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{route} with {what}: a JSON error: {json}"
            );
        }
    }
    for (path, expected) in [("/api/v1/nothing-here", StatusCode::NOT_FOUND), ("/api/v1/customers/%ff%fe", StatusCode::NOT_FOUND)] {
        let response = api.client.get(api.app.url(path)).bearer_auth(&api.token).send().await.unwrap();
        assert_eq!(response.status(), expected, "{path}");
    }
    let stored: i64 =
        app::on_pool!(&api.app.database.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM customers").fetch_one(pool).await).unwrap();
    assert_eq!(stored, 0, "nothing malformed was stored");
}

/// Each API token has a request budget per minute; past it, a clear 429 that points at the
/// batch endpoint, and other tokens are not affected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_are_rate_limited() {
    let app = TestApp::spawn_with(TestDb::sqlite().await, |config| config.api_requests_per_minute = 3).await;
    let secret = app.config.resolve_session_secret().unwrap();
    let busy = server::accounts::create_token(&app.database.db, &secret, "busy").await.unwrap();
    let quiet = server::accounts::create_token(&app.database.db, &secret, "quiet").await.unwrap();
    let client = reqwest::Client::new();
    let me = |token: &str| client.get(app.url("/api/v1/me")).bearer_auth(token).send();
    for _ in 0..3 {
        assert_eq!(me(&busy).await.unwrap().status(), StatusCode::OK);
    }
    let limited = me(&busy).await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
    assert!(body["message"].as_str().unwrap().contains("/messages/batch"), "{body}");
    assert_eq!(me(&quiet).await.unwrap().status(), StatusCode::OK, "the limit is per token");
}

/// Found by the schema fuzzer: replaying an event's idempotency key with another
/// `conversation_id` answered with that conversation and its risk — another customer's, or a
/// 500 for an id that does not exist. A replay answers with the stored event's own
/// conversation; a key used for another customer's event is a 409 (nothing stored).
async fn replayed_events_keep_their_own_conversation(database: TestDb) {
    let api = Api::start(database).await;
    let mut conversations = Vec::new();
    for customer in ["a", "b"] {
        let (status, _) = api.post("/customers", json!({ "external_ref": customer, "name": format!("Customer {customer}") })).await;
        assert_eq!(status, StatusCode::CREATED);
        let message = json!({ "idempotency_key": format!("m-{customer}"), "customer_ref": customer, "subject": "Order", "channel": "email", "direction": "inbound", "body": "Where is my order?" });
        let (status, stored) = api.post("/messages", message).await;
        assert_eq!(status, StatusCode::CREATED, "{stored}");
        conversations.push(stored["conversation_id"].as_i64().unwrap());
    }
    let (status, first) =
        api.post("/csat", json!({ "idempotency_key": "k", "customer_ref": "a", "conversation_id": conversations[0], "score": 4 })).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, replay) =
        api.post("/csat", json!({ "idempotency_key": "k", "customer_ref": "a", "conversation_id": 999_999, "score": 4 })).await;
    assert_eq!(status, StatusCode::OK, "{replay}");
    assert_eq!((replay["created"].clone(), replay["conversation_id"].clone()), (json!(false), json!(conversations[0])), "{replay}");
    let (status, other) =
        api.post("/csat", json!({ "idempotency_key": "k", "customer_ref": "b", "conversation_id": conversations[1], "score": 4 })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{other}");
    assert_eq!(other["error"], "conflict", "{other}");
    assert!(
        !other.to_string().contains(&format!("\"conversation_id\":{}", conversations[1])),
        "nothing of b's conversation is told: {other}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_events_keep_their_own_conversation_on_both_backends() {
    replayed_events_keep_their_own_conversation(TestDb::sqlite().await).await;
    if let Some(database) = TestDb::postgres().await {
        replayed_events_keep_their_own_conversation(database).await;
    }
}
