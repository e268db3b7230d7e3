//! The OpenAPI document is generated from the code; this test keeps it true: every documented
//! route is called with a valid request, and the answer must be a documented status whose
//! body has the documented required fields.

mod support;

use serde_json::{json, Value};
use support::{TestApp, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_answers_as_documented() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let secret = app.config.resolve_session_secret().unwrap();
    let token = server::accounts::create_token(&app.database.db, &secret, "openapi-check")
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let doc: Value = client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());

    // A valid request per documented route, in an order where each can succeed.
    let examples: Vec<(&str, &str, Option<Value>)> = vec![
        ("get", "/me", None),
        (
            "post",
            "/customers",
            Some(json!({"external_ref": "doc-1", "name": "Doc Tester"})),
        ),
        (
            "post",
            "/messages",
            Some(
                json!({"idempotency_key": "doc-m1", "customer_ref": "doc-1", "subject": "Hello",
            "channel": "chat", "direction": "inbound", "body": "Where is my parcel? I'm worried."}),
            ),
        ),
        (
            "post",
            "/messages/batch",
            Some(json!({"messages": [
                {"idempotency_key": "doc-m2", "customer_ref": "doc-1", "subject": "Thanks",
                 "channel": "email", "direction": "inbound", "body": "Thank you, it works now."}
            ]})),
        ),
        (
            "post",
            "/events",
            Some(
                json!({"idempotency_key": "doc-e1", "customer_ref": "doc-1", "kind": "purchase", "value": 12.5}),
            ),
        ),
        (
            "post",
            "/csat",
            Some(
                json!({"idempotency_key": "doc-c1", "customer_ref": "doc-1", "conversation_id": 1, "score": 4}),
            ),
        ),
    ];
    let documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let exercised: Vec<(String, String)> = examples
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let mut sorted_documented = documented.clone();
    sorted_documented.sort();
    let mut sorted_exercised = exercised.clone();
    sorted_exercised.sort();
    assert_eq!(
        sorted_documented, sorted_exercised,
        "the test exercises exactly the documented routes"
    );

    for (method, path, body) in examples {
        let url = app.url(&format!("/api/v1{path}"));
        let request = match method {
            "get" => client.get(&url),
            _ => client.post(&url).json(body.as_ref().unwrap()),
        };
        let response = request.bearer_auth(&token).send().await.unwrap();
        let status = response.status().as_u16().to_string();
        let answer: Value = response.json().await.unwrap();
        let operation = &doc["paths"][path][method];
        let documented_response = &operation["responses"][&status];
        assert!(
            documented_response.is_object(),
            "{method} {path} answered {status}, which is not documented: {answer}"
        );
        assert!(
            status.starts_with('2'),
            "{method} {path} with a valid request: {status} {answer}"
        );
        // The documented body's required fields are present.
        let schema = &documented_response["content"]["application/json"]["schema"];
        let name = schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
        let required = doc["components"]["schemas"][name]["required"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for field in required {
            let field = field.as_str().unwrap();
            assert!(
                answer.get(field).is_some(),
                "{method} {path}: `{field}` missing in {answer}"
            );
        }
    }
}
