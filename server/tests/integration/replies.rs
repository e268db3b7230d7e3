//! An agent's reply reaches the customer on the conversation's channel, on both databases:
//! email through the outbox and a real SMTP peer, chat (and every other integration channel)
//! as the signed `message.outbound` webhook to a real local receiver, each with its delivery
//! state on the message — queued, sent, delivered or failed with the reason — and "send
//! again" for the failed ones.

use crate::support::each_backend;
use crate::support::smtp::SmtpSink;
use app::channels::replies::{self, Reply};
use app::data::conversations::ReplyTone;
use app::data::deliveries::{self, ReplyContext};
use app::data::{on_pool, DataError, Db};
use app::domain::accounts::Role;
use app::domain::channels::{Delivery, Report};
use app::ingestion::{ingest_message_batch, Ingestion, MessageBatchIn, MessageIn};
use app::webhooks::targets::TargetPolicy;
use chrono::Utc;

async fn conversation(db: &Db, customer_ref: &str, channel: &str, subject: &str) -> ReplyContext {
    let ingestion = Ingestion::local(db.clone(), Default::default());
    let message = MessageIn {
        idempotency_key: format!("{customer_ref}-{channel}"),
        customer_ref: customer_ref.into(),
        conversation_id: None,
        subject: Some(subject.into()),
        channel: channel.into(),
        direction: "inbound".into(),
        body: "Where is my parcel? It is a week late.".into(),
        sent_at: None,
    };
    let stored = ingest_message_batch(&ingestion, MessageBatchIn { messages: vec![message] }).await.unwrap();
    deliveries::reply_context(db, stored.messages[0].conversation_id).await.unwrap().unwrap()
}

async fn agent(db: &Db) -> i64 {
    server::accounts::create_user(db, Role::Agent, "sam@example.com", Some("Sam Agent"), None).await.unwrap();
    on_pool!(db, pool => sqlx::query_scalar("SELECT id FROM users WHERE email = 'sam@example.com'").fetch_one(pool).await).unwrap()
}

async fn send(db: &Db, context: &ReplyContext, author: i64, body: &str) -> (i64, Delivery) {
    let reply = Reply { author_user_id: author, author_name: "Sam Agent", body, tone: ReplyTone { seen: "", sent: "" } };
    replies::send(db, context, &reply, true, Utc::now()).await.unwrap().unwrap()
}

async fn state(db: &Db, message_id: i64) -> (String, Option<String>) {
    on_pool!(db, pool => sqlx::query_as("SELECT delivery, delivery_note FROM messages WHERE id = $1").bind(message_id).fetch_one(pool).await).unwrap()
}

async fn replies_reach_the_customer(db: Db) {
    let now = Utc::now();
    app::data::customers::upsert_by_ref(&db, "rae", "Rae Reply", Some("rae@example.com"), None, now).await.unwrap();
    app::data::customers::upsert_by_ref(&db, "nomail", "Noa Nomail", None, None, now).await.unwrap();
    let sam = agent(&db).await;
    let smtp = SmtpSink::start().await;
    let mailer = crate::support::mailer(&smtp.url());
    let (hook_url, hooks) = crate::support::webhook_sink::start(200).await;
    let hook = app::data::webhooks::create(&db, &hook_url, "outbound-key", "message.outbound", now).await.unwrap();
    let webhooks = server::webhook_worker::client(TargetPolicy::AnyAddress);

    // Email: the outbox, then the mail server.
    let email = conversation(&db, "rae", "email", "Parcel late").await;
    let (mailed, queued) = send(&db, &email, sam, "So sorry — the courier has it now, it arrives Friday.").await;
    assert_eq!(queued, Delivery::Queued);
    server::mail_worker::deliver_due(&db, &mailer, Utc::now()).await.unwrap();
    assert_eq!(state(&db, mailed).await, ("sent".into(), None));
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipients, ["<rae@example.com>"]);
    assert!(mails[0].data.contains("Subject: Re: Parcel late"), "{}", mails[0].data);
    assert!(mails[0].data.contains("the courier has it now"));

    // Chat: the signed webhook to the integrator, which reports back.
    let chat = conversation(&db, "rae", "chat", "Parcel late (chat)").await;
    let (chatted, queued) = send(&db, &chat, sam, "Here is your tracking link.").await;
    assert_eq!(queued, Delivery::Queued);
    server::webhook_worker::deliver_due(&db, &webhooks, Utc::now()).await.unwrap();
    assert_eq!(state(&db, chatted).await.0, "sent");
    let (headers, body) = hooks.lock().unwrap()[0].clone();
    assert_eq!(headers["x-rapport-event"], "message.outbound");
    let timestamp: i64 = headers["x-rapport-timestamp"].to_str().unwrap().parse().unwrap();
    assert_eq!(headers["x-rapport-signature"].to_str().unwrap(), app::domain::webhooks::signature("outbound-key", timestamp, &body));
    let payload: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(payload["event"], "message.outbound");
    assert_eq!(payload["data"]["message_id"], chatted);
    assert_eq!(payload["data"]["channel"], "chat");
    assert_eq!(payload["data"]["body"], "Here is your tracking link.");
    assert_eq!(payload["data"]["customer"]["external_ref"], "rae");
    assert_eq!(payload["data"]["agent"]["name"], "Sam Agent");

    deliveries::report(&db, chatted, &Report::Delivered, Utc::now()).await.unwrap();
    assert_eq!(state(&db, chatted).await.0, "delivered");
    deliveries::report(&db, chatted, &Report::Failed("the chat session had ended".into()), Utc::now()).await.unwrap();
    assert_eq!(state(&db, chatted).await, ("failed".into(), Some("the integration reports: the chat session had ended".into())));
    let inbound: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM messages WHERE direction = 'inbound' ORDER BY id LIMIT 1").fetch_one(pool).await).unwrap();
    assert!(
        matches!(deliveries::report(&db, inbound, &Report::Delivered, Utc::now()).await, Err(DataError::NotFound)),
        "a customer's message is not ours to deliver"
    );
    assert!(matches!(deliveries::report(&db, 999_999, &Report::Delivered, Utc::now()).await, Err(DataError::NotFound)));

    // Sent again: a new delivery to the integrator.
    assert_eq!(replies::send_again(&db, chatted, true, Utc::now()).await.unwrap().0, Delivery::Queued);
    server::webhook_worker::deliver_due(&db, &webhooks, Utc::now()).await.unwrap();
    assert_eq!(state(&db, chatted).await, ("sent".into(), None));
    assert_eq!(hooks.lock().unwrap().len(), 2);
    assert!(
        matches!(replies::send_again(&db, chatted, true, Utc::now()).await, Err(DataError::Conflict(_))),
        "only a failed message is sent again"
    );
    assert!(
        matches!(deliveries::report(&db, mailed, &Report::Failed("x".into()), Utc::now()).await, Err(DataError::NotFound)),
        "an email is not the integration's to report on"
    );

    // Sent again after the integration reported a failure, and this time the endpoint keeps
    // failing: given up, the message is not delivered (the first attempt's success counts no more).
    deliveries::report(&db, chatted, &Report::Failed("the chat session had ended".into()), Utc::now()).await.unwrap();
    let (failing_url, _) = crate::support::webhook_sink::start(500).await;
    on_pool!(&db, pool => sqlx::query("UPDATE webhooks SET url = $1 WHERE id = $2").bind(&failing_url).bind(hook).execute(pool).await.map(|_| ())).unwrap();
    assert_eq!(replies::send_again(&db, chatted, true, Utc::now()).await.unwrap().0, Delivery::Queued);
    let mut later = Utc::now();
    for _ in 0..app::domain::webhooks::MAX_ATTEMPTS {
        server::webhook_worker::deliver_due(&db, &webhooks, later).await.unwrap();
        later += chrono::Duration::hours(1);
    }
    let (delivery, note) = state(&db, chatted).await;
    assert_eq!(delivery, "failed");
    assert!(note.unwrap().contains("did not take it after 6 attempts"));

    // An endpoint removed while it still had a reply to deliver: that reply is not delivered.
    let (waiting, _) = send(&db, &chat, sam, "One more thing: your voucher code is THANKS10.").await;
    assert_eq!(state(&db, waiting).await.0, "queued");
    app::data::webhooks::delete(&db, hook, Utc::now()).await.unwrap();
    let (delivery, note) = state(&db, waiting).await;
    assert_eq!(delivery, "failed");
    assert!(note.unwrap().contains("was removed"));

    // No integration for the channel: failed at once, with what to do about it.
    let social = conversation(&db, "rae", "social", "Tweet").await;
    let (posted, failed) = send(&db, &social, sam, "We are on it.").await;
    assert_eq!(failed, Delivery::Failed);
    assert_eq!(
        state(&db, posted).await.1.as_deref(),
        Some(app::domain::channels::no_integration(app::domain::channels::Channel::Social).as_str())
    );

    // A customer without an address: the mail is given up, and can go once there is one.
    let nomail = conversation(&db, "nomail", "email", "No address").await;
    let (unmailed, _) = send(&db, &nomail, sam, "Could you tell us your order number?").await;
    server::mail_worker::deliver_due(&db, &mailer, Utc::now()).await.unwrap();
    let (delivery, note) = state(&db, unmailed).await;
    assert_eq!(delivery, "failed");
    assert!(note.unwrap().contains("no email address"));
    app::data::customers::upsert_by_ref(&db, "nomail", "Noa Nomail", Some("noa@example.com"), None, Utc::now()).await.unwrap();
    assert_eq!(replies::send_again(&db, unmailed, true, Utc::now()).await.unwrap().0, Delivery::Queued);
    server::mail_worker::deliver_due(&db, &mailer, Utc::now()).await.unwrap();
    assert_eq!(state(&db, unmailed).await, ("sent".into(), None));
    assert_eq!(smtp.messages().len(), 2);

    // No mail transport configured: not delivered at once, saying why; sent again once there is one.
    let reply = Reply { author_user_id: sam, author_name: "Sam Agent", body: "Noted.", tone: ReplyTone { seen: "", sent: "" } };
    let (untransported, failed) = replies::send(&db, &email, &reply, false, Utc::now()).await.unwrap().unwrap();
    assert_eq!(failed, Delivery::Failed);
    assert_eq!(state(&db, untransported).await.1.as_deref(), Some(app::domain::outbox::NO_TRANSPORT));
    assert!(matches!(replies::send_again(&db, untransported, false, Utc::now()).await, Err(DataError::Conflict(_))));
    assert_eq!(replies::send_again(&db, untransported, true, Utc::now()).await.unwrap().0, Delivery::Queued);
    server::mail_worker::deliver_due(&db, &mailer, Utc::now()).await.unwrap();
    assert_eq!(state(&db, untransported).await.0, "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_reach_the_customer_on_their_channel() {
    each_backend(replies_reach_the_customer).await;
}

/// The integrator reports through the API; the answer names what is wrong, field by field.
async fn integrators_report_delivery(app: crate::support::TestApp) {
    let db = app.database.db.clone();
    app::data::customers::upsert_by_ref(&db, "ivy", "Ivy Integrated", None, None, Utc::now()).await.unwrap();
    let sam = agent(&db).await;
    app::data::webhooks::create(&db, "https://crm.example/hooks", "ivy-key", "message.outbound", Utc::now()).await.unwrap();
    let chat = conversation(&db, "ivy", "chat", "Chat").await;
    let (message, _) = send(&db, &chat, sam, "Your refund is on its way.").await;
    let secret = app.config.resolve_session_secret().unwrap();
    let token = server::accounts::create_token(&db, &secret, "integrator").await.unwrap();
    let client = reqwest::Client::new();
    let report = |id: String, body: serde_json::Value| {
        let request = client.post(app.url(&format!("/api/v1/messages/{id}/delivery"))).bearer_auth(&token).json(&body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, answer) = report(message.to_string(), serde_json::json!({"status": "delivered"})).await;
    assert_eq!((status, &answer["delivery"]), (200, &serde_json::json!("delivered")), "{answer}");
    assert_eq!(state(&db, message).await.0, "delivered");

    let (status, answer) = report(message.to_string(), serde_json::json!({"status": "failed"})).await;
    assert_eq!(status, 422);
    assert!(answer["fields"]["reason"].as_str().unwrap().contains("required"), "{answer}");
    let (status, answer) = report(message.to_string(), serde_json::json!({"status": "read"})).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer["fields"]["status"].is_string(), "{answer}");
    assert_eq!(state(&db, message).await.0, "delivered", "a refused report changes nothing");

    let inbound: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM messages WHERE direction = 'inbound' ORDER BY id LIMIT 1").fetch_one(pool).await).unwrap();
    for id in [inbound.to_string(), "999999".into(), "0".into(), "not-a-number".into()] {
        let (status, answer) = report(id.clone(), serde_json::json!({"status": "delivered"})).await;
        assert_eq!(status, 404, "{id}: {answer}");
        assert_eq!(answer["error"], "not_found");
    }
    let (status, _) = report(message.to_string(), serde_json::json!({"status": "failed", "reason": "Number unreachable"})).await;
    assert_eq!(status, 200);
    assert_eq!(state(&db, message).await, ("failed".into(), Some("the integration reports: Number unreachable".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn integrators_report_delivery_on_both_backends() {
    crate::support::each_backend_app(integrators_report_delivery).await;
}
