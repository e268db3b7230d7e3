//! `seed-demo`: deterministic, realistic demo data. The same generator serves demos, tests
//! and benchmarks; sizes are options. Content depends only on the seed; timestamps are
//! placed relative to the moment of seeding so the demo always looks current.

pub mod text;

use anyhow::{bail, Result};
use app::data::community::{self, NewCategory, NewPost, NewThread};
use app::data::conversations::{self, NewConversation, NewMessage};
use app::data::customers::{self, NewCustomer, NewEvent};
use app::data::{users, Db};
use app::domain::accounts::Role;
use app::domain::channels::{Channel, Direction};
use app::domain::workspace::ConversationStatus::{Closed, Open, Pending, Resolved};
use chrono::{DateTime, Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod scoring;
mod stories;

use scoring::{analyze_script, score_conversation, CustomerHistory};
use text::{Situation, FIRST_NAMES, FORUM_CATEGORIES, FORUM_THREADS, LAST_NAMES, PLANS, SITUATIONS};

#[derive(Clone, Debug)]
pub struct SeedOptions {
    pub customers: u64,
    pub conversations_per_customer: f64,
    pub messages_per_conversation: u32,
    pub threads: u64,
    pub posts_per_thread: u32,
    pub seed: u64,
    pub demo_password: String,
    pub risk: app::emotion::risk::RiskConfig,
    pub emotional_state: app::emotion::state::StateConfig,
}

impl Default for SeedOptions {
    fn default() -> Self {
        SeedOptions {
            customers: 200,
            conversations_per_customer: 1.0,
            messages_per_conversation: 6,
            threads: 60,
            posts_per_thread: 5,
            seed: 42,
            demo_password: DEMO_PASSWORD.to_string(),
            risk: Default::default(),
            emotional_state: Default::default(),
        }
    }
}

pub const DEMO_PASSWORD: &str = "rapport-demo-password";
pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin@rapport.demo", "Ada Admin", Role::Admin),
    ("agent@rapport.demo", "Sam Agent", Role::Agent),
    ("marketing@rapport.demo", "Mia Marketing", Role::Marketing),
    ("customer@rapport.demo", "Chris Customer", Role::Customer),
];

/// What was written, for the summary line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub customers: u64,
    pub conversations: u64,
    pub messages: u64,
    pub threads: u64,
    pub posts: u64,
    /// Published with consent records marked "demo data".
    pub stories: u64,
    pub quotes: u64,
    pub events: u64,
    pub already_present: bool,
}

/// Customers generated and written per round; bounds memory for large runs.
const CUSTOMERS_PER_ROUND: u64 = 2_000;
const FORUM_MEMBERS: u64 = 40;

pub async fn seed_demo(db: &Db, options: &SeedOptions) -> Result<SeedReport> {
    validate(options)?;
    if users::find_by_email(db, DEMO_ACCOUNTS[0].0).await?.is_some() {
        return Ok(SeedReport { already_present: true, ..SeedReport::default() });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let now = Utc::now();
    let password_hash = app::auth::password::hash(options.demo_password.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut staff_ids = Vec::new();
    let mut marketing_id = None;
    for (email, name, role) in DEMO_ACCOUNTS {
        let user = users::NewUser { email, display_name: name, password_hash: &password_hash, role: *role };
        let id = users::create(db, user, "seed-demo").await?;
        if *role == Role::Marketing {
            marketing_id = Some(id);
        }
        if matches!(role, Role::Agent | Role::Admin) {
            staff_ids.push((id, name.to_string()));
        }
    }
    let mut member_ids = Vec::new();
    for n in 0..FORUM_MEMBERS.min(options.customers.max(1)) {
        let name = person_name(&mut rng);
        let email = format!("member{n}@community.rapport.demo");
        let user = users::NewUser { email: &email, display_name: &name, password_hash: &password_hash, role: Role::Customer };
        member_ids.push(users::create(db, user, "seed-demo").await?);
    }

    let expected_messages =
        (options.customers as f64 * options.conversations_per_customer) as u64 * options.messages_per_conversation as u64;
    let progress = ProgressBar::new(options.customers + expected_messages + options.threads);
    progress.set_style(
        ProgressStyle::with_template("{spinner} {msg:12} [{bar:40}] {percent}% ({per_sec}, eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );

    let mut report = SeedReport::default();
    let mut written = 0;
    while written < options.customers {
        let round = CUSTOMERS_PER_ROUND.min(options.customers - written);
        progress.set_message("customers");
        seed_round(db, options, &mut rng, now, written, round, &staff_ids, &mut report).await?;
        written += round;
        progress.set_position(report.customers + report.messages);
    }

    progress.set_message("forum");
    seed_forum(db, options, &mut rng, now, &member_ids, &staff_ids, &mut report).await?;
    if let Some(marketing_id) = marketing_id {
        progress.set_message("stories");
        (report.stories, report.quotes) = stories::seed_stories(db, marketing_id, now).await?;
    }
    progress.finish_and_clear();
    Ok(report)
}

fn validate(options: &SeedOptions) -> Result<()> {
    if options.customers > 10_000_000 {
        bail!("--customers: at most 10,000,000");
    }
    if !(0.0..=20.0).contains(&options.conversations_per_customer) {
        bail!("--conversations-per-customer must be between 0 and 20");
    }
    if options.messages_per_conversation == 0 || options.messages_per_conversation > 200 {
        bail!("--messages-per-conversation must be between 1 and 200");
    }
    if options.posts_per_thread == 0 || options.posts_per_thread > 500 {
        bail!("--posts-per-thread must be between 1 and 500");
    }
    Ok(())
}

fn person_name(rng: &mut ChaCha8Rng) -> String {
    format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES))
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

fn fill(template: &str, name: &str, agent: &str, rng: &mut ChaCha8Rng) -> String {
    let first = name.split_whitespace().next().unwrap_or(name);
    template
        .replace("{name}", first)
        .replace("{agent}", agent.split_whitespace().next().unwrap_or(agent))
        .replace("{order}", &format!("#{}", rng.gen_range(100_000..999_999)))
        .replace("{amount}", &format!("${}.{:02}", rng.gen_range(9..400), rng.gen_range(0..100)))
}

#[allow(clippy::too_many_arguments)]
async fn seed_round(
    db: &Db,
    options: &SeedOptions,
    rng: &mut ChaCha8Rng,
    now: DateTime<Utc>,
    offset: u64,
    count: u64,
    staff: &[(i64, String)],
    report: &mut SeedReport,
) -> Result<()> {
    let new_customers: Vec<NewCustomer> = (offset..offset + count)
        .map(|n| {
            let name = person_name(rng);
            let email = format!("{}.{n}@example.com", name.to_lowercase().replace(['\'', ' '], "."));
            NewCustomer {
                external_ref: Some(format!("demo-{n}")),
                name,
                email: Some(email),
                plan: Some(pick(rng, PLANS).to_string()),
                created_at: now - Duration::days(rng.gen_range(30..900)),
            }
        })
        .collect();
    let customer_ids = customers::insert_many(db, &new_customers).await?;
    report.customers += customer_ids.len() as u64;

    let mut new_conversations = Vec::new();
    let mut scripts = Vec::new();
    let mut events = Vec::new();
    for (customer, &customer_id) in new_customers.iter().zip(&customer_ids) {
        for _ in 0..conversation_count(rng, options.conversations_per_customer) {
            let situation = &SITUATIONS[rng.gen_range(0..SITUATIONS.len())];
            let (agent_id, agent_name) = staff[rng.gen_range(0..staff.len())].clone();
            let message_count = rng.gen_range(1..=options.messages_per_conversation * 2 - 1);
            let started = now - Duration::minutes(rng.gen_range(10..60 * 24 * 60));
            let status = *[Open, Open, Pending, Resolved, Resolved, Closed].choose(rng).unwrap_or(&Open);
            let script = conversation_script(rng, situation, &customer.name, &agent_name, message_count, started, now);
            let analyses = analyze_script(&script);
            let started = script.first().map(|m| m.2).unwrap_or(started);
            let last_at = script.last().map(|m| m.2).unwrap_or(started);
            let customer_waiting = script.last().map(|m| m.0 == Direction::Inbound).unwrap_or(true);
            let resolved = status.is_done();
            new_conversations.push(NewConversation {
                customer_id,
                subject: subject_of(&script[0].1),
                channel: *[Channel::Email, Channel::Email, Channel::Chat, Channel::Chat, Channel::Social, Channel::Phone, Channel::Forum]
                    .choose(rng)
                    .unwrap_or(&Channel::Email),
                status,
                priority: ["low", "normal", "normal", "normal", "high", "urgent"].choose(rng).unwrap_or(&"normal"),
                situation: Some(situation.key),
                waiting_since: (!resolved && customer_waiting).then_some(last_at),
                last_message_at: last_at,
                created_at: started,
                resolved_at: resolved.then_some(last_at),
                // Filled in below, once the customer's whole history is known.
                risk_score: 0,
                risk_level: "low",
                risk_factors: None,
                guidance: None,
                last_excerpt: None,
            });
            if resolved && rng.gen_bool(0.6) {
                events.push((customer_id, new_conversations.len() - 1, "csat", Some(rng.gen_range(1..=5) as f64), last_at));
            }
            scripts.push((customer_id, agent_id, script, analyses));
        }
        for _ in 0..rng.gen_range(0..3) {
            events.push((
                customer_id,
                usize::MAX,
                "purchase",
                Some(rng.gen_range(10..500) as f64),
                now - Duration::days(rng.gen_range(1..365)),
            ));
        }
        if rng.gen_bool(0.04) {
            events.push((customer_id, usize::MAX, "cancellation", None, now - Duration::days(rng.gen_range(1..60))));
        }
    }
    score_round(&mut new_conversations, &scripts, &events, now, options);
    let conversation_ids = conversations::insert_many(db, &new_conversations).await?;
    report.conversations += conversation_ids.len() as u64;

    let messages: Vec<NewMessage> = scripts
        .into_iter()
        .zip(&conversation_ids)
        .flat_map(|((customer_id, agent_id, script, analyses), &conversation_id)| {
            script.into_iter().zip(analyses).map(move |((direction, body, created_at), analysis)| NewMessage {
                conversation_id,
                direction,
                author_user_id: (direction != Direction::Inbound).then_some(agent_id),
                author_customer_id: (direction == Direction::Inbound).then_some(customer_id),
                body,
                created_at,
                sentiment: analysis.as_ref().map(|a| a.extended),
                analysis: analysis.as_ref().map(|a| serde_json::to_string(a).expect("plain data serializes")),
            })
        })
        .collect();
    conversations::insert_messages(db, &messages).await?;
    report.messages += messages.len() as u64;

    let events: Vec<NewEvent> = events
        .into_iter()
        .map(|(customer_id, conversation, kind, value, occurred_at)| NewEvent {
            customer_id,
            conversation_id: conversation_ids.get(conversation).copied(),
            kind,
            value,
            note: survey_comment(kind, value, customer_id),
            occurred_at,
        })
        .collect();
    customers::insert_events(db, &events).await?;
    report.events += events.len() as u64;
    Ok(())
}

type Script = (i64, i64, Vec<scoring::ScriptLine>, Vec<Option<app::emotion::Analysis>>);
/// Some survey answers carry a comment; a few high scores come with words that are not a
/// thank-you, so the wall's engine check has something to refuse.
fn survey_comment(kind: &str, score: Option<f64>, customer_id: i64) -> Option<String> {
    const WARM: [&str; 4] = [
        "Thank you so much, the agent sorted it out in minutes!",
        "Really grateful for the quick and friendly help.",
        "Thanks a lot, I was worried and you made it easy.",
        "Brilliant support, thank you for your patience with me.",
    ];
    const MIXED: [&str; 2] = ["Fixed, but it took three emails to get there.", "Okay."];
    const POOR: [&str; 2] = ["Nobody read what I wrote.", "Still broken and I am frustrated."];
    let pick = usize::try_from(customer_id).unwrap_or(0);
    match (kind, score) {
        ("csat", Some(_)) if pick % 3 == 0 => None,
        ("csat", Some(score)) if score >= 4.0 && pick % 5 == 1 => Some(MIXED[pick % MIXED.len()].to_string()),
        ("csat", Some(score)) if score >= 4.0 => Some(WARM[pick % WARM.len()].to_string()),
        ("csat", Some(score)) if score <= 2.0 => Some(POOR[pick % POOR.len()].to_string()),
        _ => None,
    }
}

type SeedEvent = (i64, usize, &'static str, Option<f64>, DateTime<Utc>);

/// Scores every open conversation of the round with the engine and the customer's history.
fn score_round(conversations: &mut [NewConversation], scripts: &[Script], events: &[SeedEvent], now: DateTime<Utc>, options: &SeedOptions) {
    let mut start = 0;
    while start < conversations.len() {
        let customer_id = conversations[start].customer_id;
        let end = start + conversations[start..].iter().take_while(|c| c.customer_id == customer_id).count();
        let starts: Vec<DateTime<Utc>> = conversations[start..end].iter().map(|c| c.created_at).collect();
        let of_customer = || events.iter().filter(|e| e.0 == customer_id);
        let cancellations: Vec<DateTime<Utc>> = of_customer().filter(|e| e.2 == "cancellation").map(|e| e.4).collect();
        let csat: Vec<(DateTime<Utc>, f64)> = of_customer().filter(|e| e.2 == "csat").filter_map(|e| e.3.map(|v| (e.4, v))).collect();
        let sentiments: Vec<(DateTime<Utc>, f64)> = scripts[start..end]
            .iter()
            .flat_map(|(_, _, script, analyses)| {
                script.iter().zip(analyses).filter_map(|(line, a)| a.as_ref().map(|a| (line.2, a.extended)))
            })
            .collect();
        let history = CustomerHistory { conversation_starts: &starts, cancellations: &cancellations, csat: &csat, sentiments: &sentiments };
        for index in start..end {
            let (_, _, script, analyses) = &scripts[index];
            let conversation = &mut conversations[index];
            let score = score_conversation(
                script,
                analyses,
                conversation.created_at,
                conversation.waiting_since,
                &history,
                now,
                &options.risk,
                &options.emotional_state,
            );
            conversation.guidance = score.guidance;
            conversation.last_excerpt = score.excerpt;
            if !conversation.status.is_done() {
                conversation.risk_score = i64::from(score.risk.score);
                conversation.risk_level = score.risk.level.key();
                conversation.risk_factors = Some(serde_json::to_string(&score.risk.factors).expect("plain data serializes"));
            }
        }
        start = end;
    }
}

/// The subject line people write: their first sentence, shortened at a word boundary.
fn subject_of(first_message: &str) -> String {
    // A sentence ends at . ! or ? followed by a space (not inside "$156.09").
    let end = first_message
        .char_indices()
        .zip(first_message.chars().skip(1).chain(std::iter::once(' ')))
        .find(|((_, c), next)| matches!(c, '.' | '!' | '?') && next.is_whitespace())
        .map_or(first_message.len(), |((i, c), _)| i + c.len_utf8());
    let sentence = first_message[..end].trim().trim_end_matches('.');
    if sentence.chars().count() <= 70 {
        return sentence.to_string();
    }
    let mut subject = String::new();
    for word in sentence.split_whitespace() {
        if subject.chars().count() + word.chars().count() + 1 > 68 {
            break;
        }
        if !subject.is_empty() {
            subject.push(' ');
        }
        subject.push_str(word);
    }
    subject.push('…');
    subject
}

/// Nothing happens in the future: shifts a chronological series back so its last item is
/// no later than `now`.
fn keep_in_the_past<T>(items: &mut [T], now: DateTime<Utc>, at: impl Fn(&mut T) -> &mut DateTime<Utc>) {
    let overshoot = items.last_mut().map(|last| *at(last) - now).unwrap_or_else(Duration::zero);
    if overshoot > Duration::zero() {
        for item in items.iter_mut() {
            *at(item) -= overshoot;
        }
    }
}

/// A whole number of conversations whose mean over many customers is `mean`.
fn conversation_count(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    let whole = mean.floor();
    whole as u32 + u32::from(rng.gen_bool((mean - whole).clamp(0.0, 1.0)))
}

/// Alternating customer and agent messages, starting with the customer.
fn conversation_script(
    rng: &mut ChaCha8Rng,
    situation: &Situation,
    customer: &str,
    agent: &str,
    count: u32,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<scoring::ScriptLine> {
    let mood = match rng.gen_range(0..10) {
        0..=3 => situation.angry,
        4..=6 => situation.worried,
        _ => situation.calm,
    };
    let mut at = started;
    let mut script: Vec<_> = (0..count)
        .map(|index| {
            let (direction, templates) = match index {
                0 => (Direction::Inbound, mood),
                i if i % 2 == 1 => (Direction::Outbound, situation.agent),
                _ => (Direction::Inbound, situation.follow_up),
            };
            let body = fill(pick(rng, templates), customer, agent, rng);
            let message = (direction, body, at);
            at += Duration::minutes(rng.gen_range(3..600));
            message
        })
        .collect();
    let latest = now - Duration::minutes(rng.gen_range(2..720));
    keep_in_the_past(&mut script, latest, |message| &mut message.2);
    script
}

async fn seed_forum(
    db: &Db,
    options: &SeedOptions,
    rng: &mut ChaCha8Rng,
    now: DateTime<Utc>,
    members: &[i64],
    staff: &[(i64, String)],
    report: &mut SeedReport,
) -> Result<()> {
    let mut category_ids = Vec::new();
    for (position, (slug, name, description)) in FORUM_CATEGORIES.iter().enumerate() {
        let category = NewCategory { slug, name, description, position: position as i64 };
        category_ids.push((*slug, community::ensure_category(db, &category).await?));
    }
    if members.is_empty() || options.threads == 0 {
        return Ok(());
    }
    let mut written = 0;
    while written < options.threads {
        let round = 1_000.min(options.threads - written);
        let mut threads = Vec::new();
        let mut bodies = Vec::new();
        for n in written..written + round {
            let topic = &FORUM_THREADS[(n as usize) % FORUM_THREADS.len()];
            let category_id = category_ids.iter().find(|(slug, _)| *slug == topic.category).map(|(_, id)| *id).unwrap_or(1);
            let post_count = rng.gen_range(1..=options.posts_per_thread * 2 - 1);
            let mut replies: Vec<&str> = topic.replies.to_vec();
            replies.shuffle(rng);
            let mut at = now - Duration::minutes(rng.gen_range(30..60 * 24 * 120));
            let mut posts = Vec::new();
            for index in 0..post_count {
                let staff_reply = index > 0 && rng.gen_bool(0.15);
                let (author, body) = if index == 0 {
                    (members[rng.gen_range(0..members.len())], topic.opener.to_string())
                } else if staff_reply {
                    (staff[0].0, "Thanks for raising this! I've checked and left the details in your inbox. Let us know if anything is still unclear.".to_string())
                } else {
                    let reply = replies[(index as usize - 1) % replies.len()];
                    (members[rng.gen_range(0..members.len())], reply.to_string())
                };
                posts.push((author, body, staff_reply, at));
                at += Duration::minutes(rng.gen_range(5..2_000));
            }
            let latest = now - Duration::minutes(rng.gen_range(2..720));
            keep_in_the_past(&mut posts, latest, |post| &mut post.3);
            let created = posts[0].3;
            let last = posts.last().map(|p| p.3).unwrap_or(created);
            threads.push(NewThread {
                category_id,
                author_user_id: Some(posts[0].0),
                title: topic.title.to_string(),
                kind: if topic.category == "experiences" { "experience" } else { "question" },
                state: ["open", "open", "solved", "solved", "solved", "locked"].choose(rng).unwrap_or(&"open"),
                pinned: n < 2,
                post_count: post_count as i64,
                created_at: created,
                last_post_at: last,
            });
            bodies.push(posts);
        }
        let thread_ids = community::insert_threads(db, &threads).await?;
        let posts: Vec<NewPost> = bodies
            .into_iter()
            .zip(&thread_ids)
            .flat_map(|(posts, &thread_id)| {
                posts.into_iter().map(move |(author, body, is_staff, created_at)| NewPost {
                    thread_id,
                    author_user_id: Some(author),
                    body_markdown: body,
                    is_staff,
                    created_at,
                })
            })
            .collect();
        community::insert_posts(db, &posts).await?;
        report.threads += thread_ids.len() as u64;
        report.posts += posts.len() as u64;
        written += round;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::subject_of;

    #[test]
    fn subjects_are_the_first_sentence() {
        assert_eq!(subject_of("The $156.09 blender died. I want a refund."), "The $156.09 blender died");
        assert_eq!(subject_of("Where is it? Order 12"), "Where is it?");
        assert_eq!(subject_of("No punctuation at all"), "No punctuation at all");
    }
}
