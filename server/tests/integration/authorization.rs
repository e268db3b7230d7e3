//! The authorization matrix (ASVS 4.1–4.2): every server function and API route, called by
//! each kind of caller — anonymous, a customer, another customer, an agent, marketing, an
//! admin — is allowed or refused exactly as this one table says. "Allowed" means the role
//! check let the call through (it may still fail validation or find nothing); "refused" is
//! 401 for anonymous callers and 403 for signed-in ones.

use crate::support::{TestApp, TestDb};
use app::domain::accounts::Role;
use reqwest::StatusCode;

const PASSWORD: &str = "a long enough password";

/// Who may call an endpoint.
#[derive(Clone, Copy, Debug, PartialEq)]
enum May {
    Anyone,
    SignedIn,
    Customers,
    /// Agents and admins (the workspace).
    Workspace,
    /// Marketing and admins (the studio).
    Studio,
    /// Agents, marketing and admins: the KPI and moderation pages.
    Staff,
    /// Staff, or the customer whose row it is (the ids here are never the customers' own).
    StaffOrOwner,
    Admins,
}

const CALLERS: [&str; 6] = ["anonymous", "customer", "other customer", "agent", "marketing", "admin"];

fn allowed(may: May, caller: &str) -> bool {
    match may {
        May::Anyone => true,
        May::SignedIn => caller != "anonymous",
        May::Customers => caller.contains("customer"),
        May::Workspace => matches!(caller, "agent" | "admin"),
        May::Studio => matches!(caller, "marketing" | "admin"),
        May::Staff | May::StaffOrOwner => matches!(caller, "agent" | "marketing" | "admin"),
        May::Admins => caller == "admin",
    }
}

/// Every server function but sign-in, sign-up and sign-out (which change who is calling and
/// are tested in `http.rs`).
const SERVER_FUNCTIONS: &[(&str, May)] = &[
    ("account/erase", May::Customers),
    ("account/overview", May::SignedIn),
    ("account/privacy", May::SignedIn),
    ("auth/viewer", May::Anyone),
    ("channels/rate", May::Anyone),
    ("channels/rate_comment", May::Anyone),
    ("channels/received_mail", May::Workspace),
    ("channels/send_again", May::Workspace),
    ("coaching", May::Workspace),
    ("community/accept", May::StaffOrOwner),
    ("community/approve", May::Staff),
    ("community/categories", May::Anyone),
    ("community/category", May::Anyone),
    ("community/decide_flags", May::Staff),
    ("community/flag", May::SignedIn),
    ("community/home", May::Anyone),
    ("community/member", May::Anyone),
    ("community/moderate_post", May::Staff),
    ("community/moderate_thread", May::Staff),
    ("community/moderation", May::Staff),
    ("community/react", May::SignedIn),
    ("community/reject", May::Staff),
    ("community/reply", May::SignedIn),
    ("community/search", May::Anyone),
    ("community/start_thread", May::SignedIn),
    ("community/thread", May::Anyone),
    ("digest/set", May::Customers),
    ("digest/status", May::SignedIn),
    ("digest/unsubscribe", May::Anyone),
    ("journeys/delete_template", May::Studio),
    ("journeys/edit_step", May::Workspace),
    ("journeys/kpis", May::Staff),
    ("journeys/pause", May::Workspace),
    ("journeys/personalize", May::Workspace),
    ("journeys/save_template", May::Studio),
    ("journeys/skip_step", May::Workspace),
    ("journeys/start", May::Workspace),
    ("journeys/templates", May::Studio),
    ("outbox/list", May::Workspace),
    ("outbox/send_again", May::Workspace),
    ("stories/answer", May::Customers),
    ("stories/answer_link", May::Anyone),
    ("stories/ask_consent", May::Studio),
    ("stories/by_link", May::Anyone),
    ("stories/editor", May::Studio),
    ("stories/mine", May::SignedIn),
    ("stories/published", May::Anyone),
    ("stories/publishing", May::Studio),
    ("stories/react", May::SignedIn),
    ("stories/ripple", May::Studio),
    ("stories/save", May::Studio),
    ("stories/story", May::Anyone),
    ("stories/studio_list", May::Studio),
    ("studio/overview", May::Studio),
    ("wall/change", May::Studio),
    ("wall/propose", May::Studio),
    ("wall/quotes", May::Anyone),
    ("wall/studio", May::Studio),
    ("webhooks/add", May::Admins),
    ("webhooks/delete", May::Admins),
    ("webhooks/page", May::Admins),
    ("workspace/add_note", May::Workspace),
    ("workspace/assign", May::Workspace),
    ("workspace/conversation", May::Workspace),
    ("workspace/inbox", May::Workspace),
    ("workspace/resolve", May::Workspace),
    ("workspace/send_reply", May::Workspace),
    ("workspace/set_priority", May::Workspace),
];

/// Plain HTTP routes outside the server functions (GET).
const ROUTES: &[(&str, May)] = &[
    ("/account/export.json", May::Customers),
    ("/studio/ripple.csv", May::Studio),
    ("/workspace/mail/1/original", May::Workspace),
    ("/workspace/mail/1/attachments/0", May::Workspace),
    ("/api/live/stories", May::Anyone),
    ("/stories/feed.xml", May::Anyone),
    ("/embed/stories", May::Anyone),
];

/// One form body that every server function can read: each takes the fields it names and
/// ignores the rest. Ids point at seeded rows; nothing here passes validation that matters.
const FIELDS: &[(&str, &str)] = &[
    ("id", "1"),
    ("message_id", "1"),
    ("conversation_id", "1"),
    ("post_id", "1"),
    ("thread_id", "1"),
    ("journey_id", "1"),
    ("story_id", "1"),
    ("customer_id", "1"),
    ("conversation", "1"),
    ("template_id", "1"),
    ("position", "1"),
    ("page", "1"),
    ("days", "7"),
    ("limit", "5"),
    ("body", "Hello there"),
    ("token", "not-a-token"),
    ("kind", "question"),
    ("answer", "granted"),
    ("decision", "granted"),
    ("action", "unknown-action"),
    ("tone_flags_seen", ""),
    ("subscribe", "maybe"),
    ("source", "message:999999"),
    ("reason", "spam"),
    ("quote", "x"),
    ("priority", "bogus"),
    ("plan", ""),
    ("paused", "no"),
    ("password", PASSWORD),
    ("next", ""),
    ("naming", "bogus"),
    ("hide", "false"),
    ("email", "nobody@example.com"),
    ("delivery", ""),
    ("confirm", "not-my-email"),
    ("channel", ""),
    ("assignee", ""),
    ("agent", ""),
    ("summary", ""),
    ("url", "not a url"),
    ("title", ""),
    ("narrative", ""),
    ("resolution", ""),
    ("name", ""),
    ("what_changed", ""),
    ("agent_name", ""),
    ("category", "no-such-category"),
    ("change", "bogus"),
    ("slug", "billing"),
    ("sort", "latest"),
    ("query", "refund"),
    ("solved", "false"),
    ("display_name", ""),
    ("score", "3"),
    ("comment", ""),
    ("outcome", ""),
];

fn refusal(status: StatusCode) -> bool {
    matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_allows_exactly_its_callers() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    server::seed::seed_demo(&app.database.db, &server::seed::SeedOptions { customers: 10, threads: 4, ..Default::default() })
        .await
        .unwrap();
    for (email, name) in [("cara@example.com", "Cara Customer"), ("otto@example.com", "Otto Other")] {
        let client = app.client();
        let response =
            app.call(&client, "auth/sign_up", &[("display_name", name), ("email", email), ("password", PASSWORD), ("next", "")]).await;
        assert!(!response.status().is_server_error());
    }
    for (role, email) in
        [(Role::Agent, "agent@example.com"), (Role::Marketing, "marketing@example.com"), (Role::Admin, "admin@example.com")]
    {
        app.create_staff(role, email, PASSWORD).await;
    }
    let mut clients = vec![("anonymous", app.client())];
    for (caller, email) in [
        ("customer", "cara@example.com"),
        ("other customer", "otto@example.com"),
        ("agent", "agent@example.com"),
        ("marketing", "marketing@example.com"),
        ("admin", "admin@example.com"),
    ] {
        clients.push((caller, app.signed_in(email, PASSWORD).await));
    }
    assert_eq!(clients.iter().map(|(caller, _)| *caller).collect::<Vec<_>>(), CALLERS);

    let mut wrong = Vec::new();
    for (endpoint, may) in SERVER_FUNCTIONS {
        for (caller, client) in &clients {
            let status = app.call(client, endpoint, FIELDS).await.status();
            let expected = allowed(*may, caller);
            let expected_refusal = if *caller == "anonymous" { StatusCode::UNAUTHORIZED } else { StatusCode::FORBIDDEN };
            if status.is_server_error() || (expected && refusal(status)) || (!expected && status != expected_refusal) {
                wrong.push(format!(
                    "{endpoint} as {caller}: {status} (expected {})",
                    if expected { "allowed".to_string() } else { expected_refusal.to_string() }
                ));
            }
        }
    }
    for (path, may) in ROUTES {
        for (caller, client) in &clients {
            let response = client.get(app.url(path)).send().await.unwrap();
            let status = response.status();
            drop(response);
            let expected = allowed(*may, caller);
            if status.is_server_error() || expected == refusal(status) {
                wrong.push(format!("GET {path} as {caller}: {status} (expected {})", if expected { "allowed" } else { "refused" }));
            }
        }
    }
    assert!(wrong.is_empty(), "{} calls do not match the matrix:\n{}", wrong.len(), wrong.join("\n"));

    // Changing an id does not reach another customer's things: a customer withdrawing the
    // consent of someone else's published story is told it does not exist, and it stays up.
    let published = app::data::stories::published_ids(&app.database.db, 10).await.unwrap();
    let someone_elses = *published.first().expect("the demo publishes stories");
    let customer = &clients[1].1;
    let withdrawn =
        app.call(customer, "stories/answer", &[("story_id", &someone_elses.to_string()), ("answer", "withdraw"), ("kind", "story")]).await;
    assert_eq!(withdrawn.status(), StatusCode::NOT_FOUND);
    assert!(app::data::stories::public_story(&app.database.db, someone_elses).await.unwrap().is_some(), "still published");
    let conversation = app.call(customer, "workspace/conversation", &[("id", "1")]).await;
    assert_eq!(conversation.status(), StatusCode::FORBIDDEN);
    let mine: serde_json::Value = app.call(customer, "stories/mine", &[]).await.json().await.unwrap();
    assert_eq!(mine, serde_json::json!([]), "a new customer sees none of the demo customers' stories");
}
