//! Stories and consent on real databases: the ledger's rules hold in the data layer (and in
//! the schema, whatever writes the row), and the live feed reaches browsers connected to
//! another instance on the same Postgres within a second.

use std::time::{Duration, Instant};

use crate::support::fixtures::{customer_message, resolved_conversation, GRATITUDE_ANALYSIS};
use crate::support::{each_backend, TestApp, TestDb};
use app::data::consents::{self, Answerer, ConsentMail, Subject};
use app::data::conversations::{self, NewMessage};
use app::data::story_editing::{self, Actor};
use app::data::{customers, stories, users, DataError, Db};
use app::domain::accounts::Role;
use app::domain::stories::consent::Decision;
use app::domain::stories::draft::StoryDraft;
use app::domain::stories::quotes::QuoteSource;
use chrono::Utc;

const PASSWORD: &str = "a long enough password";

async fn conversation_with(db: &Db, reference: &str, name: &str) -> (i64, i64) {
    let now = Utc::now();
    let (customer_id, _) =
        customers::upsert_by_ref(db, reference, name, Some(&format!("{reference}@example.com")), None, now).await.unwrap();
    let ids = conversations::insert_many(db, &[resolved_conversation(customer_id, "Charged twice", now)]).await.unwrap();
    conversations::insert_messages(
        db,
        &[customer_message(ids[0], customer_id, "I was charged twice for one order. Thank you so much, that was quick!", now, 0.6)],
    )
    .await
    .unwrap();
    (customer_id, ids[0])
}

fn draft(title: &str) -> StoryDraft {
    StoryDraft {
        title: title.into(),
        narrative: "Dana was charged twice for one order and wrote to us, understandably upset about it.".into(),
        resolution: "We refunded the second charge the same day.".into(),
        quotes: vec!["Thank you so much, that was quick!".into()],
        naming: "first_name_initial".into(),
    }
}

async fn marketing_user(db: &Db) -> i64 {
    users::create(db, users::NewUser { email: "mia@example.com", display_name: "Mia", password_hash: "x", role: Role::Marketing }, "test")
        .await
        .unwrap()
}

async fn ask(db: &Db, story_id: i64, token_hash: &str, marketing: i64) -> Result<(), DataError> {
    let story = story_editing::story(db, story_id).await.unwrap();
    let mail = ConsentMail { subject: "May we?", body: "the text" };
    consents::request_story_consent(db, story_id, &story.consent_text(), token_hash, &mail, marketing, Utc::now()).await
}

fn refused(result: Result<(), DataError>, containing: &str) {
    match result {
        Err(DataError::Refused(why)) => assert!(why.contains(containing), "{why}"),
        other => panic!("expected a refusal mentioning “{containing}”, got {other:?}"),
    }
}

async fn consent_rules_hold_in_the_data_layer(db: Db) {
    let marketing = marketing_user(&db).await;
    let actor = Actor { user_id: marketing, label: "Mia" };
    let (dana, conversation) = conversation_with(&db, "dana", "Dana Smith").await;
    let (other, _) = conversation_with(&db, "olav", "Olav Other").await;
    let id =
        story_editing::create(&db, dana, Some(conversation), &draft("Charged twice, fixed in a day"), &actor, Utc::now()).await.unwrap();

    refused(story_editing::publish(&db, id, &actor, Utc::now()).await, "no consent yet");
    ask(&db, id, "hash-v1", marketing).await.unwrap();
    refused(story_editing::publish(&db, id, &actor, Utc::now()).await, "not answered");
    let outbox: i64 = app::on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbox_messages WHERE customer_id = $1").bind(dana).fetch_one(pool).await).unwrap();
    assert_eq!(outbox, 1, "the request is emailed through the outbox");

    // Another customer cannot answer for Dana, whatever id they send.
    assert!(matches!(
        consents::answer(
            &db,
            Answerer::Customer { customer_id: other, subject: Subject::Story, id },
            Decision::Granted,
            "account",
            Utc::now()
        )
        .await,
        Err(DataError::NotFound)
    ));
    consents::answer(&db, Answerer::Link { token_hash: "hash-v1" }, Decision::Granted, "email link", Utc::now()).await.unwrap();
    story_editing::publish(&db, id, &actor, Utc::now()).await.unwrap();
    assert_eq!(stories::published_cards(&db, 10).await.unwrap()[0].told_by, "Dana S.");

    // An edit after consent: a new version, off the portal, needing its own consent.
    let edited = story_editing::update(&db, id, &draft("Charged twice, refunded the same day"), &actor, Utc::now()).await.unwrap();
    assert_eq!((edited.version, edited.unpublished), (2, true));
    assert!(stories::published_cards(&db, 10).await.unwrap().is_empty());
    refused(story_editing::publish(&db, id, &actor, Utc::now()).await, "no consent yet");
    ask(&db, id, "hash-v2", marketing).await.unwrap();
    refused(
        consents::answer(&db, Answerer::Link { token_hash: "hash-v1" }, Decision::Granted, "email link", Utc::now()).await.map(|_| ()),
        "earlier version",
    );
    consents::answer(&db, Answerer::Customer { customer_id: dana, subject: Subject::Story, id }, Decision::Granted, "account", Utc::now())
        .await
        .unwrap();
    story_editing::publish(&db, id, &actor, Utc::now()).await.unwrap();
    story_editing::set_featured(&db, id, true, Utc::now()).await.unwrap();
    assert_eq!(stories::search_published(&db, "refunded", 3).await.unwrap().len(), 1);

    // Withdrawal: gone from every read, recorded, and final.
    let answered = consents::answer(
        &db,
        Answerer::Customer { customer_id: dana, subject: Subject::Story, id },
        Decision::Withdrawn,
        "account",
        Utc::now(),
    )
    .await
    .unwrap();
    assert!(answered.was_published);
    assert!(stories::published_cards(&db, 10).await.unwrap().is_empty());
    assert!(stories::public_story(&db, id).await.unwrap().is_none());
    assert!(stories::search_published(&db, "refunded", 3).await.unwrap().is_empty());
    refused(story_editing::publish(&db, id, &actor, Utc::now()).await, "withdrew");
    refused(story_editing::update(&db, id, &draft("Trying to bring it back"), &actor, Utc::now()).await.map(|_| ()), "withdrew");
    let audited: i64 = app::on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'consent.withdrawn' AND subject = $1").bind(format!("story:{id}")).fetch_one(pool).await).unwrap();
    assert_eq!(audited, 1);
    let ledger: Vec<String> = app::on_pool!(&db, pool => sqlx::query_scalar("SELECT decision FROM consent_records WHERE subject_id = $1 ORDER BY id").bind(id).fetch_all(pool).await).unwrap();
    assert_eq!(ledger, ["requested", "granted", "requested", "granted", "withdrawn"]);

    // Whatever writes the row: the schema refuses publishing without a grant for the version.
    let second =
        story_editing::create(&db, dana, Some(conversation), &draft("Another story about the charge"), &actor, Utc::now()).await.unwrap();
    let raw = app::on_pool!(&db, pool => sqlx::query("UPDATE stories SET status = 'published', published_at = $2 WHERE id = $1").bind(second).bind(Utc::now()).execute(pool).await.map(|_| ()));
    let error = raw.expect_err("a raw UPDATE to published is refused");
    assert!(error.to_string().contains("needs consent"), "{error}");
}

#[tokio::test]
async fn consent_rules_on_sqlite_and_postgres() {
    each_backend(consent_rules_hold_in_the_data_layer).await;
}

/// Reads server-sent events from `path` until one named `name` whose data contains `needle`.
struct EventReader {
    response: reqwest::Response,
    buffer: String,
}

impl EventReader {
    async fn open(app: &TestApp) -> EventReader {
        let response = reqwest::Client::new().get(app.url(app::portal::stories::LIVE_PATH)).send().await.expect("connect to the live feed");
        assert_eq!(response.status(), 200);
        EventReader { response, buffer: String::new() }
    }

    async fn next_named(&mut self, name: &str, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let event = block.lines().find_map(|l| l.strip_prefix("event:")).map(str::trim).unwrap_or("message");
                let data: String = block.lines().filter_map(|l| l.strip_prefix("data:")).map(str::trim).collect();
                if event == name && data.contains(needle) {
                    return data;
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(other) => panic!("the live feed ended: {other:?}"),
                Err(_) => panic!("no `{name}` event with {needle} within {within:?}"),
            }
        }
    }
}

fn succeeded(response: &reqwest::Response) -> bool {
    response.status().is_success() || response.status().is_redirection()
}

async fn signed_in(app: &TestApp, role: Role, email: &str) -> reqwest::Client {
    app.create_staff(role, email, PASSWORD).await;
    app.signed_in(email, PASSWORD).await
}

/// Marketing on `writer` drafts, asks, publishes; the customer answers by the emailed link;
/// a browser on `reader` sees each change live.
async fn publish_and_withdraw_reach_the_other_instance(writer: &TestApp, reader: &TestApp) {
    let db = &writer.database.db;
    let (dana, conversation) = conversation_with(db, "dana", "Dana Smith").await;
    // Marketing drafts from story candidates: Dana was upset before she thanked us.
    conversations::insert_messages(
        db,
        &[customer_message(conversation, dana, "I was charged twice and nobody answers!", Utc::now() - chrono::Duration::hours(2), -0.6)],
    )
    .await
    .unwrap();
    let marketing = signed_in(writer, Role::Marketing, "mia@example.com").await;
    let conversation_field = conversation.to_string();
    let saved = writer
        .call(
            &marketing,
            "stories/save",
            &[
                ("conversation_id", conversation_field.as_str()),
                ("title", "Charged twice, fixed in a day"),
                ("narrative", "Dana was charged twice for one order and wrote to us, understandably upset about it."),
                ("resolution", "We refunded the second charge the same day."),
                ("quotes[0]", "Thank you so much, that was quick!"),
                ("naming", "first_name_initial"),
            ],
        )
        .await;
    assert!(succeeded(&saved), "save: {}", saved.status());
    let id: i64 = app::on_pool!(db, pool => sqlx::query_scalar("SELECT MAX(id) FROM stories").fetch_one(pool).await).unwrap();
    let id_field = id.to_string();
    let refused = writer.call(&marketing, "stories/publishing", &[("id", id_field.as_str()), ("action", "publish")]).await;
    assert_eq!(refused.status(), 409, "no consent, no publishing");
    let asked = writer.call(&marketing, "stories/ask_consent", &[("id", id_field.as_str())]).await;
    assert!(succeeded(&asked), "ask: {}", asked.status());
    let body: String =
        app::on_pool!(db, pool => sqlx::query_scalar("SELECT body FROM outbox_messages ORDER BY id DESC LIMIT 1").fetch_one(pool).await)
            .unwrap();
    assert!(body.contains("> Charged twice, fixed in a day"), "the email shows the exact text: {body}");
    let token = body.split("/consent/").nth(1).expect("a consent link").chars().take(64).collect::<String>();
    let customer = writer.client();
    let granted = writer.call(&customer, "stories/answer_link", &[("token", token.as_str()), ("answer", "grant")]).await;
    assert!(succeeded(&granted), "grant: {}", granted.status());

    let mut browser = EventReader::open(reader).await;
    browser.next_named("snapshot", "\"ids\":[]", Duration::from_secs(5)).await;
    let published_at = Instant::now();
    let published = writer.call(&marketing, "stories/publishing", &[("id", id_field.as_str()), ("action", "publish")]).await;
    assert!(succeeded(&published), "publish: {}", published.status());
    let card = browser.next_named("story", &format!("\"id\":{id}"), Duration::from_secs(1)).await;
    println!("publish → delivery on the other instance: {:?}", published_at.elapsed());
    assert!(card.contains("\"told_by\":\"Dana S.\""), "{card}");

    let withdrawn_at = Instant::now();
    let withdrawn = writer.call(&customer, "stories/answer_link", &[("token", token.as_str()), ("answer", "withdraw")]).await;
    assert!(succeeded(&withdrawn), "withdraw: {}", withdrawn.status());
    browser.next_named("removed", &format!("\"id\":{id}"), Duration::from_secs(1)).await;
    println!("withdraw → removal on the other instance: {:?}", withdrawn_at.elapsed());
    let reader_client = reader.client();
    assert_eq!(reader.page_status(&reader_client, &format!("/stories/{id}")).await, 404);
    let embed = reader_client.get(reader.url("/embed/stories")).send().await.unwrap().text().await.unwrap();
    assert!(!embed.contains(&format!("data-story-id=\"{id}\"")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn live_stories_on_one_sqlite_instance() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    publish_and_withdraw_reach_the_other_instance(&app, &app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn live_stories_across_two_instances_on_postgres() {
    let Some(database) = TestDb::postgres().await else { return };
    let second = database.same_database().await;
    let writer = TestApp::spawn(database).await;
    let reader = TestApp::spawn(second).await;
    publish_and_withdraw_reach_the_other_instance(&writer, &reader).await;
}

async fn quotes_need_consent_to_their_exact_words(db: Db) {
    use app::domain::community::naming::Naming;
    let marketing = marketing_user(&db).await;
    let (quinn, conversation) = conversation_with(&db, "quinn", "Quinn Adams").await;
    let now = Utc::now();
    conversations::insert_messages(
        &db,
        &[NewMessage {
            analysis: Some(GRATITUDE_ANALYSIS.into()),
            ..customer_message(conversation, quinn, "Wow. You fixed it within the hour! Thank you all so much.", now, 0.9)
        }],
    )
    .await
    .unwrap();
    let candidates = app::data::quotes::candidates(&db, now - chrono::Duration::days(30), 10).await.unwrap();
    assert_eq!(candidates.len(), 1, "only the message the engine read as gratitude");
    let message_id = candidates[0].source;
    let mail = ConsentMail { subject: "May we?", body: "the words" };
    let id = app::data::quotes::propose(
        &db,
        message_id,
        "You fixed it within the hour!",
        Naming::FirstNameInitial,
        "quote-hash",
        &mail,
        marketing,
        now,
    )
    .await
    .unwrap();
    refused(app::data::quotes::publish(&db, id, marketing, now).await, "not answered");
    refused(
        app::data::quotes::propose(&db, message_id, "Thank you all so much.", Naming::Anonymous, "other-hash", &mail, marketing, now)
            .await
            .map(|_| ()),
        "proposed already",
    );
    let shown = consents::subject_by_token(&db, "quote-hash").await.unwrap();
    assert_eq!(shown.text_shown, "“You fixed it within the hour!”\n\nShown as: Quinn A.");
    consents::answer(&db, Answerer::Link { token_hash: "quote-hash" }, Decision::Granted, "email link", now).await.unwrap();
    app::data::quotes::publish(&db, id, marketing, now).await.unwrap();
    let wall = app::data::quotes::wall(&db, None, Some("email"), 10).await.unwrap();
    assert_eq!((wall[0].quote.as_str(), wall[0].said_by.as_str()), ("You fixed it within the hour!", "Quinn A."));
    assert!(app::data::quotes::wall(&db, None, Some("chat"), 10).await.unwrap().is_empty(), "the channel filter");
    assert_eq!(app::data::quotes::selection(&db, now - chrono::Duration::days(30)).await.unwrap(), (1, 1));
    assert!(consents::customer_stories(&db, quinn).await.unwrap().iter().any(|s| s.kind == "quote" && s.id == id));

    let answered =
        consents::answer(&db, Answerer::Customer { customer_id: quinn, subject: Subject::Quote, id }, Decision::Withdrawn, "account", now)
            .await
            .unwrap();
    assert!(answered.was_published);
    assert!(app::data::quotes::wall(&db, None, None, 10).await.unwrap().is_empty());
    let raw = app::on_pool!(&db, pool => sqlx::query("UPDATE gratitude_quotes SET status = 'published' WHERE id = $1").bind(id).execute(pool).await.map(|_| ()));
    assert!(raw.expect_err("the schema refuses").to_string().contains("needs consent"));

    // Survey comments: a warm comment with a high score is proposed; a high score with angry
    // words, a warm comment with a middling score and a score without words are not.
    let answer = |conversation_id: Option<i64>, value: f64, note: Option<&str>| customers::NewEvent {
        customer_id: quinn,
        conversation_id,
        kind: "csat",
        value: Some(value),
        note: note.map(str::to_string),
        occurred_at: now,
    };
    customers::insert_events(
        &db,
        &[
            answer(Some(conversation), 5.0, Some("Thank you so much, Sam sorted it out in minutes!")),
            answer(Some(conversation), 5.0, Some("The app still crashes and I am really frustrated.")),
            answer(None, 3.0, Some("Thanks, that was quick.")),
            answer(None, 4.0, None),
        ],
    )
    .await
    .unwrap();
    let candidates = app::data::quotes::candidates(&db, now - chrono::Duration::days(30), 10).await.unwrap();
    let surveys: Vec<_> = candidates.iter().filter(|c| matches!(c.source, QuoteSource::Csat(_))).collect();
    assert_eq!(surveys.len(), 1, "only the warm, high-scoring comment: {candidates:?}");
    assert_eq!((surveys[0].csat_score, surveys[0].channel.as_deref()), (Some(5.0), Some("email")));
    assert_eq!(
        app::data::quotes::selection(&db, now - chrono::Duration::days(30)).await.unwrap(),
        (0, 2),
        "one thank-you message and one warm comment"
    );
    let csat = surveys[0].source;
    let QuoteSource::Csat(csat_event) = csat else { unreachable!() };
    assert!(
        matches!(app::data::quotes::source_text(&db, QuoteSource::Csat(csat_event + 1)).await, Err(DataError::NotFound)),
        "the angry comment cannot be proposed by id either"
    );
    let words = "Thank you so much, Sam sorted it out in minutes!";
    let survey_quote = app::data::quotes::propose(&db, csat, words, Naming::FullName, "csat-hash", &mail, marketing, now).await.unwrap();
    refused(
        app::data::quotes::propose(&db, csat, words, Naming::FullName, "csat-again", &mail, marketing, now).await.map(|_| ()),
        "survey comment was proposed already",
    );
    refused(app::data::quotes::publish(&db, survey_quote, marketing, now).await, "not answered");
    consents::answer(&db, Answerer::Link { token_hash: "csat-hash" }, Decision::Granted, "email link", now).await.unwrap();
    app::data::quotes::publish(&db, survey_quote, marketing, now).await.unwrap();
    let wall = app::data::quotes::wall(&db, None, Some("email"), 10).await.unwrap();
    assert_eq!(
        (wall[0].quote.as_str(), wall[0].said_by.as_str()),
        (words, "Quinn Adams"),
        "the survey answer's conversation gives the channel"
    );
    assert_eq!(app::data::quotes::wall_facets(&db).await.unwrap().1, vec!["email".to_string()]);
    assert_eq!(app::data::quotes::selection(&db, now - chrono::Duration::days(30)).await.unwrap(), (1, 2));
}

#[tokio::test]
async fn quote_consent_on_sqlite_and_postgres() {
    each_backend(quotes_need_consent_to_their_exact_words).await;
}

/// Ten customers with a message before and after a story went out; five of them saw it.
async fn ripple_compares_viewers_with_non_viewers(db: Db) {
    let marketing = marketing_user(&db).await;
    let actor = Actor { user_id: marketing, label: "Mia" };
    let (dana, conversation) = conversation_with(&db, "dana", "Dana Smith").await;
    let id =
        story_editing::create(&db, dana, Some(conversation), &draft("Charged twice, fixed in a day"), &actor, Utc::now()).await.unwrap();
    ask(&db, id, "ripple-hash", marketing).await.unwrap();
    consents::answer(&db, Answerer::Link { token_hash: "ripple-hash" }, Decision::Granted, "email link", Utc::now()).await.unwrap();
    let published = Utc::now() - chrono::Duration::days(10);
    story_editing::publish(&db, id, &actor, published).await.unwrap();
    for n in 0..10 {
        let (customer, conversation) = conversation_with(&db, &format!("reader{n}"), &format!("Reader {n}")).await;
        let viewer = n < 5;
        // Both groups were upset before (so they are "similar"); viewers recovered more.
        let (before, after) = if viewer { (-0.4, 0.4) } else { (-0.3, -0.2) };
        conversations::insert_messages(
            &db,
            &[
                customer_message(conversation, customer, "Before.", published - chrono::Duration::days(5), before),
                customer_message(conversation, customer, "After.", published + chrono::Duration::days(5), after),
            ],
        )
        .await
        .unwrap();
        let survey = |days: i64, score: f64| customers::NewEvent {
            customer_id: customer,
            conversation_id: None,
            kind: "csat",
            value: Some(score),
            note: None,
            occurred_at: published + chrono::Duration::days(days),
        };
        customers::insert_events(&db, &[survey(-4, 3.0), survey(6, if viewer { 5.0 } else { 4.0 })]).await.unwrap();
        if viewer {
            app::data::ripple::record(&db, &[id], "impression", Some(customer), None, published + chrono::Duration::days(1)).await.unwrap();
        }
    }
    app::data::ripple::record(&db, &[id], "onward", None, None, Utc::now()).await.unwrap();
    // conversation_with also wrote a message "now" (+0.6) for every customer: an "after"
    // message for viewers and non-viewers alike, so it does not bias the comparison.
    assert_eq!(
        app::data::ripple::record(&db, &[id, 999_999], "click", None, None, Utc::now()).await.unwrap(),
        1,
        "unknown stories are ignored"
    );
    app::data::ripple::record(&db, &[id], "dwell", None, Some(42_000), Utc::now()).await.unwrap();
    assert!(app::data::ripple::toggle_reaction(&db, id, marketing, Utc::now()).await.unwrap());
    assert!(!app::data::ripple::toggle_reaction(&db, id, marketing, Utc::now()).await.unwrap(), "a second click takes it back");
    assert!(app::data::ripple::toggle_reaction(&db, id, marketing, Utc::now()).await.unwrap());
    let rows = app::data::ripple::dashboard(&db, Utc::now(), 10).await.unwrap();
    let row = rows.iter().find(|r| r.story_id == id).expect("the story is on the dashboard");
    assert_eq!(row.reactions, 1);
    assert_eq!((row.impressions, row.clicks, row.mean_dwell_secs), (5, 1, Some(42.0)));
    assert_eq!((row.lift.viewers, row.lift.comparison), (5, 6), "Dana (the story's customer) is among the non-viewers");
    assert_eq!((row.lift.matched_viewers, row.lift.matched_comparison), (5, 5), "but she was not upset before, so she is not matched");
    assert_eq!((row.onward, row.signups, row.digests), (1, 0, 0));
    let lift = row.lift.sentiment_lift.expect("enough people on both sides");
    assert!((lift - 0.4).abs() < 1e-9, "viewers' mood rose more: {lift}");
    let csat = row.lift.csat_lift.expect("surveys before and after");
    assert!((csat - 1.0).abs() < 1e-9, "viewers rated their later help higher: {csat}");
}

#[tokio::test]
async fn ripple_on_sqlite_and_postgres() {
    each_backend(ripple_compares_viewers_with_non_viewers).await;
}

#[tokio::test]
async fn the_view_beacon_checks_its_input_and_honours_do_not_track() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let client = app.client();
    let post = |body: &'static str, dnt: bool| {
        let mut request = client.post(app.url("/api/ripple")).body(body);
        if dnt {
            request = request.header("DNT", "1");
        }
        request.send()
    };
    let malformed = post("not json", false).await.unwrap();
    assert_eq!(malformed.status(), 422);
    let body: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(body["error"], "invalid", "{body}");
    assert!(body["fields"]["body"].as_str().is_some_and(|problem| problem.contains("story_ids")), "{body}");
    assert_eq!(post(r#"{"story_ids":[1],"kind":"stare"}"#, false).await.unwrap().status(), 422);
    assert_eq!(post(r#"{"story_ids":[],"kind":"impression"}"#, false).await.unwrap().status(), 422);
    assert_eq!(post(r#"{"story_ids":[1],"kind":"dwell","dwell_ms":-5}"#, false).await.unwrap().status(), 422);
    assert_eq!(post(r#"{"story_ids":[1],"kind":"impression"}"#, false).await.unwrap().status(), 204);
    assert_eq!(post("not json", true).await.unwrap().status(), 204, "Do-Not-Track: nothing is read or stored");
    let other_site = reqwest::Client::new()
        .post(app.url("/api/ripple"))
        .header("Origin", "https://evil.example")
        .body(r#"{"story_ids":[1],"kind":"click"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(other_site.status(), 403);
    assert_eq!(client.get(app.url("/studio/ripple.csv")).send().await.unwrap().status(), 401);
}

async fn digests_go_to_subscribers_once_and_stop_on_unsubscribe(db: Db) {
    use app::data::digests;
    let marketing = marketing_user(&db).await;
    let actor = Actor { user_id: marketing, label: "Mia" };
    let (dana, conversation) = conversation_with(&db, "dana", "Dana Smith").await;
    let (reader, _) = conversation_with(&db, "rita", "Rita Reader").await;
    let now = Utc::now();
    assert!(digests::set_subscribed(&db, reader, true, "account", now).await.unwrap());
    assert!(!digests::set_subscribed(&db, reader, true, "account", now).await.unwrap(), "already subscribed");
    let link = |customer: i64| format!("https://x.example/digest/unsubscribe/{customer}/token");
    assert_eq!(digests::send_due(&db, now, "https://x.example", link).await.unwrap(), 0, "no story yet: no empty digest");

    let id = story_editing::create(&db, dana, Some(conversation), &draft("Charged twice, fixed in a day"), &actor, now).await.unwrap();
    ask(&db, id, "digest-hash", marketing).await.unwrap();
    consents::answer(&db, Answerer::Link { token_hash: "digest-hash" }, Decision::Granted, "email link", now).await.unwrap();
    story_editing::publish(&db, id, &actor, now).await.unwrap();
    // An older story about a delivery problem, like the one the reader had: it comes first.
    let (eve, eve_conversation) = conversation_with(&db, "eve", "Eve Stone").await;
    app::on_pool!(&db, pool => sqlx::query("UPDATE conversations SET situation = 'delivery' WHERE id = $1 OR customer_id = $2").bind(eve_conversation).bind(reader).execute(pool).await.map(|_| ())).unwrap();
    let earlier = now - chrono::Duration::minutes(5);
    let parcel = story_editing::create(&db, eve, Some(eve_conversation), &draft("A lost parcel, found"), &actor, earlier).await.unwrap();
    ask(&db, parcel, "digest-hash-2", marketing).await.unwrap();
    consents::answer(&db, Answerer::Link { token_hash: "digest-hash-2" }, Decision::Granted, "email link", earlier).await.unwrap();
    story_editing::publish(&db, parcel, &actor, earlier).await.unwrap();
    assert_eq!(digests::send_due(&db, now, "https://x.example", link).await.unwrap(), 1);
    assert_eq!(digests::send_due(&db, now, "https://x.example", link).await.unwrap(), 0, "once a week at most");
    let body: String = app::on_pool!(&db, pool => sqlx::query_scalar("SELECT body FROM outbox_messages WHERE customer_id = $1 AND dedupe_key LIKE 'digest-%'").bind(reader).fetch_one(pool).await).unwrap();
    assert!(body.contains("Charged twice, fixed in a day") && body.contains(&format!("https://x.example/stories/{id}")), "{body}");
    let position = |title: &str| body.find(title).unwrap_or_else(|| panic!("{title} is in the digest: {body}"));
    assert!(position("A lost parcel, found") < position("Charged twice, fixed in a day"), "the reader's own situation first: {body}");
    assert!(body.contains(&format!("https://x.example/digest/unsubscribe/{reader}/token")));
    let digest_views: i64 = app::on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM story_views WHERE kind = 'digest' AND customer_id = $1").bind(reader).fetch_one(pool).await).unwrap();
    assert_eq!(digest_views, 2, "a digest counts as a view of each of its stories for the ripple numbers");

    assert!(digests::set_subscribed(&db, reader, false, "unsubscribe link", now).await.unwrap());
    assert!(!digests::is_subscribed(&db, reader).await.unwrap());
    assert_eq!(digests::send_due(&db, now + chrono::Duration::days(8), "https://x.example", link).await.unwrap(), 0);
    let ledger: Vec<(String, String)> = app::on_pool!(&db, pool => sqlx::query_as("SELECT decision, channel FROM consent_records WHERE subject_kind = 'digest' AND customer_id = $1 ORDER BY id").bind(reader).fetch_all(pool).await).unwrap();
    assert_eq!(ledger, [("granted".to_string(), "account".to_string()), ("withdrawn".to_string(), "unsubscribe link".to_string())]);
}

#[tokio::test]
async fn digests_on_sqlite_and_postgres() {
    each_backend(digests_go_to_subscribers_once_and_stop_on_unsubscribe).await;
}

#[tokio::test]
async fn the_unsubscribe_link_needs_its_token() {
    let app = TestApp::spawn(TestDb::sqlite().await).await;
    let db = &app.database.db;
    let (rita, _) = conversation_with(db, "rita", "Rita Reader").await;
    app::data::digests::set_subscribed(db, rita, true, "account", Utc::now()).await.unwrap();
    let anyone = app.client();
    let rita_field = rita.to_string();
    let wrong = app.call(&anyone, "digest/unsubscribe", &[("customer_id", rita_field.as_str()), ("token", "0".repeat(64).as_str())]).await;
    assert_eq!(wrong.status(), 404);
    assert!(app::data::digests::is_subscribed(db, rita).await.unwrap());
    let secret = app.config.resolve_session_secret().unwrap();
    let token = app::portal::stories::digest_api::unsubscribe_token(&secret, rita);
    let right = app.call(&anyone, "digest/unsubscribe", &[("customer_id", rita_field.as_str()), ("token", token.as_str())]).await;
    assert!(succeeded(&right), "{}", right.status());
    assert!(!app::data::digests::is_subscribed(db, rita).await.unwrap());
    assert_eq!(app.page_status(&anyone, &format!("/digest/unsubscribe/{rita}/{token}")).await, 200);
}

async fn resolved_turnarounds_are_story_candidates_until_drafted(db: Db) {
    let marketing = marketing_user(&db).await;
    let actor = Actor { user_id: marketing, label: "Mia" };
    let (dana, conversation) = conversation_with(&db, "dana", "Dana Smith").await;
    conversations::insert_messages(
        &db,
        &[customer_message(
            conversation,
            dana,
            "This is unacceptable, I was charged twice!",
            Utc::now() - chrono::Duration::hours(2),
            -0.7,
        )],
    )
    .await
    .unwrap();
    let since = Utc::now() - chrono::Duration::days(90);
    let found = app::domain::stories::candidates::turnarounds(story_editing::resolved_timelines(&db, since, 300).await.unwrap(), 10);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].timeline, [-0.7, 0.6]);
    story_editing::create(&db, dana, Some(conversation), &draft("Charged twice, fixed in a day"), &actor, Utc::now()).await.unwrap();
    assert!(story_editing::resolved_timelines(&db, since, 300).await.unwrap().is_empty(), "a drafted conversation is no longer proposed");
}

#[tokio::test]
async fn turnarounds_on_sqlite_and_postgres() {
    each_backend(resolved_turnarounds_are_story_candidates_until_drafted).await;
}
