//! A customer's own data: everything we hold about them as one JSON document, and erasure.
//!
//! Erasure deletes the customer record, which takes with it (by the schema's cascades) their
//! conversations and messages, events, journeys, stories and quotes with their consent
//! records, mail, digest subscription and view history. Their sign-in account stays only as
//! "Deleted user", with no email, name or password, because the forum keeps their public posts
//! for the people they helped. Webhook deliveries that carried their details are deleted too.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::audit::INSERT_AUDIT;
use super::{on_pool, BeginWrite, DataError, Db};

#[derive(Serialize, sqlx::FromRow)]
struct Profile {
    name: String,
    email: Option<String>,
    plan: Option<String>,
    external_ref: Option<String>,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, sqlx::FromRow)]
struct Message {
    conversation_id: i64,
    subject: String,
    channel: String,
    direction: String,
    body: String,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, sqlx::FromRow)]
struct Event {
    kind: String,
    value: Option<f64>,
    note: Option<String>,
    occurred_at: DateTime<Utc>,
}

#[derive(Serialize, sqlx::FromRow)]
struct ForumPost {
    thread_id: i64,
    thread_title: String,
    body_markdown: String,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, sqlx::FromRow)]
struct ConsentRecord {
    subject_kind: String,
    subject_id: Option<i64>,
    subject_version: Option<i64>,
    decision: String,
    channel: String,
    text_shown: String,
    recorded_at: DateTime<Utc>,
}

#[derive(Serialize, sqlx::FromRow)]
struct Mail {
    channel: String,
    body: String,
    created_at: DateTime<Utc>,
    delivery: String,
}

/// A mail the customer sent to Rapport's mail receiver, as it came (invalid bytes replaced).
#[derive(Serialize)]
struct ReceivedMail {
    received_at: DateTime<Utc>,
    envelope_from: String,
    outcome: String,
    original: String,
}

#[derive(Serialize, sqlx::FromRow)]
struct Session {
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    user_agent: Option<String>,
}

/// Everything held about one customer (and their sign-in account, if they have one).
#[derive(Serialize)]
pub struct CustomerExport {
    exported_at: DateTime<Utc>,
    profile: Profile,
    account_email: Option<String>,
    messages: Vec<Message>,
    events: Vec<Event>,
    forum_posts: Vec<ForumPost>,
    consent_records: Vec<ConsentRecord>,
    mail: Vec<Mail>,
    received_mail: Vec<ReceivedMail>,
    sessions: Vec<Session>,
    stories_viewed: i64,
    digest_subscribed: bool,
}

pub async fn export(db: &Db, customer_id: i64, now: DateTime<Utc>) -> Result<CustomerExport, DataError> {
    const PROFILE: &str = "SELECT name, email, plan, external_ref, created_at FROM customers WHERE id = $1";
    const USER: &str = "SELECT u.id, u.email FROM users u JOIN customers c ON c.user_id = u.id WHERE c.id = $1";
    const MESSAGES: &str = "SELECT m.conversation_id, c.subject, c.channel, m.direction, m.body, m.created_at FROM messages m \
         JOIN conversations c ON c.id = m.conversation_id WHERE c.customer_id = $1 ORDER BY m.created_at, m.id";
    const EVENTS: &str = "SELECT kind, value, note, occurred_at FROM customer_events WHERE customer_id = $1 ORDER BY occurred_at, id";
    const POSTS: &str = "SELECT p.thread_id, t.title AS thread_title, p.body_markdown, p.created_at FROM forum_posts p \
         JOIN forum_threads t ON t.id = p.thread_id WHERE p.author_user_id = $1 ORDER BY p.created_at, p.id";
    const CONSENTS: &str = "SELECT subject_kind, subject_id, subject_version, decision, channel, text_shown, recorded_at FROM consent_records WHERE customer_id = $1 ORDER BY id";
    const MAIL: &str = "SELECT channel, body, created_at, delivery FROM outbox_messages WHERE customer_id = $1 ORDER BY created_at, id";
    const SESSIONS: &str = "SELECT created_at, last_seen_at, user_agent FROM sessions WHERE user_id = $1 ORDER BY created_at";
    const RECEIVED: &str =
        "SELECT received_at, envelope_from, outcome, raw FROM inbound_mail WHERE customer_id = $1 ORDER BY received_at, id";
    const VIEWS: &str = "SELECT COUNT(*) FROM story_views WHERE customer_id = $1";
    const DIGEST: &str = "SELECT COUNT(*) FROM digest_subscriptions WHERE customer_id = $1 AND unsubscribed_at IS NULL";
    let profile = on_pool!(db, pool => sqlx::query_as::<_, Profile>(PROFILE).bind(customer_id).fetch_optional(pool).await)?
        .ok_or(DataError::NotFound)?;
    let user: Option<(i64, String)> = on_pool!(db, pool => sqlx::query_as(USER).bind(customer_id).fetch_optional(pool).await)?;
    let user_id = user.as_ref().map(|(id, _)| *id).unwrap_or(0);
    Ok(CustomerExport {
        exported_at: now,
        profile,
        account_email: user.map(|(_, email)| email),
        messages: on_pool!(db, pool => sqlx::query_as(MESSAGES).bind(customer_id).fetch_all(pool).await)?,
        events: on_pool!(db, pool => sqlx::query_as(EVENTS).bind(customer_id).fetch_all(pool).await)?,
        forum_posts: on_pool!(db, pool => sqlx::query_as(POSTS).bind(user_id).fetch_all(pool).await)?,
        consent_records: on_pool!(db, pool => sqlx::query_as(CONSENTS).bind(customer_id).fetch_all(pool).await)?,
        mail: on_pool!(db, pool => sqlx::query_as(MAIL).bind(customer_id).fetch_all(pool).await)?,
        received_mail: on_pool!(db, pool => sqlx::query_as::<_, (DateTime<Utc>, String, String, Vec<u8>)>(RECEIVED).bind(customer_id).fetch_all(pool).await)?
            .into_iter()
            .map(|(received_at, envelope_from, outcome, raw)| ReceivedMail { received_at, envelope_from, outcome, original: String::from_utf8_lossy(&raw).into_owned() })
            .collect(),
        sessions: on_pool!(db, pool => sqlx::query_as(SESSIONS).bind(user_id).fetch_all(pool).await)?,
        stories_viewed: on_pool!(db, pool => sqlx::query_scalar(VIEWS).bind(customer_id).fetch_one(pool).await)?,
        digest_subscribed: on_pool!(db, pool => sqlx::query_scalar::<_, i64>(DIGEST).bind(customer_id).fetch_one(pool).await)? > 0,
    })
}

/// What left the public surfaces with an erasure, for the live feed to remove.
#[derive(Debug, Default, PartialEq)]
pub struct Erased {
    pub published_stories: Vec<i64>,
    pub published_quotes: Vec<i64>,
}

/// Erases a customer, in one transaction (see the module's comment for what that means).
pub async fn erase(db: &Db, customer_id: i64, actor_label: &str, now: DateTime<Utc>) -> Result<Erased, DataError> {
    const PROFILE: &str = "SELECT name, email, external_ref, user_id FROM customers WHERE id = $1";
    const STORIES: &str = "SELECT id FROM stories WHERE customer_id = $1 AND status = 'published'";
    const QUOTES: &str = "SELECT id FROM gratitude_quotes WHERE customer_id = $1 AND status = 'published'";
    const DELIVERIES: &str = "DELETE FROM webhook_deliveries WHERE payload LIKE '%' || $1 || '%'";
    const DELETE_CUSTOMER: &str = "DELETE FROM customers WHERE id = $1";
    const RECEIVED_MAIL: &str = "DELETE FROM inbound_mail WHERE lower(envelope_from) = lower($1)";
    const SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";
    // The account cannot sign in again: no email to sign in with, no password that verifies.
    const ANONYMIZE_USER: &str = "UPDATE users SET email = 'erased-' || CAST(id AS TEXT) || '@erased.invalid', display_name = 'Deleted user', password_hash = '!erased' WHERE id = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (name, email, external_ref, user_id): (String, Option<String>, Option<String>, Option<i64>) =
            sqlx::query_as(PROFILE).bind(customer_id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        let published_stories: Vec<i64> = sqlx::query_scalar(STORIES).bind(customer_id).fetch_all(&mut *tx).await?;
        let published_quotes: Vec<i64> = sqlx::query_scalar(QUOTES).bind(customer_id).fetch_all(&mut *tx).await?;
        let account_email: Option<String> = match user_id {
            Some(id) => sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?,
            None => None,
        };
        let identifiers = [Some(name), email.clone(), external_ref, account_email];
        for identifier in identifiers.iter().flatten().filter(|text| text.trim().chars().count() >= 4) {
            sqlx::query(DELIVERIES).bind(identifier).execute(&mut *tx).await?;
        }
        // Received mail the customer sent that is not filed under them (automatic, unreadable).
        if let Some(address) = email.as_deref().filter(|address| address.contains('@')) {
            sqlx::query(RECEIVED_MAIL).bind(address).execute(&mut *tx).await?;
        }
        sqlx::query(DELETE_CUSTOMER).bind(customer_id).execute(&mut *tx).await?;
        if let Some(user_id) = user_id {
            sqlx::query(SESSIONS).bind(user_id).execute(&mut *tx).await?;
            sqlx::query(ANONYMIZE_USER).bind(user_id).execute(&mut *tx).await?;
        }
        sqlx::query(INSERT_AUDIT).bind(now).bind(user_id).bind(actor_label).bind("customer.erased")
            .bind(format!("customer:{customer_id}")).bind(format!("{} stories and {} quotes unpublished", published_stories.len(), published_quotes.len()))
            .execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Erased { published_stories, published_quotes })
    })
}
