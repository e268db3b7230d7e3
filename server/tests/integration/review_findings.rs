//! Regression tests for the findings of a security review, each through the real server:
//! JSON-LD that a post could break out of, the story editor reading any conversation, off-site
//! redirects, text from the address shown as an error, the sitemap trusting `Host`, agents in
//! the studio, flags on hidden posts, and webhooks aimed at private addresses.

use crate::support::fixtures::{customer_message, resolved_conversation};
use crate::support::{TestApp, TestDb};
use app::data::community::{ensure_category, NewCategory};
use app::data::conversations::{self, NewConversation, NewMessage};
use app::data::forum_posting::{self, Acceptor, HoldFirstPosts, NewThreadPost};
use app::data::story_editing::{self, Actor};
use app::data::{customers, users, Db};
use app::domain::accounts::Role;
use app::webhooks::targets::TargetPolicy;
use chrono::{Duration, Utc};
use reqwest::StatusCode;

const PASSWORD: &str = "a long enough password";

/// Runs `test` against a server on SQLite, then on Postgres (when one is reachable).
async fn member(db: &Db, email: &str, name: &str) -> i64 {
    users::create(db, users::NewUser { email, display_name: name, password_hash: "x", role: Role::Customer }, "sign-up").await.unwrap()
}

/// A thread (by a new member) with one reply (by another); returns (thread, opening post, reply).
async fn thread_with_reply(db: &Db, kind: &str, reply: &str) -> (i64, i64, i64) {
    let category_id =
        ensure_category(db, &NewCategory { slug: "billing", name: "Billing", description: "Invoices", position: 1 }).await.unwrap();
    let asker = member(db, "asker@example.com", "Asha Asker").await;
    let helper = member(db, "helper@example.com", "Hal Helper").await;
    let (thread, opened) = forum_posting::create_thread(
        db,
        &NewThreadPost {
            category_id,
            author_user_id: asker,
            title: "Where did my refund go?",
            kind,
            body_markdown: "I was refunded last week but nothing arrived.",
            is_staff: false,
            at: Utc::now() - Duration::minutes(5),
        },
        HoldFirstPosts(0),
    )
    .await
    .unwrap();
    let replied = forum_posting::add_post(db, thread, helper, reply, false, Utc::now(), HoldFirstPosts(0)).await.unwrap();
    (thread, opened.post_id, replied.post_id)
}

/// The text inside the page's `<script type="application/ld+json">`, as the bytes arrived.
fn json_ld_of(html: &str) -> Option<(&str, &str)> {
    let start = html.find("application/ld+json")?;
    let open_end = start + html[start..].find('>')? + 1;
    let close = open_end + html[open_end..].find("</script>")?;
    Some((&html[open_end..close], &html[close..]))
}

// Finding 1 (medium): a post containing `<!--<script>` made the browser swallow the rest of a
// solved thread's page, because the JSON-LD escaped only `</`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_ld_of_a_solved_thread_has_no_markup_characters() {
    crate::support::each_backend_app(|app| async move {
        let db = app.database.db.clone();
        let hostile = "Open settings <!--<script> then </script> & --> reload the page.";
        let (thread, _, reply) = thread_with_reply(&db, "question", hostile).await;
        forum_posting::accept_answer(&db, thread, reply, Acceptor::Staff).await.unwrap();

        let html = app.client().get(app.url(&format!("/forum/t/{thread}"))).send().await.unwrap().text().await.unwrap();
        let (json, rest_of_page) = json_ld_of(&html).expect("a solved question carries JSON-LD");
        assert!(!json.contains(['<', '>', '&']), "raw markup characters in the JSON-LD: {json}");
        let data: serde_json::Value = serde_json::from_str(json).expect("the JSON-LD is JSON");
        assert_eq!(data["mainEntity"]["acceptedAnswer"]["text"], hostile, "the same text, escaped");
        assert!(rest_of_page.contains("<h1>Where did my refund go?"), "the page after the JSON-LD is intact");
    })
    .await;
}

async fn conversation(db: &Db, customer_id: i64, subject: &str, status: &str, messages: &[(&str, f64)]) -> i64 {
    let start = Utc::now() - Duration::hours(messages.len() as i64 + 1);
    let resolved = status == "resolved";
    let id = conversations::insert_many(
        db,
        &[NewConversation {
            status: if resolved {
                app::domain::workspace::ConversationStatus::Resolved
            } else {
                app::domain::workspace::ConversationStatus::Open
            },
            last_message_at: Utc::now(),
            resolved_at: resolved.then(Utc::now),
            ..resolved_conversation(customer_id, subject, start)
        }],
    )
    .await
    .unwrap()[0];
    let rows: Vec<NewMessage> = messages
        .iter()
        .enumerate()
        .map(|(n, (body, sentiment))| customer_message(id, customer_id, body, start + Duration::hours(n as i64), *sentiment))
        .collect();
    conversations::insert_messages(db, &rows).await.unwrap();
    id
}

// Finding 2 (medium): marketing could read the customer's name, subject and every message of
// any conversation through the story editor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marketing_drafts_stories_only_from_candidates() {
    crate::support::each_backend_app(|app| async move {
        let db = app.database.db.clone();
        let now = Utc::now();
        let (customer, _) = customers::upsert_by_ref(&db, "priya", "Priya Private", Some("priya@example.com"), None, now).await.unwrap();
        let private =
            conversation(&db, customer, "Divorce papers and my new address", "open", &[("My lawyer needs the invoices by Friday.", -0.2)])
                .await;
        let turnaround = conversation(
            &db,
            customer,
            "Charged twice",
            "resolved",
            &[("I was charged twice!", -0.6), ("Refunded already, thank you so much!", 0.7)],
        )
        .await;
        let drafted = conversation(&db, customer, "Late parcel", "resolved", &[("It arrived, thanks.", 0.4)]).await;
        let marketing_id = users::create(
            &db,
            users::NewUser { email: "mia@example.com", display_name: "Mia", password_hash: "x", role: Role::Marketing },
            "test",
        )
        .await
        .unwrap();
        let draft = app::domain::stories::draft::StoryDraft {
            title: "A late parcel, found".into(),
            narrative: "Priya's parcel was late and she told us so, clearly and kindly.".into(),
            resolution: "It arrived the next morning.".into(),
            quotes: vec![],
            naming: "first_name_initial".into(),
        };
        story_editing::create(&db, customer, Some(drafted), &draft, &Actor { user_id: marketing_id, label: "Mia" }, now).await.unwrap();
        app.create_staff(Role::Marketing, "marketing@example.com", PASSWORD).await;
        app.create_staff(Role::Admin, "admin@example.com", PASSWORD).await;
        let marketing = app.signed_in("marketing@example.com", PASSWORD).await;
        let admin = app.signed_in("admin@example.com", PASSWORD).await;
        let leaks =
            |text: &str| ["Priya", "Divorce papers", "My lawyer"].into_iter().filter(|secret| text.contains(secret)).collect::<Vec<_>>();

        let refused = app.call(&marketing, "stories/editor", &[("conversation", &private.to_string())]).await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);
        let body = refused.text().await.unwrap();
        assert!(body.contains("not a story candidate"), "a clear message: {body}");
        assert_eq!(leaks(&body), Vec::<&str>::new(), "{body}");
        let page = marketing.get(app.url(&format!("/studio/stories/new?conversation={private}"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
        let html = page.text().await.unwrap();
        assert!(html.contains("not a story candidate"));
        assert_eq!(leaks(&html), Vec::<&str>::new(), "the page shows none of it");
        let stories_before = story_editing::list(&db, 100).await.unwrap().len();
        let saved = app
            .call(
                &marketing,
                "stories/save",
                &[
                    ("conversation_id", &private.to_string()),
                    ("title", "A story nobody agreed to draft"),
                    ("narrative", "Priya wrote to us about her papers and we helped her with them."),
                    ("resolution", "We sent the invoices."),
                    ("naming", "anonymous"),
                ],
            )
            .await;
        assert_eq!(saved.status(), StatusCode::NOT_FOUND, "nor can a story be saved from it");
        assert_eq!(story_editing::list(&db, 100).await.unwrap().len(), stories_before);
        let missing = app.call(&marketing, "stories/editor", &[("conversation", "999999")]).await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND, "the same answer as for a conversation that does not exist");

        for (what, id) in [("a resolved turnaround", turnaround), ("a conversation with a story", drafted)] {
            let opened = app.call(&marketing, "stories/editor", &[("conversation", &id.to_string())]).await;
            assert_eq!(opened.status(), StatusCode::OK, "{what}");
        }
        let editor: serde_json::Value =
            app.call(&marketing, "stories/editor", &[("conversation", &turnaround.to_string())]).await.json().await.unwrap();
        assert_eq!(editor["sentences"], serde_json::json!(["I was charged twice!", "Refunded already, thank you so much!"]));
        // Admins read every conversation in the inbox anyway.
        let as_admin = app.call(&admin, "stories/editor", &[("conversation", &private.to_string())]).await;
        assert_eq!(as_admin.status(), StatusCode::OK);
    })
    .await;
}

async fn plain_form_sign_in(app: &TestApp, referer: &str, next: &str, password: &str) -> String {
    let response = app
        .client()
        .post(app.url("/api/auth/sign_in"))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(reqwest::header::REFERER, referer)
        .form(&[("email", "sam@example.com"), ("password", password), ("next", next)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    response.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string()
}

// Findings 3a and 3b (low): a failed no-JS form went back to the `Referer`'s path, which could
// name another site (`//evil.example`); and `?error=` put any text on the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_redirects_stay_on_site_and_carry_error_codes() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    app.create_staff(Role::Agent, "sam@example.com", PASSWORD).await;
    let base = &app.base;
    for referer in [format!("{base}//evil.example/signin"), format!("{base}/\\evil.example/signin"), "//evil.example/x".to_string()] {
        let location = plain_form_sign_in(&app, &referer, "", "not the password").await;
        assert!(location.starts_with('/') && !location.starts_with("//") && !location.contains('\\'), "{referer} → {location}");
        assert!(!location.contains("evil.example"), "{referer} → {location}");
    }
    let location = plain_form_sign_in(&app, &format!("{base}/signin?next=/workspace"), "/workspace", "not the password").await;
    assert_eq!(location, "/signin?next=/workspace&error=bad_credentials&error_for=auth/sign_in", "a code, not a sentence");
    for next in ["//evil.example/", "/\\evil.example/"] {
        assert_eq!(plain_form_sign_in(&app, &format!("{base}/signin"), next, PASSWORD).await, "/workspace", "{next}");
    }

    let page = |query: &str| {
        let url = app.url(&format!("/signin?{query}"));
        async move { reqwest::get(url).await.unwrap().text().await.unwrap() }
    };
    assert!(page("error=bad_credentials").await.contains("That email and password do not match an account."));
    let forged = page("error=Your%20account%20is%20locked.%20Call%20%2B1%20555%200100%20now.").await;
    assert!(!forged.contains("555 0100") && !forged.contains("account is locked"), "text from the address is not shown");
    assert!(forged.contains(&app::error::message_for_code("unknown")), "an unknown code gets our general message");
}

// Finding 3c (low): the sitemap named whatever host the request's `Host` header said.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sitemap_names_the_public_url_whatever_the_host_header() {
    let app = TestApp::spawn_with(TestDb::sqlite().await, |config| config.public_url = Some("https://care.example.com".into())).await;
    let response = app.client().get(app.url("/sitemap.xml")).header(reqwest::header::HOST, "evil.example").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let xml = response.text().await.unwrap();
    assert!(xml.contains("<loc>https://care.example.com/forum</loc>"), "{xml}");
    assert!(!xml.contains("evil.example"), "{xml}");
    assert_eq!(xml.matches("<loc>").count(), xml.matches("<loc>https://care.example.com/").count(), "{xml}");
}

// Finding 3d (low): an agent could open `/studio/journeys`; the studio is marketing's and
// admins'.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_are_refused_every_studio_page() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    app.create_staff(Role::Agent, "sam@example.com", PASSWORD).await;
    app.create_staff(Role::Marketing, "mia@example.com", PASSWORD).await;
    let agent = app.signed_in("sam@example.com", PASSWORD).await;
    let marketing = app.signed_in("mia@example.com", PASSWORD).await;
    for path in [
        "/studio",
        "/studio/stories",
        "/studio/stories/new?conversation=1",
        "/studio/stories/1",
        "/studio/quotes",
        "/studio/ripple",
        "/studio/ripple.csv",
        "/studio/journeys",
    ] {
        assert_eq!(app.page_status(&agent, path).await, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(app.call(&agent, "journeys/templates", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.page_status(&marketing, "/studio/journeys").await, StatusCode::OK);
}

// Finding 3e (low): a member could flag a post the moderators had hidden.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_posts_cannot_be_flagged() {
    crate::support::each_backend_app(|app| async move {
        let db = app.database.db.clone();
        let (thread, _, reply) = thread_with_reply(&db, "discussion", "Buy cheap watches at spam.example").await;
        forum_posting::set_post_hidden(&db, reply, true, Utc::now()).await.unwrap();
        let reader = app.client();
        let signed_up = app
            .call(
                &reader,
                "auth/sign_up",
                &[("display_name", "Rita Reader"), ("email", "rita@example.com"), ("password", PASSWORD), ("next", "")],
            )
            .await;
        assert!(signed_up.status().is_success(), "{}", signed_up.status());
        let flag = |post: i64| {
            let (app, reader) = (&app, &reader);
            async move {
                app.call(
                    reader,
                    "community/flag",
                    &[("thread_id", &thread.to_string()), ("post_id", &post.to_string()), ("reason", "spam")],
                )
                .await
            }
        };

        let refused = flag(reply).await;
        assert_eq!(refused.status(), StatusCode::CONFLICT);
        assert!(refused.text().await.unwrap().contains("cannot be flagged"));
        let flags = || async {
            app::on_pool!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM forum_flags").fetch_one(pool).await).unwrap()
        };
        assert_eq!(flags().await, 0);

        // A post held for approval is hidden too; a visible one can be flagged (once).
        let newcomer = member(&db, "new@example.com", "Nico Newcomer").await;
        let held =
            forum_posting::add_post(&db, thread, newcomer, "My first post, waiting.", false, Utc::now(), HoldFirstPosts(1)).await.unwrap();
        assert!(held.held);
        assert_eq!(flag(held.post_id).await.status(), StatusCode::CONFLICT);
        forum_posting::set_post_hidden(&db, reply, false, Utc::now()).await.unwrap();
        assert!(flag(reply).await.status().is_success());
        assert!(flag(reply).await.status().is_success(), "flagging twice is not an error");
        assert_eq!(flags().await, 1);
        assert_eq!(flag(999_999).await.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

// Finding 3f (low): webhooks could be aimed at loopback, link-local and private addresses,
// and the delivery log showed how they answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_go_only_to_public_addresses_unless_allowed() {
    crate::support::each_backend_app(|app| async move {
        let db = app.database.db.clone();
        app.create_staff(Role::Admin, "ada@example.com", PASSWORD).await;
        let admin = app.signed_in("ada@example.com", PASSWORD).await;
        let webhooks = || async { app::data::webhooks::list(&db).await.unwrap().len() };
        for url in [
            "http://127.0.0.1:9/hook",
            "http://localhost:9/hook",
            "http://[::1]:9/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.7/hook",
            "http://0x7f.1/hook",
            "http://[::ffff:192.168.0.1]/hook",
        ] {
            let added = app.call(&admin, "webhooks/add", &[("url", url), ("risk_raised", "on")]).await;
            assert_eq!(added.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
            assert!(added.text().await.unwrap().contains("private network"), "{url}: the reason is given");
        }
        assert_eq!(webhooks().await, 0, "nothing was stored");
        // A public address is fine (subscribed to an event this test never sends).
        let added = app.call(&admin, "webhooks/add", &[("url", "https://1.1.1.1/hook"), ("healed", "on")]).await;
        assert!(added.status().is_success(), "{}", added.status());
        assert_eq!(webhooks().await, 1);

        // At delivery: rows that point here (written before the rule, or by hand) are not
        // reached, also through a name that resolves here; with the setting on, they are.
        let (sink, received) = crate::support::webhook_sink::start(200).await;
        let by_name = sink.replace("127.0.0.1", "localhost");
        for url in [&sink, &by_name] {
            app::data::webhooks::create(&db, url, "signing-key", "risk.raised", Utc::now()).await.unwrap();
        }
        app::webhooks::emit(&db, app::domain::webhooks::WebhookEvent::RiskRaised, serde_json::json!({"conversation_id": 1})).await;
        let public_only = server::webhook_worker::client(TargetPolicy::PublicOnly);
        assert_eq!(server::webhook_worker::deliver_due(&db, &public_only, Utc::now()).await.unwrap(), 2);
        assert!(received.lock().unwrap().is_empty(), "nothing reached the local receiver");
        for delivery in app::data::webhooks::recent_deliveries(&db, 10).await.unwrap() {
            assert_eq!((delivery.state.as_str(), delivery.last_status), ("pending", None), "{}", delivery.url);
            let error = delivery.last_error.unwrap_or_default();
            assert!(error.contains("private network"), "{}: {error}", delivery.url);
        }
        let any_address = server::webhook_worker::client(TargetPolicy::AnyAddress);
        server::webhook_worker::deliver_due(&db, &any_address, Utc::now() + Duration::hours(1)).await.unwrap();
        assert_eq!(received.lock().unwrap().len(), 2, "with webhooks_allow_private_targets both are delivered");
    })
    .await;
}
