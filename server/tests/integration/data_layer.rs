//! The data layer on both backends: the same assertions on SQLite and Postgres.

use app::domain::workspace::{ConversationStatus, FilterCounts, InboxQuery};

use crate::support::each_backend;
use app::data::{api_tokens, audit, community, conversations, customers, on_pool, sessions, users, DataError, Db};
use app::domain::accounts::Role;
use chrono::{Duration, Utc};
use server::seed::{seed_demo, SeedOptions};

fn new_user<'a>(email: &'a str, role: Role) -> users::NewUser<'a> {
    users::NewUser { email, display_name: "Ana Silva", password_hash: "not-a-real-hash", role }
}

#[tokio::test]
async fn customers_who_sign_up_get_a_customer_record_and_an_audit_entry() {
    each_backend(|db| async move {
        let id = users::create(&db, new_user("ana@example.com", Role::Customer), "test").await.unwrap();
        let linked: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE user_id = $1").bind(id).fetch_one(pool).await).unwrap();
        assert_eq!(linked, 1);
        let staff = users::create(&db, new_user("sam@example.com", Role::Agent), "test").await.unwrap();
        let staff_linked: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE user_id = $1").bind(staff).fetch_one(pool).await).unwrap();
        assert_eq!(staff_linked, 0, "staff accounts are not customers");
        let entries = audit::recent(&db, 10).await.unwrap();
        assert!(entries.iter().any(|e| e.action == "user.created" && e.subject == format!("user:{id}")));
        let found = users::find_by_email(&db, "ana@example.com").await.unwrap().unwrap();
        assert_eq!(found.role(), Role::Customer);
    })
    .await;
}

#[tokio::test]
async fn a_taken_email_is_a_conflict_and_writes_nothing() {
    each_backend(|db| async move {
        users::create(&db, new_user("ana@example.com", Role::Customer), "test").await.unwrap();
        let again = users::create(&db, new_user("ana@example.com", Role::Customer), "test").await;
        assert!(matches!(again, Err(DataError::Conflict(_))), "got {again:?}");
        assert_eq!(customers::count(&db).await.unwrap(), 1, "the failed sign-up left no customer behind");
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_can_be_ended_everywhere() {
    each_backend(|db| async move {
        let user = users::create(&db, new_user("ana@example.com", Role::Customer), "test").await.unwrap();
        let now = Utc::now();
        sessions::create(&db, "live-1", user, now + Duration::days(1), Some("Firefox")).await.unwrap();
        sessions::create(&db, "live-2", user, now + Duration::days(1), None).await.unwrap();
        sessions::create(&db, "expired", user, now - Duration::minutes(1), None).await.unwrap();
        let idle = Duration::hours(12);
        let viewer = sessions::find_user(&db, "live-1", now, idle).await.unwrap().unwrap();
        assert_eq!((viewer.user_id, viewer.role.as_str()), (user, "customer"));
        assert!(sessions::find_user(&db, "expired", now, idle).await.unwrap().is_none());
        assert!(sessions::find_user(&db, "unknown", now, idle).await.unwrap().is_none());
        // Used two hours later: still live, and its "last seen" moves on with it.
        let later = |hours| now + Duration::hours(hours);
        assert!(sessions::find_user(&db, "live-1", later(2), idle).await.unwrap().is_some());
        assert!(
            sessions::find_user(&db, "live-1", later(13), idle).await.unwrap().is_some(),
            "13 h after sign-in, but only 11 h after it was last used"
        );
        assert!(
            sessions::find_user(&db, "live-2", later(13), idle).await.unwrap().is_none(),
            "unused for 13 h: the idle timeout ends it before its absolute expiry"
        );
        assert_eq!(sessions::list_for_user(&db, user, now).await.unwrap().len(), 2);
        assert_eq!(sessions::delete_all_for_user(&db, user).await.unwrap(), 3);
        assert!(sessions::find_user(&db, "live-2", now, idle).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    each_backend(|db| async move {
        let entry = audit::NewAuditEntry { actor_user_id: None, actor_label: "test", action: "a", subject: "s", detail: "" };
        audit::record(&db, entry).await.unwrap();
        let update = on_pool!(&db, pool => sqlx::query("UPDATE audit_log SET action = 'forged'").execute(pool).await.map(|_| ()));
        assert!(update.is_err(), "updating the audit log must fail");
        let delete = on_pool!(&db, pool => sqlx::query("DELETE FROM audit_log").execute(pool).await.map(|_| ()));
        assert!(delete.is_err(), "deleting from the audit log must fail");
        assert_eq!(audit::recent(&db, 10).await.unwrap()[0].action, "a");
    })
    .await;
}

#[tokio::test]
async fn one_active_journey_per_customer_and_issue() {
    each_backend(|db| async move {
        let ids = customers::insert_many(&db, &[customers::NewCustomer {
            external_ref: None,
            name: "Ana".into(),
            email: None,
            plan: None,
            created_at: Utc::now(),
        }])
        .await
        .unwrap();
        let start = |state: &'static str| {
            let db = db.clone();
            let customer = ids[0];
            async move {
                on_pool!(&db, pool => sqlx::query("INSERT INTO journeys (customer_id, issue_key, state, started_at) VALUES ($1, 'billing-42', $2, $3)")
                    .bind(customer).bind(state).bind(Utc::now()).execute(pool).await.map(|_| ()))
            }
        };
        start("active").await.unwrap();
        let second = start("active").await;
        assert!(second.map_err(DataError::from).is_err_and(|e| matches!(e, DataError::Conflict(_))));
        start("healed").await.expect("ended journeys do not count");
    })
    .await;
}

#[tokio::test]
async fn api_tokens_authenticate_until_revoked() {
    each_backend(|db| async move {
        api_tokens::create(&db, "crm-sync", "hash-1", "rpt_abcdefgh").await.unwrap();
        assert!(matches!(api_tokens::create(&db, "crm-sync", "hash-2", "rpt_x").await, Err(DataError::Conflict(_))));
        let token = api_tokens::authenticate(&db, "hash-1").await.unwrap().unwrap();
        assert_eq!(token.name, "crm-sync");
        assert!(token.last_used_at.is_some());
        assert!(api_tokens::authenticate(&db, "hash-unknown").await.unwrap().is_none());
        assert!(api_tokens::revoke(&db, "crm-sync").await.unwrap());
        assert!(!api_tokens::revoke(&db, "crm-sync").await.unwrap(), "revoking twice reports nothing to revoke");
        assert!(api_tokens::authenticate(&db, "hash-1").await.unwrap().is_none());
    })
    .await;
}

async fn seed_small(db: &Db) -> server::seed::SeedReport {
    let options = SeedOptions { customers: 30, threads: 12, demo_password: "demo-password-1".into(), ..SeedOptions::default() };
    seed_demo(db, &options).await.unwrap()
}

#[tokio::test]
async fn demo_seed_is_deterministic_realistic_and_runs_once() {
    each_backend(|db| async move {
        let report = seed_small(&db).await;
        assert_eq!(report.customers, 30);
        assert!(report.conversations > 10 && report.messages >= report.conversations);
        assert_eq!(report.threads, 12);
        assert_eq!(conversations::count_messages(&db).await.unwrap() as u64, report.messages);
        let again = seed_small(&db).await;
        assert!(again.already_present, "a second run must not duplicate data");
        assert_eq!(customers::count(&db).await.unwrap(), 30 + 1 /* customer@rapport.demo */ + 30 /* forum members */);

        let everything = InboxQuery::default();
        let inbox = conversations::inbox(&db, &everything, 0, 500, 0).await.unwrap();
        assert!(!inbox.is_empty());
        assert!(inbox.iter().all(|row| matches!(row.status, ConversationStatus::Open | ConversationStatus::Pending)));
        assert!(inbox.windows(2).all(|w| w[0].risk_score >= w[1].risk_score));
        assert!(inbox.iter().any(|row| row.risk_score > 0), "the seed scores conversations");

        let (counts, facets) = conversations::inbox_facets(&db, 0).await.unwrap();
        assert_eq!((counts.open + counts.pending) as usize, inbox.len());
        assert_eq!(facets.by_risk.iter().map(|(_, n)| n).sum::<i64>() as usize, inbox.len());
        let level = inbox[0].risk_level.clone();
        let by_level = InboxQuery { risk: app::emotion::risk::RiskLevel::from_key(&level), ..Default::default() };
        let rows = conversations::inbox(&db, &by_level, 0, 500, 0).await.unwrap();
        assert!(rows.iter().all(|row| row.risk_level == level));
        assert_eq!(rows.len() as i64, FilterCounts::count(&facets.by_risk, &level));
        assert_eq!(conversations::inbox_matching(&db, &by_level, 0).await.unwrap(), rows.len() as i64);
        let name = inbox[0].customer_name.to_uppercase();
        let search = InboxQuery { q: name.clone(), ..Default::default() };
        let found = conversations::inbox(&db, &search, 0, 500, 0).await.unwrap();
        assert!(found.iter().any(|row| row.id == inbox[0].id), "search by customer name, any case");
        let literal = InboxQuery { q: "%_".into(), ..Default::default() };
        assert!(conversations::inbox(&db, &literal, 0, 500, 0).await.unwrap().is_empty(), "punctuation alone matches nothing");
        let words = InboxQuery { q: format!("{} {}", &inbox[0].subject[..3], inbox[0].customer_name.to_lowercase()), ..Default::default() };
        assert!(
            conversations::inbox(&db, &words, 0, 500, 0).await.unwrap().iter().any(|row| row.id == inbox[0].id),
            "every word, as a prefix, across subject and name: {:?}",
            words.q
        );

        let categories = community::categories(&db).await.unwrap();
        assert_eq!(categories.len(), 6);
        assert_eq!(categories.iter().map(|c| c.thread_count).sum::<i64>(), 12);
    })
    .await;
}

#[tokio::test]
async fn the_same_seed_gives_the_same_content_on_both_backends() {
    let sqlite = crate::support::TestDb::sqlite().await;
    seed_small(&sqlite.db).await;
    let query = "SELECT name FROM customers WHERE external_ref IS NOT NULL ORDER BY external_ref";
    let sqlite_names: Vec<String> = on_pool!(&sqlite.db, pool => sqlx::query_scalar(query).fetch_all(pool).await).unwrap();
    assert_eq!(sqlite_names.len(), 30);
    if let Some(postgres) = crate::support::TestDb::postgres().await {
        seed_small(&postgres.db).await;
        let postgres_names: Vec<String> = on_pool!(&postgres.db, pool => sqlx::query_scalar(query).fetch_all(pool).await).unwrap();
        assert_eq!(sqlite_names, postgres_names);
        let order = |db| async move {
            conversations::inbox(db, &InboxQuery::default(), 0, 500, 0)
                .await
                .unwrap()
                .into_iter()
                .map(|row| (row.subject, row.risk_score))
                .collect::<Vec<_>>()
        };
        assert_eq!(order(&sqlite.db).await, order(&postgres.db).await, "same inbox order on both backends");
    }
}

#[tokio::test]
async fn forum_rules_and_ranked_search_hold_in_the_data_layer() {
    use app::data::community::ThreadReader;
    use app::data::forum_posting::{self, Acceptor, HoldFirstPosts, NewThreadPost, ThreadChange};
    use app::data::forum_search::{search_posts, SearchFilter};
    use app::data::fulltext::SearchTerms;
    each_backend(|db| async move {
        seed_small(&db).await;
        let asker = users::create(&db, new_user("asker@example.com", Role::Customer), "test").await.unwrap();
        let helper = users::create(&db, new_user("helper@example.com", Role::Customer), "test").await.unwrap();
        let now = Utc::now();
        let category: i64 =
            on_pool!(&db, pool => sqlx::query_scalar("SELECT MIN(id) FROM forum_categories").fetch_one(pool).await).unwrap();
        let no_hold = HoldFirstPosts::default();
        let (thread, first) = forum_posting::create_thread(
            &db,
            &NewThreadPost {
                category_id: category,
                author_user_id: asker,
                title: "Zebrafish export keeps failing",
                kind: "question",
                body_markdown: "The export of my zebrafish report stops at 90%.",
                is_staff: false,
                at: now,
            },
            no_hold,
        )
        .await
        .unwrap();
        let first_post = first.post_id;
        let answer = forum_posting::add_post(&db, thread, helper, "Clear the quokka cache, then export again.", false, now, no_hold)
            .await
            .unwrap()
            .post_id;

        // Ranked search with snippets: title words and body words, every word required.
        let hits = search_posts(&db, &SearchTerms::parse("zebrafish"), &SearchFilter::default(), 10).await.unwrap();
        assert_eq!(hits.len(), 1, "title and body of the first post are one row");
        assert_eq!(hits[0].thread_id, thread);
        assert!(hits[0].snippet.iter().any(|part| part.matched && part.text.to_lowercase() == "zebrafish"), "{:?}", hits[0].snippet);
        let by_prefix = search_posts(&db, &SearchTerms::parse("quok"), &SearchFilter::default(), 10).await.unwrap();
        assert_eq!(by_prefix.iter().map(|h| h.post_id).collect::<Vec<_>>(), [answer]);
        assert!(search_posts(&db, &SearchTerms::parse("quokka zzzznothing"), &SearchFilter::default(), 10).await.unwrap().is_empty());
        assert!(search_posts(&db, &SearchTerms::parse("%_*\""), &SearchFilter::default(), 10).await.unwrap().is_empty());
        let solved_only = SearchFilter { solved_only: true, ..Default::default() };
        assert!(search_posts(&db, &SearchTerms::parse("quokka"), &solved_only, 10).await.unwrap().is_empty());

        // Reactions toggle; only the asker or staff accept, and only a reply of this thread.
        assert!(forum_posting::toggle_reaction(&db, answer, asker, "helped", now).await.unwrap());
        assert!(!forum_posting::toggle_reaction(&db, answer, asker, "helped", now).await.unwrap());
        assert!(forum_posting::toggle_reaction(&db, answer, asker, "helped", now).await.unwrap());
        assert!(matches!(forum_posting::accept_answer(&db, thread, answer, Acceptor::User(helper)).await, Err(DataError::Conflict(_))));
        assert!(matches!(forum_posting::accept_answer(&db, thread, first_post, Acceptor::User(asker)).await, Err(DataError::NotFound)));
        forum_posting::accept_answer(&db, thread, answer, Acceptor::User(asker)).await.unwrap();
        assert_eq!(search_posts(&db, &SearchTerms::parse("quokka"), &solved_only, 10).await.unwrap().len(), 1);
        let read = community::thread(&db, thread, &ThreadReader { user_id: Some(asker), moderator: false }).await.unwrap().unwrap();
        assert_eq!(read.thread.state, "solved");
        assert_eq!(read.accepted_post_id, Some(answer));
        let reply = read.posts.iter().find(|p| p.id == answer).unwrap();
        assert_eq!((reply.helped, reply.mine.clone()), (1, vec!["helped".to_string()]));
        let activity = community::member_activity(&db, helper).await.unwrap().unwrap();
        assert_eq!((activity.posts, activity.accepted_answers, activity.helped_reactions), (1, 1, 1));

        // Hidden posts leave the thread and the search; locked threads take no replies.
        forum_posting::flag_post(&db, answer, asker, "spam?", now).await.unwrap();
        forum_posting::set_post_hidden(&db, answer, true, now).await.unwrap();
        assert!(search_posts(&db, &SearchTerms::parse("quokka"), &SearchFilter::default(), 10).await.unwrap().is_empty());
        let read = community::thread(&db, thread, &ThreadReader { user_id: None, moderator: true }).await.unwrap().unwrap();
        assert_eq!((read.posts.len(), read.hidden_posts.len()), (1, 1));
        forum_posting::set_post_hidden(&db, answer, false, now).await.unwrap();
        assert_eq!(search_posts(&db, &SearchTerms::parse("quokka"), &SearchFilter::default(), 10).await.unwrap().len(), 1);
        forum_posting::change_thread(&db, thread, ThreadChange::Lock).await.unwrap();
        assert!(matches!(forum_posting::add_post(&db, thread, helper, "late", false, now, no_hold).await, Err(DataError::Conflict(_))));
        assert!(matches!(
            forum_posting::change_thread(&db, thread, ThreadChange::MoveTo("no-such-category")).await,
            Err(DataError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn new_members_first_posts_wait_for_a_moderator() {
    use app::data::community::{self as forum, ThreadReader};
    use app::data::forum_moderation;
    use app::data::forum_posting::{self, HoldFirstPosts, NewThreadPost};
    use app::data::forum_search::{search_posts, SearchFilter};
    use app::data::fulltext::SearchTerms;
    each_backend(|db| async move {
        seed_small(&db).await;
        let newcomer = users::create(&db, new_user("newcomer@example.com", Role::Customer), "test").await.unwrap();
        let other = users::create(&db, new_user("other@example.com", Role::Customer), "test").await.unwrap();
        let agent = users::create(&db, new_user("mod@example.com", Role::Agent), "test").await.unwrap();
        let hold = HoldFirstPosts(1);
        let now = Utc::now();
        let category: i64 =
            on_pool!(&db, pool => sqlx::query_scalar("SELECT MIN(id) FROM forum_categories").fetch_one(pool).await).unwrap();
        let threads_before = forum::stats(&db, now).await.unwrap().threads;
        let (thread, first) = forum_posting::create_thread(
            &db,
            &NewThreadPost {
                category_id: category,
                author_user_id: newcomer,
                title: "Platypus invoices are doubled",
                kind: "question",
                body_markdown: "Every platypus invoice arrives twice.",
                is_staff: false,
                at: now,
            },
            hold,
        )
        .await
        .unwrap();
        assert!(first.held, "a new member's first post waits");

        // Invisible to everyone but its author and moderators: lists, counts, search, replies.
        let as_stranger = ThreadReader { user_id: Some(other), moderator: false };
        assert!(forum::thread(&db, thread, &as_stranger).await.unwrap().is_none());
        let as_author = forum::thread(&db, thread, &ThreadReader { user_id: Some(newcomer), moderator: false }).await.unwrap().unwrap();
        assert!(as_author.posts[0].held);
        assert_eq!(forum::stats(&db, now).await.unwrap().threads, threads_before);
        assert!(forum::latest_threads(&db, 1000).await.unwrap().iter().all(|t| t.id != thread));
        assert!(search_posts(&db, &SearchTerms::parse("platypus"), &SearchFilter::default(), 10).await.unwrap().is_empty());
        assert!(matches!(forum_posting::add_post(&db, thread, other, "me too", false, now, hold).await, Err(DataError::NotFound)));
        // Staff never wait, and may answer in a held thread (the question reached the inbox).
        assert!(!forum_posting::add_post(&db, thread, agent, "Looking into it.", true, now, hold).await.unwrap().held);
        // Hiding and restoring is not the way around the queue.
        assert!(matches!(forum_posting::set_post_hidden(&db, first.post_id, false, now).await, Err(DataError::NotFound)));

        let queue = forum_moderation::queue(&db).await.unwrap();
        assert_eq!(queue.held.iter().map(|p| (p.post_id, p.opens_thread)).collect::<Vec<_>>(), [(first.post_id, true)]);
        assert_eq!(forum_posting::approve_post(&db, first.post_id).await.unwrap(), thread);
        assert!(matches!(forum_posting::approve_post(&db, first.post_id).await, Err(DataError::NotFound)), "decided once");
        assert!(forum::thread(&db, thread, &as_stranger).await.unwrap().is_some());
        assert_eq!(forum::stats(&db, now).await.unwrap().threads, threads_before + 1);
        assert_eq!(search_posts(&db, &SearchTerms::parse("platypus"), &SearchFilter::default(), 10).await.unwrap().len(), 1);

        // One published post is enough here: the newcomer's next reply goes straight out,
        // while the other member's first reply waits, and a rejected one stays hidden.
        assert!(!forum_posting::add_post(&db, thread, newcomer, "Still doubled today.", false, now, hold).await.unwrap().held);
        let waiting = forum_posting::add_post(&db, thread, other, "Same here, wombat plan.", false, now, hold).await.unwrap();
        assert!(waiting.held);
        let posts_before = forum::thread(&db, thread, &as_stranger).await.unwrap().unwrap().thread.post_count;
        forum_posting::reject_post(&db, waiting.post_id).await.unwrap();
        let after = forum::thread(&db, thread, &as_stranger).await.unwrap().unwrap();
        assert_eq!(after.thread.post_count, posts_before, "a rejected reply is not counted");
        assert!(after.posts.iter().all(|p| p.id != waiting.post_id), "its author no longer sees it as waiting");
        assert!(search_posts(&db, &SearchTerms::parse("wombat"), &SearchFilter::default(), 10).await.unwrap().is_empty());
        assert!(forum_moderation::queue(&db).await.unwrap().held.is_empty());

        // Flags wait in the queue until hidden or dismissed.
        forum_posting::flag_post(&db, first.post_id, other, "Looks like spam", now).await.unwrap();
        let queue = forum_moderation::queue(&db).await.unwrap();
        assert_eq!(queue.flagged.len(), 1);
        assert_eq!(queue.flagged[0].flags[0].reason, "Looks like spam");
        forum_posting::dismiss_flags(&db, first.post_id, now).await.unwrap();
        assert!(forum_moderation::queue(&db).await.unwrap().flagged.is_empty());
        assert!(matches!(forum_posting::dismiss_flags(&db, first.post_id, now).await, Err(DataError::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn the_happiness_strip_counts_only_what_happened_in_its_window() {
    use app::data::ingestion::{ingest_messages, IngestMessage};
    each_backend(|db| async move {
        let now = Utc::now();
        let (customer, _) = customers::upsert_by_ref(&db, "happy-1", "Hana Happy", None, None, now).await.unwrap();
        let message = |key: &'static str, conversation_id: Option<i64>, inbound: bool, sent_at| IngestMessage {
            idempotency_key: key,
            customer_id: customer,
            conversation_id,
            subject: Some("Help"),
            channel: app::domain::channels::Channel::Email,
            direction: if inbound { app::domain::channels::Direction::Inbound } else { app::domain::channels::Direction::Outbound },
            body: key,
            sentiment: None,
            analysis_json: None,
            situation: None,
            guidance: None,
            excerpt: key,
            sent_at,
        };
        // Customers wrote 3 h, 2 h and 1 h ago (the last one is still waiting), 30 h ago
        // (outside the day), and the team opened one conversation itself (no first reply to time).
        let opened = ingest_messages(
            &db,
            &[
                message("a", None, true, now - Duration::hours(3)),
                message("b", None, true, now - Duration::hours(2)),
                message("c", None, true, now - Duration::hours(1)),
                message("d", None, true, now - Duration::hours(30)),
                message("e", None, false, now - Duration::minutes(50)),
            ],
            now,
            Duration::zero(),
        )
        .await
        .unwrap()
        .messages;
        ingest_messages(
            &db,
            &[
                message("a-reply", Some(opened[0].conversation_id), false, now - Duration::hours(3) + Duration::minutes(10)),
                message("b-reply", Some(opened[1].conversation_id), false, now - Duration::hours(2) + Duration::minutes(30)),
                message("d-reply", Some(opened[3].conversation_id), false, now - Duration::hours(30) + Duration::minutes(5)),
            ],
            now,
            Duration::zero(),
        )
        .await
        .unwrap();
        for (key, rating, days_ago) in [("csat-1", 5.0, 1), ("csat-2", 3.0, 2), ("csat-old", 1.0, 10)] {
            let rated = customers::KeyedEvent {
                idempotency_key: key,
                customer_id: customer,
                conversation_id: None,
                kind: "csat",
                value: Some(rating),
                note: None,
                occurred_at: now - Duration::days(days_ago),
                reopens: false,
            };
            customers::record_event(&db, &rated, now, Duration::zero()).await.unwrap();
        }

        let happiness = community::stats(&db, now).await.unwrap().happiness;
        assert_eq!((happiness.answered, happiness.unanswered), (2, 1));
        assert_eq!(happiness.median_first_response_secs, Some(20 * 60), "median of 10 and 30 minutes");
        assert_eq!(happiness.csat_answers, 2);
        assert_eq!(happiness.csat_average, Some(4.0));
        assert_eq!(happiness.stories_shared, 0);
    })
    .await;
}

#[tokio::test]
async fn popular_threads_are_the_most_replied_to_of_the_recently_active_visible_ones() {
    use app::data::forum_posting::{self, HoldFirstPosts, NewThreadPost};
    each_backend(|db| async move {
        seed_small(&db).await;
        let asker = users::create(&db, new_user("asker@example.com", Role::Customer), "test").await.unwrap();
        let newcomer = users::create(&db, new_user("newcomer@example.com", Role::Customer), "test").await.unwrap();
        let agent = users::create(&db, new_user("agent@example.com", Role::Agent), "test").await.unwrap();
        let category: i64 =
            on_pool!(&db, pool => sqlx::query_scalar("SELECT MIN(id) FROM forum_categories").fetch_one(pool).await).unwrap();
        // The seeded threads' activity is all before `since`; only these threads are recent.
        let now = Utc::now();
        let since = now + Duration::hours(12);
        let later = now + Duration::days(1);
        let thread = |author: i64, title: &'static str, at, hold| {
            let db = db.clone();
            async move {
                let post = NewThreadPost {
                    category_id: category,
                    author_user_id: author,
                    title,
                    kind: "question",
                    body_markdown: "Details inside.",
                    is_staff: false,
                    at,
                };
                forum_posting::create_thread(&db, &post, hold).await.unwrap().0
            }
        };
        let reply = |thread: i64, author: i64, replies: usize, at| {
            let db = db.clone();
            async move {
                for _ in 0..replies {
                    forum_posting::add_post(&db, thread, author, "Same here.", author == agent, at, HoldFirstPosts::default())
                        .await
                        .unwrap();
                }
            }
        };
        let busy = thread(asker, "Busy thread", later, HoldFirstPosts::default()).await;
        reply(busy, agent, 3, later).await;
        let some = thread(asker, "Some replies", later, HoldFirstPosts::default()).await;
        reply(some, agent, 1, later).await;
        let _unanswered = thread(asker, "Nobody answered yet", later, HoldFirstPosts::default()).await;
        let held = thread(newcomer, "Waiting for a moderator", later, HoldFirstPosts(1)).await;
        reply(held, agent, 5, later).await;
        let old = thread(asker, "Busy long ago", now, HoldFirstPosts::default()).await;
        reply(old, agent, 9, now).await;

        let ids = |threads: Vec<app::domain::community::model::ThreadSummary>| threads.into_iter().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(ids(community::popular_threads(&db, since, 5).await.unwrap()), [busy, some]);
        assert_eq!(ids(community::popular_threads(&db, since, 1).await.unwrap()), [busy]);
        let popular = community::popular_threads(&db, since, 5).await.unwrap();
        assert_eq!((popular[0].title.as_str(), popular[0].post_count), ("Busy thread", 4));
        assert!(
            popular[0].category_slug.len() > 1 && popular[0].author_name.as_deref() == Some("Ana Silva"),
            "{:?}",
            popular[0].author_name
        );
    })
    .await;
}

/// An ingestion effect is leased to the request that stored it, claimed by a worker only after
/// the lease, once, and finished once: whoever deletes it queues its webhook, the other nothing.
#[tokio::test]
async fn an_ingestion_effect_is_finished_once_whoever_races_for_it() {
    use app::data::ingest_effects::{self, Completion};
    use app::data::ingestion::{ingest_messages, IngestMessage};
    each_backend(|db| async move {
        let now = Utc::now();
        let (customer, _) = customers::upsert_by_ref(&db, "effects-1", "Eve Effect", None, None, now).await.unwrap();
        app::data::webhooks::create(&db, "https://crm.example/hooks", "key", "risk.raised", now).await.unwrap();
        let message = || IngestMessage {
            idempotency_key: "effect-a", customer_id: customer, conversation_id: None, subject: Some("Help"),
            channel: app::domain::channels::Channel::Email, direction: app::domain::channels::Direction::Inbound, body: "help", sentiment: None, analysis_json: None,
            situation: None, guidance: None, excerpt: "help", sent_at: now,
        };
        let stored = ingest_messages(&db, &[message()], now, Duration::seconds(10)).await.unwrap();
        let [effect] = stored.effects[..] else { panic!("one effect: {:?}", stored.effects) };
        assert!(effect.new_inbound);
        assert_eq!(effect.conversation_id, stored.messages[0].conversation_id);

        let lease = Duration::seconds(10);
        assert!(ingest_effects::claim_due(&db, now, now + lease, 10).await.unwrap().is_empty(), "leased to its owner");
        let later = now + Duration::seconds(11);
        assert_eq!(ingest_effects::claim_due(&db, later, later + lease, 10).await.unwrap(), [effect]);
        assert!(ingest_effects::claim_due(&db, later, later + lease, 10).await.unwrap().is_empty(), "claimed once");

        let raised = [(effect.id, r#"{"event":"risk.raised"}"#.to_string())];
        let completion = Completion { effect_ids: &[effect.id], risks: &[], risk_raised: &raised, now };
        assert_eq!(ingest_effects::complete(&db, &completion).await.unwrap(), [effect.id]);
        assert!(ingest_effects::complete(&db, &completion).await.unwrap().is_empty(), "the second finisher finds nothing");
        let queued: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE event = 'risk.raised'").fetch_one(pool).await).unwrap();
        assert_eq!(queued, 1);
        assert_eq!(ingest_effects::pending_count(&db).await.unwrap(), 0);

        let replayed = ingest_messages(&db, &[message()], now, lease).await.unwrap();
        assert!(replayed.effects.is_empty(), "a replay changes nothing");
        assert!(!replayed.messages[0].created);

        // A bad rating reopens its conversation in its own transaction and leaves an effect
        // that starts a journey whatever the risk.
        let conversation = effect.conversation_id;
        on_pool!(&db, pool => sqlx::query("UPDATE conversations SET status = 'resolved', waiting_since = NULL WHERE id = $1").bind(conversation).execute(pool).await.map(|done| done.rows_affected())).unwrap();
        let rating = customers::KeyedEvent {
            idempotency_key: "effect-rating", customer_id: customer, conversation_id: Some(conversation), kind: "csat",
            value: Some(1.0), note: None, occurred_at: now, reopens: true,
        };
        let rated = customers::record_event(&db, &rating, now, lease).await.unwrap();
        let rated_effect = rated.effect.expect("the rating's effect");
        assert!(rated_effect.journey_always && !rated_effect.new_inbound);
        assert_eq!(rated_effect.cause, ingest_effects::Cause::Event);
        let status: String = on_pool!(&db, pool => sqlx::query_scalar("SELECT status FROM conversations WHERE id = $1").bind(conversation).fetch_one(pool).await).unwrap();
        assert_eq!(status, "open");
        assert_eq!(customers::record_event(&db, &rating, now, lease).await.unwrap().effect, None, "a replayed rating records nothing");
        assert_eq!(ingest_effects::pending_count(&db).await.unwrap(), 1);
    })
    .await;
}
