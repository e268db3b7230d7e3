//! The OpenAPI document is generated from the code; this test keeps it true: every documented
//! route is called with a valid request, and the answer must be a documented status whose
//! body has the documented required fields.

use crate::support::{TestApp, TestDb};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_answers_as_documented() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let secret = app.config.resolve_session_secret().unwrap();
    let token = server::accounts::create_token(&app.database.db, &secret, "openapi-check").await.unwrap();
    let client = reqwest::Client::new();
    let doc: Value = client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    states_the_rules(&doc);

    // An agent's chat reply, sent to the integrator as `message.outbound`, to report on.
    let outgoing = {
        let db = &app.database.db;
        app::data::customers::upsert_by_ref(db, "doc-out", "Doc Outbound", None, None, chrono::Utc::now()).await.unwrap();
        let ingestion = app::ingestion::Ingestion::local(db.clone(), Default::default());
        let opened = app::ingestion::ingest_message_batch(
            &ingestion,
            app::ingestion::MessageBatchIn {
                messages: vec![app::ingestion::MessageIn {
                    idempotency_key: "doc-out-1".into(),
                    customer_ref: "doc-out".into(),
                    conversation_id: None,
                    subject: Some("Chat".into()),
                    channel: "chat".into(),
                    direction: "inbound".into(),
                    body: "Hello?".into(),
                    sent_at: None,
                }],
            },
        )
        .await
        .unwrap();
        let context = app::data::deliveries::reply_context(db, opened.messages[0].conversation_id).await.unwrap().unwrap();
        app::data::webhooks::create(db, "https://crm.example/hooks", "doc-key", "message.outbound", chrono::Utc::now()).await.unwrap();
        server::accounts::create_user(db, app::domain::accounts::Role::Agent, "doc-agent@example.com", Some("Doc Agent"), None)
            .await
            .unwrap();
        let agent: i64 = app::data::on_pool!(db, pool => sqlx::query_scalar("SELECT id FROM users WHERE email = 'doc-agent@example.com'").fetch_one(pool).await).unwrap();
        let reply = app::channels::replies::Reply {
            author_user_id: agent,
            author_name: "Doc Agent",
            body: "Hello! How can we help?",
            tone: app::data::conversations::ReplyTone { seen: "", sent: "" },
        };
        app::channels::replies::send(db, &context, &reply, true, chrono::Utc::now()).await.unwrap().unwrap().0
    };

    // A valid request per documented route, in an order where each can succeed.
    let examples: Vec<(&str, &str, Option<Value>)> = vec![
        ("get", "/me", None),
        ("post", "/customers", Some(json!({"external_ref": "doc-1", "name": "Doc Tester"}))),
        (
            "post",
            "/messages",
            Some(json!({"idempotency_key": "doc-m1", "customer_ref": "doc-1", "subject": "Hello",
            "channel": "chat", "direction": "inbound", "body": "Where is my parcel? I'm worried."})),
        ),
        (
            "post",
            "/messages/batch",
            Some(json!({"messages": [
                {"idempotency_key": "doc-m2", "customer_ref": "doc-1", "subject": "Thanks",
                 "channel": "email", "direction": "inbound", "body": "Thank you, it works now."}
            ]})),
        ),
        ("post", "/messages/{id}/delivery", Some(json!({"status": "failed", "reason": "The chat session had ended."}))),
        ("post", "/events", Some(json!({"idempotency_key": "doc-e1", "customer_ref": "doc-1", "kind": "purchase", "value": 12.5}))),
        ("post", "/csat", Some(json!({"idempotency_key": "doc-c1", "customer_ref": "doc-1", "conversation_id": 1, "score": 4}))),
    ];
    let documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |method| (method.clone(), path.clone())))
        .collect();
    let exercised: Vec<(String, String)> = examples.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    let mut sorted_documented = documented.clone();
    sorted_documented.sort();
    let mut sorted_exercised = exercised.clone();
    sorted_exercised.sort();
    assert_eq!(sorted_documented, sorted_exercised, "the test exercises exactly the documented routes");

    for (method, path, mut body) in examples {
        let url = app.url(&format!("/api/v1{}", path.replace("{id}", &outgoing.to_string())));
        if path == "/csat" {
            // The rating is for the conversation the examples above opened.
            let opened: i64 = app::data::on_pool!(&app.database.db, pool => sqlx::query_scalar(
                "SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.external_ref = 'doc-1' ORDER BY c.id LIMIT 1",
            ).fetch_one(pool).await).unwrap();
            body.as_mut().unwrap()["conversation_id"] = json!(opened);
        }
        let request = match method {
            "get" => client.get(&url),
            _ => client.post(&url).json(body.as_ref().unwrap()),
        };
        let response = request.bearer_auth(&token).send().await.unwrap();
        let status = response.status().as_u16().to_string();
        let answer: Value = response.json().await.unwrap();
        let operation = &doc["paths"][path][method];
        let documented_response = &operation["responses"][&status];
        assert!(documented_response.is_object(), "{method} {path} answered {status}, which is not documented: {answer}");
        assert!(status.starts_with('2'), "{method} {path} with a valid request: {status} {answer}");
        // The documented body's required fields are present.
        let schema = &documented_response["content"]["application/json"]["schema"];
        let name = schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
        let required = doc["components"]["schemas"][name]["required"].as_array().cloned().unwrap_or_default();
        for field in required {
            let field = field.as_str().unwrap();
            assert!(answer.get(field).is_some(), "{method} {path}: `{field}` missing in {answer}");
        }
    }
}

/// The document states the rules in the schema, where generators and fuzzers read them, and
/// names every refusal a client can meet. (`schema_fuzz.rs` checks them against the server.)
fn states_the_rules(doc: &Value) {
    let schemas = &doc["components"]["schemas"];
    // A message schema is its fields plus "conversation_id or subject".
    let message = &schemas["MessageIn"]["allOf"];
    let fields = &message[0]["properties"];
    assert_eq!(message[0]["additionalProperties"], false, "unknown fields are refused");
    let either: Vec<&Value> = message[1]["anyOf"].as_array().unwrap().iter().map(|b| &b["required"][0]).collect();
    assert_eq!(either, [&json!("conversation_id"), &json!("subject")]);

    assert_eq!(fields["channel"]["enum"], json!(["email", "chat", "social", "phone", "forum"]));
    assert_eq!(fields["direction"]["enum"], json!(["inbound", "outbound"]));
    assert_eq!(schemas["EventIn"]["properties"]["kind"]["enum"], json!(["purchase", "cancellation", "return_visit"]));

    // A delivery report is its fields plus "a failure says why".
    let report = &schemas["DeliveryReport"]["allOf"];
    assert_eq!(report[0]["properties"]["status"]["enum"], json!(["delivered", "failed"]));
    let cases: Vec<&Value> = report[1]["anyOf"].as_array().unwrap().iter().map(|case| &case["required"]).collect();
    assert_eq!(cases, [&json!(["status"]), &json!(["status", "reason"])]);

    let batch = &schemas["MessageBatchIn"]["properties"]["messages"];
    assert_eq!((batch["minItems"].as_u64(), batch["maxItems"].as_u64()), (Some(1), Some(500)));
    assert_eq!(batch["items"]["$ref"], "#/components/schemas/MessageIn");

    let score = &schemas["CsatIn"]["properties"]["score"];
    assert_eq!((score["minimum"].as_i64(), score["maximum"].as_i64()), (Some(1), Some(5)));
    assert_eq!(schemas["EventIn"]["properties"]["value"]["minimum"], 0);

    // Every text field the API states a rule for: not empty, not blank, its maximum, no refused
    // control character. The table is the API's own; the document must carry each rule.
    assert_eq!(server::api_v1::TEXT_FIELDS.len(), 14, "a text rule was added or dropped: change this count deliberately");
    assert!(server::api_v1::TEXT_FIELDS.contains(&("MessageIn", "body", 20_000)));
    for &(schema, field, max) in server::api_v1::TEXT_FIELDS {
        let properties = match schema {
            "MessageIn" => fields,
            "DeliveryReport" => &report[0]["properties"],
            _ => &schemas[schema]["properties"],
        };
        let property = &properties[field];
        assert_eq!(property["minLength"], 1, "{schema}.{field}: {property}");
        assert_eq!(property["maxLength"], max, "{schema}.{field}: {property}");
        assert!(property["pattern"].is_string(), "{schema}.{field}: {property}");
    }
    assert!(schemas["CustomerUpsert"]["properties"]["email"]["pattern"].as_str().unwrap().contains('@'));
    for (schema, required) in [
        ("CustomerUpsert", vec!["external_ref", "name"]),
        ("EventIn", vec!["idempotency_key", "customer_ref", "kind"]),
        ("CsatIn", vec!["idempotency_key", "customer_ref", "conversation_id", "score"]),
    ] {
        let mut listed: Vec<&str> = schemas[schema]["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        listed.sort();
        let mut required = required;
        required.sort();
        assert_eq!(listed, required, "{schema}");
    }

    // The refusals, where they occur: 401 and 429 everywhere (the rate limit is per token; on
    // the message endpoint it points at the batch endpoint), 413, 415 and 422 wherever a body
    // is read.
    let operations = [
        ("get", "/me", false),
        ("post", "/customers", true),
        ("post", "/messages", true),
        ("post", "/messages/batch", true),
        ("post", "/messages/{id}/delivery", true),
        ("post", "/events", true),
        ("post", "/csat", true),
    ];
    for (method, path, has_body) in operations {
        let responses = &doc["paths"][path][method]["responses"];
        let mut statuses = vec!["401", "429"];
        if has_body {
            statuses.extend(["413", "415", "422"]);
        }
        for status in statuses {
            let response = &responses[status];
            assert_eq!(
                response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
                "{method} {path} documents {status}: {responses}"
            );
        }
        assert!(responses["401"]["headers"]["WWW-Authenticate"].is_object(), "{method} {path}");
    }
    let too_many = doc["paths"]["/messages"]["post"]["responses"]["429"]["description"].as_str().unwrap();
    assert!(too_many.contains("/messages/batch"), "{too_many}");
    assert!(doc["paths"]["/messages/batch"]["post"]["responses"]["413"]["description"].as_str().unwrap().contains("4 MiB"));
}

/// The documented refusals are what the server answers: 415 for a body that is not JSON, 413
/// for one over the limit, 429 past the token's budget (pointing at the batch endpoint).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_refusals_happen() {
    let app = TestApp::spawn_with(TestDb::sqlite().await, |config| config.api_requests_per_minute = 3).await;
    let secret = app.config.resolve_session_secret().unwrap();
    let token = server::accounts::create_token(&app.database.db, &secret, "openapi-refusals").await.unwrap();
    let client = reqwest::Client::new();
    let doc: Value = client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let documented = |path: &str, status: u16| doc["paths"][path]["post"]["responses"][status.to_string()].is_object();
    let mut refused = Vec::new();
    for (what, content_type, body) in [
        ("a form", "application/x-www-form-urlencoded", b"external_ref=x".to_vec()),
        ("a large body", "application/json", format!("{{\"name\": \"{}\"}}", "x".repeat(140 * 1024)).into_bytes()),
    ] {
        let response = client
            .post(app.url("/api/v1/customers"))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap();
        assert!(answer["error"].is_string() && answer["message"].is_string(), "{what}: {answer}");
        refused.push(status);
    }
    assert_eq!(refused, [415, 413]);
    assert!(documented("/customers", 415) && documented("/customers", 413));
    let me = client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.status().as_u16(), 200, "the 3rd request");
    let message = json!({"idempotency_key": "r-1", "customer_ref": "nobody", "subject": "Hi", "channel": "chat", "direction": "inbound", "body": "Hi"});
    let response = client.post(app.url("/api/v1/messages")).bearer_auth(&token).json(&message).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 429, "the 4th request of a 3-per-minute token");
    let answer: Value = response.json().await.unwrap();
    assert!(answer["message"].as_str().unwrap().contains("/messages/batch"), "{answer}");
    assert!(documented("/messages", 429));
}
