//! The journey scheduler on real databases, with a test clock: each step reaches the outbox
//! once and at its time, a restart loses nothing, a paused journey waits, one active journey
//! per issue, and two workers on one Postgres never send a step twice.

use std::sync::{Arc, Mutex};

use crate::support::TestDb;
use app::data::journeys::{self, NewJourney, StartError};
use app::data::{customers, Db, DbOptions};
use app::domain::journeys::{default_template, plan, Personalization};
use app::journeys::scheduler::run_due;
use app::journeys::scheduler::Clock;
use app::journeys::scheduler::Delivery;
use app::journeys::scheduler::NO_TRANSPORT;
use chrono::{DateTime, Duration, TimeZone, Utc};

struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn at(start: DateTime<Utc>) -> TestClock {
        TestClock(Mutex::new(start))
    }
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

fn values(name: &str) -> Personalization {
    Personalization {
        customer_name: name.into(),
        issue_summary: "the double charge".into(),
        what_changed: "the refund went out today.".into(),
        agent_name: "Sam".into(),
    }
}

async fn customer(db: &Db, reference: &str) -> i64 {
    customers::upsert_by_ref(db, reference, reference, None, None, start_time()).await.unwrap().0
}

async fn start(db: &Db, customer_id: i64, issue: &str) -> Result<i64, StartError> {
    let steps = plan(&default_template(), start_time()).unwrap();
    let values = values("Dana");
    journeys::start(
        db,
        &NewJourney {
            customer_id,
            conversation_id: None,
            template_id: None,
            issue_key: issue,
            personalization: &values,
            started_at: start_time(),
        },
        &steps,
    )
    .await
}

async fn steps_fire_once_at_their_time_and_survive_a_restart(database: TestDb) {
    let clock = TestClock::at(start_time());
    let dana = customer(&database.db, "dana").await;
    start(&database.db, dana, "conversation:1").await.unwrap();
    assert!(
        matches!(start(&database.db, dana, "conversation:1").await, Err(StartError::AlreadyActive)),
        "one active journey per customer and issue"
    );

    assert_eq!(run_due(&database.db, &clock, Delivery::NoTransport).await.unwrap().sent, 1, "the acknowledgement goes now");
    assert_eq!(run_due(&database.db, &clock, Delivery::NoTransport).await.unwrap().sent, 0, "and only once");
    clock.advance(Duration::days(3) - Duration::minutes(1));
    assert_eq!(run_due(&database.db, &clock, Delivery::NoTransport).await.unwrap().sent, 0, "not before its time");

    // A restart: a new pool on the same database, nothing kept in memory.
    database.db.close().await;
    let db = Db::connect(&DbOptions { url: database.url.clone(), max_connections: 4 }).await.unwrap();
    clock.advance(Duration::minutes(1));
    assert_eq!(run_due(&db, &clock, Delivery::NoTransport).await.unwrap().sent, 1, "the update goes after three days");
    clock.advance(Duration::days(4));
    assert_eq!(run_due(&db, &clock, Delivery::NoTransport).await.unwrap().sent, 1, "the check-in after seven");
    assert_eq!(run_due(&db, &clock, Delivery::NoTransport).await.unwrap().sent, 0);
    let journey: i64 = app::data::on_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM journeys").fetch_one(pool).await).unwrap();
    clock.advance(Duration::days(3));
    let pass = run_due(&db, &clock, Delivery::NoTransport).await.unwrap();
    assert_eq!(pass.ended, 1, "no sign of recovery within 3 days of the last step");
    assert_eq!(
        journeys::state_of(&db, journey).await.unwrap(),
        ("stalled".to_string(), Some("all steps sent, no sign of recovery within 3 days of the last".to_string()))
    );

    let outbox = app::data::outbox::of_customer(&db, dana).await.unwrap();
    assert_eq!(outbox.len(), 3);
    assert!(outbox[0].body.starts_with("Hi Dana, I'm sorry about “the double charge”."), "{}", outbox[0].body);
    assert!(outbox[1].body.contains("the refund went out today."));
    assert!(outbox.iter().all(|m| m.delivery == "not_sent" && m.delivery_note.as_deref() == Some(NO_TRANSPORT)));
}

#[tokio::test]
async fn steps_fire_once_on_sqlite() {
    steps_fire_once_at_their_time_and_survive_a_restart(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn steps_fire_once_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        steps_fire_once_at_their_time_and_survive_a_restart(database).await;
    }
}

async fn reply(db: &Db, customer_id: i64, key: &'static str, sentiment: f64, at: DateTime<Utc>) {
    use app::data::ingestion::{ingest_messages, IngestMessage};
    ingest_messages(
        db,
        &[IngestMessage {
            idempotency_key: key,
            customer_id,
            conversation_id: None,
            subject: Some("Re: the double charge"),
            channel: app::domain::channels::Channel::Email,
            direction: app::domain::channels::Direction::Inbound,
            body: key,
            sentiment: Some(sentiment),
            analysis_json: None,
            situation: None,
            guidance: None,
            excerpt: key,
            sent_at: at,
        }],
        at,
        chrono::Duration::zero(),
    )
    .await
    .unwrap();
}

/// A happy reply heals the journey: it ends with that evidence and sends nothing more;
/// a cancellation ends another as churned, even after a kind word.
async fn journeys_end_when_the_customer_recovers_or_leaves(database: TestDb) {
    let db = &database.db;
    let clock = TestClock::at(start_time());
    let (dana, omar) = (customer(db, "dana").await, customer(db, "omar").await);
    app::data::webhooks::create(db, "https://crm.example/hooks", "s3cret", "journey.healed", start_time()).await.unwrap();
    let healing = start(db, dana, "conversation:1").await.unwrap();
    let leaving = start(db, omar, "conversation:2").await.unwrap();
    assert_eq!(run_due(db, &clock, Delivery::NoTransport).await.unwrap(), app::journeys::scheduler::Pass { sent: 2, ended: 0 });

    clock.advance(Duration::days(2));
    reply(db, dana, "thanks-a-lot", 0.71, clock.now()).await;
    reply(db, omar, "kind-word", 0.6, clock.now()).await;
    let cancels = customers::KeyedEvent {
        idempotency_key: "omar-cancels",
        customer_id: omar,
        conversation_id: None,
        kind: "cancellation",
        value: None,
        note: None,
        occurred_at: clock.now(),
        reopens: false,
    };
    customers::record_event(db, &cancels, clock.now(), chrono::Duration::zero()).await.unwrap();
    clock.advance(Duration::days(1));
    let pass = run_due(db, &clock, Delivery::NoTransport).await.unwrap();
    assert_eq!((pass.ended, pass.sent), (2, 0), "both ended before their next step was due");
    assert_eq!(
        journeys::state_of(db, healing).await.unwrap(),
        ("healed".to_string(), Some("a positive reply (+0.71) on 4 Nov 2026".to_string()))
    );
    assert_eq!(journeys::state_of(db, leaving).await.unwrap().0, "churned");
    let deliveries: Vec<(String, String)> = app::data::on_pool!(db, pool =>
        sqlx::query_as("SELECT event, payload FROM webhook_deliveries").fetch_all(pool).await)
    .unwrap();
    assert_eq!(deliveries.len(), 1, "only the healed journey is announced: {deliveries:?}");
    assert_eq!(deliveries[0].0, "journey.healed");
    assert!(deliveries[0].1.contains(&format!("\"journey_id\":{healing}")), "{}", deliveries[0].1);
    clock.advance(Duration::days(10));
    assert_eq!(run_due(db, &clock, Delivery::NoTransport).await.unwrap().sent, 0, "no steps after the end");
    assert_eq!(app::data::outbox::of_customer(db, dana).await.unwrap().len(), 1);
    start(db, dana, "conversation:1").await.expect("a new journey may start once the last one ended");
}

#[tokio::test]
async fn journeys_end_on_sqlite() {
    journeys_end_when_the_customer_recovers_or_leaves(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn journeys_end_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        journeys_end_when_the_customer_recovers_or_leaves(database).await;
    }
}

#[tokio::test]
async fn a_paused_journey_waits_until_it_is_resumed() {
    let database = TestDb::sqlite().await;
    let clock = TestClock::at(start_time());
    let eve = customer(&database.db, "eve").await;
    let journey = start(&database.db, eve, "conversation:2").await.unwrap();
    journeys::set_paused(&database.db, journey, true).await.unwrap();
    assert!(matches!(start(&database.db, eve, "conversation:2").await, Err(StartError::AlreadyActive)), "paused still counts as active");
    assert_eq!(run_due(&database.db, &clock, Delivery::NoTransport).await.unwrap().sent, 0);
    journeys::set_paused(&database.db, journey, false).await.unwrap();
    assert_eq!(run_due(&database.db, &clock, Delivery::NoTransport).await.unwrap().sent, 1);
}

/// Two workers (as in two server instances) poll the same Postgres at the same moment:
/// every due step reaches the outbox exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_never_send_a_step_twice() {
    let Some(database) = TestDb::postgres().await else { return };
    let clock = Arc::new(TestClock::at(start_time()));
    let mut customers_started = Vec::new();
    for n in 0..150 {
        let id = customer(&database.db, &format!("busy-{n}")).await;
        start(&database.db, id, "conversation:9").await.unwrap();
        customers_started.push(id);
    }
    let other = Db::connect(&DbOptions { url: database.url.clone(), max_connections: 4 }).await.unwrap();
    let workers: Vec<_> = [database.db.clone(), other]
        .into_iter()
        .map(|db| {
            let clock = clock.clone();
            tokio::spawn(async move {
                let mut moved = 0;
                for _ in 0..5 {
                    moved += run_due(&db, clock.as_ref(), Delivery::NoTransport).await.unwrap().sent;
                }
                moved
            })
        })
        .collect();
    let mut moved = 0;
    for worker in workers {
        moved += worker.await.unwrap();
    }
    assert_eq!(moved, 150, "each acknowledgement moved by exactly one worker");
    for id in customers_started {
        assert_eq!(app::data::outbox::of_customer(&database.db, id).await.unwrap().len(), 1);
    }
}

/// What changed is often known only later: a step that needs it waits, held with the
/// reason, until an agent gives it; then it goes on the next pass, filled in.
async fn a_step_waits_for_a_value_nobody_gave_yet(database: TestDb) {
    let db = &database.db;
    let clock = TestClock::at(start_time());
    let fay = customer(db, "fay").await;
    let mut known = values("Fay");
    known.what_changed = String::new();
    let journey = journeys::start(
        db,
        &NewJourney {
            customer_id: fay,
            conversation_id: None,
            template_id: None,
            issue_key: "conversation:3",
            personalization: &known,
            started_at: start_time(),
        },
        &plan(&default_template(), start_time()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(run_due(db, &clock, Delivery::NoTransport).await.unwrap().sent, 1, "the acknowledgement needs no update");
    clock.advance(Duration::days(3));
    assert_eq!(run_due(db, &clock, Delivery::NoTransport).await.unwrap().sent, 0);
    let held = &journeys::steps_of(db, journey).await.unwrap()[1];
    assert_eq!(
        (held.status.as_str(), held.held_reason.as_deref()),
        ("paused", Some("step 2: {what_changed} has no value for this customer"))
    );

    known.what_changed = "We fixed the billing rule that charged you twice.".into();
    journeys::personalize(db, journey, &known).await.unwrap();
    assert_eq!(run_due(db, &clock, Delivery::NoTransport).await.unwrap().sent, 1);
    let outbox = app::data::outbox::of_customer(db, fay).await.unwrap();
    assert!(outbox[1].body.contains("“the double charge”: We fixed the billing rule that charged you twice."), "{}", outbox[1].body);
}

#[tokio::test]
async fn held_steps_on_sqlite() {
    a_step_waits_for_a_value_nobody_gave_yet(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn held_steps_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        a_step_waits_for_a_value_nobody_gave_yet(database).await;
    }
}

/// A customer whose new message brings a conversation to high risk gets a recovery journey
/// for it, once, whatever the API path (batch or one by one).
#[tokio::test]
async fn a_conversation_reaching_high_risk_starts_a_journey() {
    use app::emotion::risk::RiskConfig;
    use app::emotion::state::StateConfig;
    use app::ingestion::{ingest_message_batch, MessageBatchIn, MessageIn};
    let database = TestDb::sqlite().await;
    let db = &database.db;
    let gil = customer(db, "gil").await;
    let furious = |key: &str, conversation_id: Option<i64>| MessageIn {
        idempotency_key: key.into(),
        customer_ref: "gil".into(),
        conversation_id,
        subject: conversation_id.is_none().then(|| "Charged twice".to_string()),
        channel: "email".into(),
        direction: "inbound".into(),
        body: "This is outrageous! You charged me twice AGAIN, the third time I'm asking. Refund me now or I cancel and tell everyone."
            .into(),
        sent_at: None,
    };
    let ingestion = app::ingestion::Ingestion::local(
        db.clone(),
        app::emotion::EngineSettings { risk: RiskConfig::default(), state: StateConfig::default() },
    );
    let mut high = None;
    for n in 0..4 {
        let batch = ingest_message_batch(&ingestion, MessageBatchIn { messages: vec![furious(&format!("gil-{n}"), None)] }).await.unwrap();
        let ingested = &batch.messages[0];
        if ingested.risk.level >= app::emotion::risk::RiskLevel::High {
            high = Some(ingested.conversation_id);
            break;
        }
    }
    let conversation = high.expect("repeated furious messages reach high risk");
    let again =
        ingest_message_batch(&ingestion, MessageBatchIn { messages: vec![furious("gil-again", Some(conversation))] }).await.unwrap();
    assert!(again.messages[0].risk.level >= app::emotion::risk::RiskLevel::High);
    let journeys: Vec<(i64, String)> = app::data::on_pool!(db, pool =>
        sqlx::query_as("SELECT customer_id, issue_key FROM journeys WHERE state = 'active'").fetch_all(pool).await)
    .unwrap();
    assert_eq!(journeys, [(gil, format!("conversation:{conversation}"))]);
    // The journey keeps the situation it started for, whatever the conversation turns into.
    let (started_for, now_about): (Option<String>, Option<String>) = app::data::on_pool!(db, pool =>
        sqlx::query_as("SELECT j.situation, c.situation FROM journeys j JOIN conversations c ON c.id = j.conversation_id").fetch_one(pool).await).unwrap();
    assert!(started_for.is_some(), "the situation is remembered");
    assert_eq!(started_for, now_about);
    let thanks = MessageIn {
        body: "Thank you so much, you are wonderful, I love this service!".into(),
        ..furious("gil-thanks", Some(conversation))
    };
    ingest_message_batch(&ingestion, MessageBatchIn { messages: vec![thanks] }).await.unwrap();
    let records =
        app::data::journeys::records(db, chrono::Utc::now() - Duration::days(1), chrono::Utc::now() + Duration::days(1)).await.unwrap();
    assert_eq!(Some(records[0].situation.clone()), started_for);
}

/// With `journey_gratitude_quote` on, messages close with the newest published quote — only
/// while its latest consent record for the published version is a grant.
async fn a_quote_closes_messages_only_with_consent(database: TestDb) {
    use app::journeys::scheduler::run_due_with;
    use app::journeys::scheduler::PassSettings;
    let db = &database.db;
    let clock = TestClock::at(start_time());
    let quoter = customer(db, "Quinn Adams").await;
    let with_quote = PassSettings { delivery: Delivery::NoTransport, gratitude_quote: true };
    app::data::on_pool!(db, pool => {
        sqlx::query("INSERT INTO gratitude_quotes (id, customer_id, quote, naming, version, status, created_at, published_at) \
                     VALUES (7, $1, 'They fixed it within the hour!', 'first_name_initial', 2, 'awaiting_consent', $2, $2)")
            .bind(quoter).bind(start_time()).execute(pool).await.unwrap();
        // Consent to an older version does not count.
        sqlx::query("INSERT INTO consent_records (customer_id, subject_kind, subject_id, subject_version, decision, channel, text_shown, recorded_at) \
                     VALUES ($1, 'quote', 7, 1, 'granted', 'account', 'v1', $2)")
            .bind(quoter).bind(start_time()).execute(pool).await.unwrap();
    });
    let dana = customer(db, "dana").await;
    start(db, dana, "conversation:1").await.unwrap();
    run_due_with(db, &clock, with_quote).await.unwrap();
    let outbox = app::data::outbox::of_customer(db, dana).await.unwrap();
    assert!(!outbox[0].body.contains("fixed it within the hour"), "no consent to version 2: {}", outbox[0].body);

    app::data::on_pool!(db, pool => sqlx::query("INSERT INTO consent_records (customer_id, subject_kind, subject_id, subject_version, decision, channel, text_shown, recorded_at) \
                 VALUES ($1, 'quote', 7, 2, 'granted', 'account', 'v2', $2)")
        .bind(quoter).bind(start_time() + Duration::hours(1)).execute(pool).await.map(|_| ()).unwrap());
    // The schema lets it be published now that version 2 has a grant.
    app::data::on_pool!(db, pool => sqlx::query("UPDATE gratitude_quotes SET status = 'published' WHERE id = 7").execute(pool).await.map(|_| ()).unwrap());
    clock.advance(Duration::days(3));
    run_due_with(db, &clock, with_quote).await.unwrap();
    let outbox = app::data::outbox::of_customer(db, dana).await.unwrap();
    assert!(
        outbox[1].body.ends_with("From our community, shared with permission: “They fixed it within the hour!” — Quinn A."),
        "{}",
        outbox[1].body
    );

    app::data::on_pool!(db, pool => sqlx::query("INSERT INTO consent_records (customer_id, subject_kind, subject_id, subject_version, decision, channel, text_shown, recorded_at) \
                 VALUES ($1, 'quote', 7, 2, 'withdrawn', 'account', 'v2', $2)")
        .bind(quoter).bind(start_time() + Duration::days(4)).execute(pool).await.map(|_| ()).unwrap());
    clock.advance(Duration::days(4));
    run_due_with(db, &clock, with_quote).await.unwrap();
    let outbox = app::data::outbox::of_customer(db, dana).await.unwrap();
    assert!(!outbox[2].body.contains("From our community"), "withdrawn: {}", outbox[2].body);
}

#[tokio::test]
async fn consented_quotes_on_sqlite() {
    a_quote_closes_messages_only_with_consent(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn consented_quotes_on_postgres() {
    if let Some(database) = TestDb::postgres().await {
        a_quote_closes_messages_only_with_consent(database).await;
    }
}
