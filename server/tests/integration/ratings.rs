//! Satisfaction after resolution on both databases: resolving with a rating request sends the
//! question with five signed links (by mail for email conversations, in `message.outbound` for
//! chat); a click records one `csat` rating like the API's (a bad one reopens and starts a
//! journey), later clicks and the comment change it for a week, then it is final; forged,
//! expired and out-of-range links get their defined answers.

use crate::support::{each_backend, TEST_SECRET};
use app::channels::rating_requests::{rate, resolve_asking, LinkSigner};
use app::data::{on_pool, outbox, Db};
use app::domain::accounts::Role;
use app::error::AppError;
use app::ingestion::{ingest_message_batch, Ingestion, MessageBatchIn, MessageIn};
use chrono::{Duration, Utc};

const SITE: &str = "https://care.example.com";

fn signer() -> LinkSigner<'static> {
    LinkSigner { secret: TEST_SECRET, public_url: SITE }
}

async fn conversation(ingestion: &Ingestion, reference: &str, channel: &str) -> i64 {
    app::data::customers::upsert_by_ref(&ingestion.db, reference, "Rae Rating", Some("rae@example.com"), None, Utc::now()).await.unwrap();
    let message = MessageIn {
        idempotency_key: format!("{reference}-first"),
        customer_ref: reference.into(),
        conversation_id: None,
        subject: Some("Parcel late".into()),
        channel: channel.into(),
        direction: "inbound".into(),
        body: "Where is my parcel? It is a week late.".into(),
        sent_at: None,
    };
    ingest_message_batch(ingestion, MessageBatchIn { messages: vec![message] }).await.unwrap().messages[0].conversation_id
}

async fn agent(db: &Db) -> i64 {
    server::accounts::create_user(db, Role::Agent, "sam@example.com", Some("Sam Agent"), None).await.unwrap();
    on_pool!(db, pool => sqlx::query_scalar("SELECT id FROM users WHERE email = 'sam@example.com'").fetch_one(pool).await).unwrap()
}

/// (count, value, note) of the conversation's csat events.
async fn ratings_of(db: &Db, conversation: i64) -> (i64, Option<f64>, Option<String>) {
    on_pool!(db, pool => sqlx::query_as("SELECT COUNT(*), MAX(value), MAX(note) FROM customer_events WHERE conversation_id = $1 AND kind = 'csat'")
        .bind(conversation).fetch_one(pool).await).unwrap()
}

async fn status_of(db: &Db, conversation: i64) -> String {
    on_pool!(db, pool => sqlx::query_scalar("SELECT status FROM conversations WHERE id = $1").bind(conversation).fetch_one(pool).await)
        .unwrap()
}

fn token_of(link: &str) -> String {
    link.trim_start_matches(&format!("{SITE}/rate/")).rsplit_once('/').unwrap().0.to_string()
}

async fn one_rating_per_resolution(db: Db) {
    let ingestion = Ingestion::local(db.clone(), Default::default());
    let sam = agent(&db).await;
    let conversation = conversation(&ingestion, "rae", "email").await;
    let now = Utc::now();
    let request = resolve_asking(&db, &signer(), conversation, (sam, "Sam Agent"), "Parcel found and sent", true, now).await.unwrap();
    assert!(request.is_some());
    assert_eq!(status_of(&db, conversation).await, "resolved");

    // The question went to the outbox as a mail with five links.
    let customer: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT customer_id FROM conversations WHERE id = $1").bind(conversation).fetch_one(pool).await).unwrap();
    let mail = outbox::of_customer(&db, customer).await.unwrap().pop().unwrap();
    assert_eq!(mail.subject, "How did we do? Re: Parcel late");
    let links: Vec<&str> = mail.body.split(['(', ')']).filter(|part| part.starts_with(SITE)).collect();
    assert_eq!(links.len(), 5, "{}", mail.body);
    let token = token_of(links[0]);
    assert!(links[4].ends_with(&format!("/rate/{token}/5")));

    // A bad first click: one csat event, the conversation reopens, a journey starts.
    let view = rate(&ingestion, &signer(), &token, 2, None, now).await.unwrap();
    assert_eq!((view.score, view.refused.as_deref()), (2, None));
    assert_eq!(ratings_of(&db, conversation).await, (1, Some(2.0), None));
    assert_eq!(status_of(&db, conversation).await, "open");
    let journeys: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM journeys WHERE conversation_id = $1").bind(conversation).fetch_one(pool).await).unwrap();
    assert_eq!(journeys, 1, "a bad rating starts a recovery journey");

    // Within the week she changes her mind and comments: still one rating.
    let later = now + Duration::days(3);
    rate(&ingestion, &signer(), &token, 4, None, later).await.unwrap();
    let view = rate(&ingestion, &signer(), &token, 4, Some("  Sam sorted it in the end. "), later).await.unwrap();
    assert_eq!((view.score, view.comment.as_deref()), (4, Some("Sam sorted it in the end.")));
    assert_eq!(ratings_of(&db, conversation).await, (1, Some(4.0), Some("Sam sorted it in the end.".into())));
    // Opening a link again keeps the comment.
    rate(&ingestion, &signer(), &token, 4, None, later).await.unwrap();
    assert_eq!(ratings_of(&db, conversation).await.2.as_deref(), Some("Sam sorted it in the end."));

    // After the week the rating is final.
    let view = rate(&ingestion, &signer(), &token, 1, None, now + Duration::days(8)).await.unwrap();
    assert_eq!(view.score, 4);
    assert!(view.refused.unwrap().contains("final"));
    assert_eq!(ratings_of(&db, conversation).await.1, Some(4.0));

    // Resolving again (a double submit) asks nothing more.
    let again = resolve_asking(&db, &signer(), conversation, (sam, "Sam Agent"), "Parcel found and sent", true, now + Duration::minutes(5))
        .await
        .unwrap();
    let requests: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM rating_requests WHERE conversation_id = $1").bind(conversation).fetch_one(pool).await).unwrap();
    assert_eq!((again.is_some(), requests), (true, 2), "reopened by the bad rating, it could be resolved once more");
    let twice = resolve_asking(&db, &signer(), conversation, (sam, "Sam Agent"), "Parcel found and sent", true, now + Duration::minutes(6))
        .await
        .unwrap();
    assert_eq!(twice, None, "an already resolved conversation is not resolved (and asked) again");

    // Forged, out-of-range and comment problems are refused with their reason.
    let forged = format!("{}-{}", request.unwrap() + 1, &token[token.find('-').unwrap() + 1..]);
    assert!(matches!(rate(&ingestion, &signer(), &forged, 5, None, later).await, Err(AppError::NotFound(_))));
    assert!(matches!(rate(&ingestion, &signer(), &token, 6, None, later).await, Err(AppError::Invalid { .. })));
    assert!(matches!(rate(&ingestion, &signer(), &token, 4, Some("bell\u{7}"), later).await, Err(AppError::Invalid { .. })));
    assert!(matches!(rate(&ingestion, &signer(), &token, 4, Some(&"x".repeat(2_001)), later).await, Err(AppError::Invalid { .. })));
}

#[tokio::test]
async fn one_rating_per_resolution_on_each_backend() {
    each_backend(one_rating_per_resolution).await;
}

async fn links_expire_and_chat_gets_them_in_the_webhook(db: Db) {
    let ingestion = Ingestion::local(db.clone(), Default::default());
    let sam = agent(&db).await;
    let now = Utc::now();
    app::data::webhooks::create(&db, "https://hooks.example.com/out", "outbound-key", "message.outbound", now).await.unwrap();
    let chat = conversation(&ingestion, "cleo", "chat").await;
    resolve_asking(&db, &signer(), chat, (sam, "Sam Agent"), "Answered", true, now).await.unwrap().unwrap();
    let payload: String = on_pool!(&db, pool => sqlx::query_scalar("SELECT payload FROM webhook_deliveries WHERE event = 'message.outbound'").fetch_one(pool).await).unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    let links: Vec<String> = serde_json::from_value(payload["data"]["rating_links"].clone()).unwrap();
    assert_eq!(links.len(), 5);
    assert!(payload["data"]["body"].as_str().unwrap().contains("How did we do?"));

    // Never clicked within 30 days: the link has expired, and nothing is recorded.
    let view = rate(&ingestion, &signer(), &token_of(&links[4]), 5, None, now + Duration::days(31)).await.unwrap();
    assert!(view.refused.unwrap().contains("expired"));
    assert_eq!(ratings_of(&db, chat).await.0, 0);
}

/// Two first clicks at once (a scanner and the customer, or a double click): one rating, and
/// the request and its event agree on the score.
async fn two_first_clicks_make_one_rating(db: Db) {
    let ingestion = Ingestion::local(db.clone(), Default::default());
    let sam = agent(&db).await;
    let conversation = conversation(&ingestion, "dup", "email").await;
    let now = Utc::now();
    let request = resolve_asking(&db, &signer(), conversation, (sam, "Sam Agent"), "Done", true, now).await.unwrap().unwrap();
    let token = app::domain::channels::ratings::token(TEST_SECRET, request);
    let links = signer();
    let (four, five) = tokio::join!(rate(&ingestion, &links, &token, 4, None, now), rate(&ingestion, &links, &token, 5, None, now));
    assert_eq!((four.unwrap().refused, five.unwrap().refused), (None, None));
    let (count, value, _) = ratings_of(&db, conversation).await;
    let stored: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT CAST(score AS BIGINT) FROM rating_requests WHERE id = $1").bind(request).fetch_one(pool).await).unwrap();
    assert_eq!(count, 1);
    assert_eq!(value, Some(stored as f64), "the event and the request agree");
}

#[tokio::test]
async fn two_first_clicks_make_one_rating_on_each_backend() {
    each_backend(two_first_clicks_make_one_rating).await;
}

#[tokio::test]
async fn links_expire_and_chat_gets_them_on_each_backend() {
    each_backend(links_expire_and_chat_gets_them_in_the_webhook).await;
}
