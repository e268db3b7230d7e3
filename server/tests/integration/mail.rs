//! Real mail delivery from the outbox through an SMTP peer, on both databases: a journey
//! step is handed over once with its outbox key as Message-ID, a customer without an address
//! and a refused recipient are given up with the reason, an unreachable server is tried again
//! with back-off, and two workers never hand one message over twice.

use crate::support::each_backend;
use crate::support::smtp::SmtpSink;
use app::data::journeys::{self, NewJourney};
use app::data::{customers, outbox, Db};
use app::domain::journeys::{default_template, plan, Personalization};
use app::journeys::scheduler::run_due;
use app::journeys::scheduler::Clock;
use app::journeys::scheduler::Delivery;
use chrono::{DateTime, Duration, TimeZone, Utc};
use server::mail_worker::{deliver_due, Mailer};

struct At(DateTime<Utc>);

impl Clock for At {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
}

fn mailer(url: &str) -> Mailer {
    crate::support::mailer(url)
}

/// A customer with a journey whose first step is in the outbox, waiting for the mail server.
async fn queued_message(db: &Db, reference: &str, email: Option<&str>) -> i64 {
    let customer = customers::upsert_by_ref(db, reference, &format!("{reference} Doe"), email, None, start_time()).await.unwrap().0;
    let values = Personalization {
        customer_name: reference.into(),
        issue_summary: "the double charge".into(),
        what_changed: "the refund went out.".into(),
        agent_name: "Sam".into(),
    };
    let issue = format!("conversation:{reference}");
    journeys::start(
        db,
        &NewJourney {
            customer_id: customer,
            conversation_id: None,
            template_id: None,
            issue_key: &issue,
            personalization: &values,
            started_at: start_time(),
        },
        &plan(&default_template(), start_time()).unwrap(),
    )
    .await
    .unwrap();
    customer
}

async fn one_mail_per_message_with_its_key(db: Db) {
    let sink = SmtpSink::start().await;
    let dana = queued_message(&db, "dana", Some("dana@example.com")).await;
    let nobody = queued_message(&db, "nobody", None).await;
    assert_eq!(run_due(&db, &At(start_time()), Delivery::Mail).await.unwrap().sent, 2);
    let waiting = outbox::of_customer(&db, dana).await.unwrap();
    assert_eq!((waiting[0].delivery.as_str(), waiting[0].subject.as_str()), ("pending", "Re: the double charge"));

    let mailer = mailer(&sink.url());
    assert_eq!(deliver_due(&db, &mailer, start_time()).await.unwrap(), 2);
    assert_eq!(deliver_due(&db, &mailer, start_time() + Duration::hours(1)).await.unwrap(), 0, "nothing is handed over twice");
    let mails = sink.messages();
    assert_eq!(mails.len(), 1, "only the customer with an address gets mail");
    assert_eq!(mails[0].recipients, ["<dana@example.com>"]);
    let id = waiting[0].id;
    assert!(mails[0].data.contains("Message-ID: <journey-step."), "{}", mails[0].data);
    assert!(mails[0].data.contains("Subject: Re: the double charge"), "{}", mails[0].data);
    assert!(
        mails[0]
            .data
            .lines()
            .any(|line| line.starts_with("From:") && line.contains("Rapport Care") && line.ends_with("<care@rapport.test>")),
        "{}",
        mails[0].data
    );

    let sent = &outbox::of_customer(&db, dana).await.unwrap()[0];
    assert_eq!((sent.id, sent.delivery.as_str(), sent.attempts), (id, "sent", 1));
    assert!(sent.delivered_at.is_some());
    let given_up = &outbox::of_customer(&db, nobody).await.unwrap()[0];
    assert_eq!(given_up.delivery, "not_sent");
    assert_eq!(given_up.delivery_note.as_deref(), Some(app::domain::outbox::NO_ADDRESS));
}

#[tokio::test]
async fn mail_on_both_backends() {
    each_backend(one_mail_per_message_with_its_key).await;
}

async fn failures_are_retried_or_given_up(db: Db) {
    let refusing = SmtpSink::refusing("550 5.1.1 no such user").await;
    let eve = queued_message(&db, "eve", Some("eve@example.com")).await;
    run_due(&db, &At(start_time()), Delivery::Mail).await.unwrap();
    deliver_due(&db, &mailer(&refusing.url()), start_time()).await.unwrap();
    let refused = &outbox::of_customer(&db, eve).await.unwrap()[0];
    assert_eq!(refused.delivery, "not_sent");
    assert!(
        refused.delivery_note.as_deref().unwrap_or_default().starts_with("not sent: the mail server refused it"),
        "{:?}",
        refused.delivery_note
    );

    // Sent again once the address is right: queued afresh, and a working server takes it.
    customers::upsert_by_ref(&db, "eve", "eve Doe", Some("eve@example.org"), None, start_time()).await.unwrap();
    outbox::send_again(&db, refused.id, start_time()).await.unwrap();
    assert!(outbox::send_again(&db, refused.id, start_time()).await.is_err(), "only a message that was not sent can be sent again");
    let sink = SmtpSink::start().await;
    deliver_due(&db, &mailer(&sink.url()), start_time()).await.unwrap();
    assert_eq!(sink.messages()[0].recipients, ["<eve@example.org>"]);

    // Nobody listens on this port: temporary, so tried again after 1, 5, 25, 125 minutes, then given up.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let down = mailer(&format!("smtp://{closed}"));
    let finn = queued_message(&db, "finn", Some("finn@example.com")).await;
    run_due(&db, &At(start_time()), Delivery::Mail).await.unwrap();
    let mut now = start_time();
    assert_eq!(deliver_due(&db, &down, now).await.unwrap(), 1);
    let waiting = &outbox::of_customer(&db, finn).await.unwrap()[0];
    assert_eq!((waiting.delivery.as_str(), waiting.attempts), ("pending", 1));
    assert_eq!(waiting.next_attempt_at, Some(now + Duration::minutes(1)));
    assert_eq!(deliver_due(&db, &down, now + Duration::seconds(59)).await.unwrap(), 0, "not before its time");
    for wait in [1, 5, 25, 125] {
        now += Duration::minutes(wait);
        assert_eq!(deliver_due(&db, &down, now).await.unwrap(), 1, "attempt after {wait} minutes");
    }
    let given_up = &outbox::of_customer(&db, finn).await.unwrap()[0];
    assert_eq!((given_up.delivery.as_str(), given_up.attempts), ("not_sent", 5));
    assert!(given_up.delivery_note.as_deref().unwrap_or_default().starts_with("not sent after 5 attempts"));
}

#[tokio::test]
async fn failures_on_both_backends() {
    each_backend(failures_are_retried_or_given_up).await;
}

/// Two workers (as in two server instances) drain one outbox together: every message is
/// handed to the mail server exactly once.
async fn two_workers_never_send_twice(db: Db) {
    let sink = SmtpSink::start().await;
    for n in 0..30 {
        queued_message(&db, &format!("c{n}"), Some(&format!("c{n}@example.com"))).await;
    }
    assert_eq!(run_due(&db, &At(start_time()), Delivery::Mail).await.unwrap().sent, 30);
    let (first, second) = (mailer(&sink.url()), mailer(&sink.url()));
    let work = |mailer: Mailer, db: Db| async move {
        let mut attempted = 0;
        for _ in 0..5 {
            attempted += deliver_due(&db, &mailer, start_time()).await.unwrap();
        }
        attempted
    };
    let (a, b) = tokio::join!(work(first, db.clone()), work(second, db.clone()));
    assert_eq!(a + b, 30);
    let mut ids: Vec<String> = sink
        .messages()
        .iter()
        .filter_map(|mail| mail.data.lines().find(|line| line.starts_with("Message-ID:")).map(str::to_string))
        .collect();
    assert_eq!(ids.len(), 30);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30, "each message exactly once");
}

#[tokio::test]
async fn two_workers_on_both_backends() {
    each_backend(two_workers_never_send_twice).await;
}

/// Marketing mail (a consent request, a digest) waits while its customer is in a recovery
/// journey, with the reason in the outbox, and goes out when the journey ends; the journey's
/// own mail goes out meanwhile.
async fn marketing_waits_for_the_recovery(db: Db) {
    let sink = SmtpSink::start().await;
    let dana = queued_message(&db, "dana", Some("dana@example.com")).await;
    assert_eq!(run_due(&db, &At(start_time()), Delivery::Mail).await.unwrap().sent, 1);
    app::data::on_pool!(&db, pool => sqlx::query(
        "INSERT INTO outbox_messages (dedupe_key, customer_id, channel, body, subject, created_at, delivery, next_attempt_at, purpose) \
         VALUES ('digest-test', $1, 'email', 'Stories from the community', 'Stories', $2, 'pending', $2, 'marketing')")
        .bind(dana).bind(start_time()).execute(pool).await.map(|_| ()))
    .unwrap();
    let mailer = mailer(&sink.url());
    assert_eq!(deliver_due(&db, &mailer, start_time()).await.unwrap(), 1, "only the journey's step");
    let rows = outbox::of_customer(&db, dana).await.unwrap();
    let digest = rows.iter().find(|row| row.subject == "Stories").unwrap();
    assert_eq!((digest.delivery.as_str(), digest.delivery_note.as_deref()), ("pending", Some(outbox::HELD_FOR_JOURNEY)));
    assert_eq!(sink.messages().len(), 1);

    app::data::on_pool!(&db, pool => sqlx::query("UPDATE journeys SET state = 'healed' WHERE customer_id = $1").bind(dana).execute(pool).await.map(|_| ())).unwrap();
    assert_eq!(deliver_due(&db, &mailer, start_time() + Duration::minutes(1)).await.unwrap(), 1, "released when the journey ended");
    let digest = outbox::of_customer(&db, dana).await.unwrap().into_iter().find(|row| row.subject == "Stories").unwrap();
    assert_eq!((digest.delivery.as_str(), digest.delivery_note), ("sent", None));
    assert_eq!(sink.messages().len(), 2);
}

#[tokio::test]
async fn marketing_waits_on_both_backends() {
    each_backend(marketing_waits_for_the_recovery).await;
}
