//! Privacy on real databases: a customer's export holds what we know about them, and after
//! erasure no trace of their name or email is left in any table (forum posts stay, as
//! "Deleted user"), their story and quote are gone and the audit log records the erasure.

use crate::support::fixtures::{customer_message, resolved_conversation, GRATITUDE_ANALYSIS};
use crate::support::{each_backend, TestDb};
use app::data::consents::{self, Answerer, ConsentMail};
use app::data::conversations::{self, NewConversation, NewMessage};
use app::data::story_editing::{self, Actor};
use app::data::{customers, on_pool, privacy, sessions, users, Db};
use app::domain::accounts::Role;
use app::domain::community::naming::Naming;
use app::domain::stories::consent::Decision;
use app::domain::stories::draft::StoryDraft;
use app::domain::stories::quotes::QuoteSource;
use chrono::Utc;

const NAME: &str = "Zelda Quixotic";
const EMAIL: &str = "zelda.quixotic@example.com";
/// What must not survive erasure anywhere (matched case-insensitively).
const TRACES: [&str; 2] = ["quixotic", "zelda.quixotic"];

async fn execute(db: &Db, sql: &str) {
    on_pool!(db, pool => sqlx::query(sql).execute(pool).await.map(|_| ())).unwrap();
}

/// Every text column of every table (FTS5 segment blobs are binary and not scanned).
async fn text_columns(db: &Db) -> Vec<(String, String)> {
    match db {
        Db::Sqlite(pool) => {
            let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_data' AND name NOT LIKE '%_idx' AND name NOT LIKE '%_docsize' AND name NOT LIKE '%_config'")
                .fetch_all(pool).await.unwrap();
            let mut columns = Vec::new();
            for table in tables {
                let info: Vec<(String, String)> = sqlx::query_as("SELECT name, type FROM pragma_table_info($1)").bind(&table).fetch_all(pool).await.unwrap();
                columns.extend(info.into_iter().filter(|(_, kind)| kind.is_empty() || kind.eq_ignore_ascii_case("TEXT")).map(|(column, _)| (table.clone(), column)));
            }
            columns
        }
        Db::Postgres(pool) => sqlx::query_as("SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb')")
            .fetch_all(pool).await.unwrap(),
    }
}

async fn traces_left(db: &Db) -> Vec<String> {
    let mut found = Vec::new();
    for (table, column) in text_columns(db).await {
        for trace in TRACES {
            let sql = format!("SELECT COUNT(*) FROM \"{table}\" WHERE LOWER(CAST(\"{column}\" AS TEXT)) LIKE '%{trace}%'");
            let count: i64 = on_pool!(db, pool => sqlx::query_scalar(&sql).fetch_one(pool).await).unwrap();
            if count > 0 {
                found.push(format!("{table}.{column} ({count}× “{trace}”)"));
            }
        }
    }
    found
}

async fn export_then_erase(db: Db) {
    let now = Utc::now();
    let marketing = users::create(
        &db,
        users::NewUser { email: "mia@example.com", display_name: "Mia", password_hash: "x", role: Role::Marketing },
        "test",
    )
    .await
    .unwrap();
    let user = users::create(&db, users::NewUser { email: EMAIL, display_name: NAME, password_hash: "x", role: Role::Customer }, "sign-up")
        .await
        .unwrap();
    let customer = customers::id_by_user(&db, user).await.unwrap().unwrap();
    sessions::create(&db, "zelda-session", user, now + chrono::Duration::days(1), Some("Firefox")).await.unwrap();

    // A conversation, a survey answer, a forum post, a webhook delivery that names them.
    let conversation = conversations::insert_many(
        &db,
        &[NewConversation {
            situation: Some("delivery"),
            last_excerpt: Some("Thank you so much, it arrived!".into()),
            ..resolved_conversation(customer, "Zelda Quixotic: parcel lost", now)
        }],
    )
    .await
    .unwrap()[0];
    conversations::insert_messages(
        &db,
        &[
            customer_message(conversation, customer, "Hi, Zelda Quixotic here, my parcel is lost.", now, -0.4),
            NewMessage {
                analysis: Some(GRATITUDE_ANALYSIS.into()),
                ..customer_message(conversation, customer, "Thank you so much, it arrived!", now, 0.8)
            },
        ],
    )
    .await
    .unwrap();
    customers::insert_events(
        &db,
        &[customers::NewEvent {
            customer_id: customer,
            conversation_id: Some(conversation),
            kind: "csat",
            value: Some(5.0),
            note: Some("Great help for Zelda".into()),
            occurred_at: now,
        }],
    )
    .await
    .unwrap();
    execute(&db, "INSERT INTO forum_categories (slug, name, description, position) VALUES ('privacy-test', 'Privacy test', 'x', 99)").await;
    let thread: i64 = on_pool!(&db, pool => sqlx::query_scalar("INSERT INTO forum_threads (category_id, author_user_id, title, kind, state, created_at, last_post_at) SELECT id, $1, 'How do I track a parcel?', 'question', 'open', $2, $2 FROM forum_categories WHERE slug = 'privacy-test' RETURNING id").bind(user).bind(now).fetch_one(pool).await).unwrap();
    on_pool!(&db, pool => sqlx::query("INSERT INTO forum_posts (thread_id, author_user_id, body_markdown, created_at) VALUES ($1, $2, 'The tracking page helped me, try it.', $3)").bind(thread).bind(user).bind(now).execute(pool).await.map(|_| ())).unwrap();
    let webhook: i64 = on_pool!(&db, pool => sqlx::query_scalar("INSERT INTO webhooks (url, secret, events, created_at) VALUES ('https://crm.example/hook', 's', 'message.created', $1) RETURNING id").bind(now).fetch_one(pool).await).unwrap();
    on_pool!(&db, pool => sqlx::query("INSERT INTO webhook_deliveries (webhook_id, event, payload, state, next_attempt_at, created_at) VALUES ($1, 'message.created', $2, 'delivered', $3, $3)")
        .bind(webhook).bind(format!("{{\"customer\":{{\"email\":\"{EMAIL}\"}}}}")).bind(now).execute(pool).await.map(|_| ())).unwrap();

    // Mail they sent: one filed under them, one that was never filed (unreadable).
    let raw = format!("From: {NAME} <{EMAIL}>\r\nSubject: parcel\r\n\r\nWhere is it?\r\n");
    for filed in [Some(customer), None] {
        let id = app::data::inbound_mail::store_raw(&db, EMAIL, &["care@rapport.test".to_string()], raw.as_bytes(), now).await.unwrap();
        let outcome =
            if filed.is_some() { app::data::inbound_mail::Outcome::Automatic } else { app::data::inbound_mail::Outcome::Unreadable };
        let finished = app::data::inbound_mail::Finished {
            outcome,
            note: None,
            mail_id: None,
            customer_id: filed,
            conversation_id: None,
            message_id: None,
            attachments: &[],
        };
        app::data::inbound_mail::finish(&db, id, &finished).await.unwrap();
    }

    // A published story (its consent text names them) and a quote on the wall.
    let actor = Actor { user_id: marketing, label: "Mia" };
    let draft = StoryDraft {
        title: "A lost parcel, found".into(),
        narrative: "Zelda's parcel was lost and we found it.".into(),
        resolution: "Found it in a day.".into(),
        quotes: vec!["Thank you so much, it arrived!".into()],
        naming: "full_name".into(),
    };
    let story = story_editing::create(&db, customer, Some(conversation), &draft, &actor, now).await.unwrap();
    let mail = ConsentMail { subject: "May we?", body: "Dear Zelda Quixotic, may we share your story?" };
    let detail = story_editing::story(&db, story).await.unwrap();
    consents::request_story_consent(&db, story, &detail.consent_text(), "story-hash", &mail, marketing, now).await.unwrap();
    consents::answer(&db, Answerer::Link { token_hash: "story-hash" }, Decision::Granted, "email link", now).await.unwrap();
    story_editing::publish(&db, story, &actor, now).await.unwrap();
    let message = app::data::quotes::candidates(&db, now - chrono::Duration::days(1), 10).await.unwrap()[0].source;
    assert!(matches!(message, QuoteSource::Message(_)));
    let quote =
        app::data::quotes::propose(&db, message, "Thank you so much, it arrived!", Naming::FullName, "quote-hash", &mail, marketing, now)
            .await
            .unwrap();
    consents::answer(&db, Answerer::Link { token_hash: "quote-hash" }, Decision::Granted, "email link", now).await.unwrap();
    app::data::quotes::publish(&db, quote, marketing, now).await.unwrap();
    app::data::digests::set_subscribed(&db, customer, true, "account", now).await.unwrap();
    app::data::ripple::record(&db, &[story], "impression", Some(customer), None, now).await.unwrap();
    assert!(!traces_left(&db).await.is_empty(), "the scan finds them before erasure");

    // The export holds all of it.
    let export = serde_json::to_value(privacy::export(&db, customer, now).await.unwrap()).unwrap();
    assert_eq!(export["profile"]["name"], NAME);
    assert_eq!(export["account_email"], EMAIL);
    assert_eq!(export["messages"].as_array().unwrap().len(), 2);
    assert_eq!(export["messages"][0]["body"], "Hi, Zelda Quixotic here, my parcel is lost.");
    assert_eq!(export["events"][0]["note"], "Great help for Zelda");
    assert_eq!(export["forum_posts"][0]["body_markdown"], "The tracking page helped me, try it.");
    assert!(export["consent_records"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["text_shown"].as_str().unwrap().contains("Shown as: Zelda Quixotic")));
    assert!(!export["mail"].as_array().unwrap().is_empty());
    assert_eq!(export["received_mail"][0]["original"].as_str().map(|raw| raw.contains("Where is it?")), Some(true), "the mail as it came");
    assert_eq!(
        (export["sessions"][0]["user_agent"].as_str(), export["stories_viewed"].as_i64(), export["digest_subscribed"].as_bool()),
        (Some("Firefox"), Some(1), Some(true))
    );

    // Erasure.
    let erased = privacy::erase(&db, customer, "customer (self-service erasure)", now).await.unwrap();
    assert_eq!((erased.published_stories, erased.published_quotes), (vec![story], vec![quote]));
    let left = traces_left(&db).await;
    assert!(left.is_empty(), "traces of the erased customer: {left:?}");
    assert!(users::find_by_email(&db, EMAIL).await.unwrap().is_none(), "nobody can sign in as them");
    assert!(sessions::find_user(&db, "zelda-session", now, chrono::Duration::hours(1)).await.unwrap().is_none());
    let author: String = on_pool!(&db, pool => sqlx::query_scalar("SELECT u.display_name FROM forum_posts p JOIN users u ON u.id = p.author_user_id WHERE p.thread_id = $1").bind(thread).fetch_one(pool).await).unwrap();
    assert_eq!(author, "Deleted user", "the community keeps the post, without the person");
    assert!(app::data::stories::public_story(&db, story).await.unwrap().is_none());
    assert!(app::data::quotes::wall(&db, None, None, 10).await.unwrap().is_empty());
    let audited: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'customer.erased' AND subject = $1").bind(format!("customer:{customer}")).fetch_one(pool).await).unwrap();
    assert_eq!(audited, 1);
    assert!(matches!(privacy::erase(&db, customer, "again", now).await, Err(app::data::DataError::NotFound)));
    assert_eq!(app::data::backup::integrity_problems(&db).await.unwrap(), None);
}

#[tokio::test]
async fn export_and_erasure_on_sqlite_and_postgres() {
    each_backend(export_then_erase).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_is_the_signed_in_customers_own() {
    let app = crate::support::TestApp::spawn(TestDb::sqlite().await).await;
    let anonymous = app.client().get(app.url("/account/export.json")).send().await.unwrap();
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
    let client = app.client();
    let signed_up = app
        .call(
            &client,
            "auth/sign_up",
            &[("display_name", "Ola Export"), ("email", "ola@example.com"), ("password", "a long enough password"), ("next", "")],
        )
        .await;
    assert!(signed_up.status().is_success() || signed_up.status().is_redirection(), "{}", signed_up.status());
    let export = client.get(app.url("/account/export.json")).send().await.unwrap();
    assert_eq!(export.status(), reqwest::StatusCode::OK);
    assert!(export.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let body: serde_json::Value = export.json().await.unwrap();
    assert_eq!(body["account_email"], "ola@example.com");
    let wrong = app.call(&client, "account/erase", &[("confirm", "someone@else.example")]).await;
    assert_eq!(wrong.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let erased = app.call(&client, "account/erase", &[("confirm", "OLA@example.com")]).await;
    assert!(erased.status().is_success() || erased.status().is_redirection(), "{}", erased.status());
    let after = client.get(app.url("/account/export.json")).send().await.unwrap();
    assert_eq!(after.status(), reqwest::StatusCode::UNAUTHORIZED, "the session ended with the account");
}
