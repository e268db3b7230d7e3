//! Story digest subscriptions (each change recorded in the consent ledger) and sending them
//! through the outbox.

use chrono::{DateTime, Duration, Utc};

use super::consents::{INSERT_RECORD, QUEUE_MAIL};
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::stories::consent::Decision;
use crate::domain::stories::digest::{pick_stories, DigestStory, Reader, DIGEST_CONSENT_TEXT, DIGEST_EVERY_DAYS};
use crate::domain::stories::model::{excerpt, StoryCard};

pub async fn is_subscribed(db: &Db, customer_id: i64) -> Result<bool, DataError> {
    const SQL: &str = "SELECT COUNT(*) FROM digest_subscriptions WHERE customer_id = $1 AND unsubscribed_at IS NULL";
    Ok(on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL).bind(customer_id).fetch_one(pool).await)? > 0)
}

/// Subscribes or unsubscribes; returns false when nothing changed. `channel` says how.
pub async fn set_subscribed(db: &Db, customer_id: i64, subscribe: bool, channel: &str, now: DateTime<Utc>) -> Result<bool, DataError> {
    const SUBSCRIBE: &str = "INSERT INTO digest_subscriptions (customer_id, subscribed_at) VALUES ($1, $2) \
         ON CONFLICT (customer_id) DO UPDATE SET subscribed_at = excluded.subscribed_at, unsubscribed_at = NULL \
         WHERE digest_subscriptions.unsubscribed_at IS NOT NULL";
    const UNSUBSCRIBE: &str = "UPDATE digest_subscriptions SET unsubscribed_at = $2 WHERE customer_id = $1 AND unsubscribed_at IS NULL";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query(if subscribe { SUBSCRIBE } else { UNSUBSCRIBE }).bind(customer_id).bind(now).execute(&mut *tx).await?.rows_affected();
        if changed > 0 {
            let decision = if subscribe { Decision::Granted } else { Decision::Withdrawn }.as_str();
            sqlx::query(INSERT_RECORD).bind(customer_id).bind("digest").bind(None::<i64>).bind(None::<i64>)
                .bind(decision).bind(channel).bind(DIGEST_CONSENT_TEXT).bind(now).bind(None::<String>)
                .fetch_one(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(changed > 0)
    })
}

#[derive(sqlx::FromRow)]
struct DigestStoryRecord {
    id: i64,
    title: String,
    narrative: String,
    naming: String,
    featured: bool,
    customer_name: String,
    plan: Option<String>,
    situation: Option<String>,
    published_at: DateTime<Utc>,
}

/// Sends the digests that are due: to each subscriber whose last digest is a week old (or who
/// never had one), the stories published since, if there are any, matched to the situations
/// of their own conversations and their plan. Each digest is one outbox
/// mail (its key makes a second run the same day a no-op) and counts as a view of its stories.
/// `unsubscribe_link(customer_id)` makes the link for the mail.
pub async fn send_due(db: &Db, now: DateTime<Utc>, site: &str, unsubscribe_link: impl Fn(i64) -> String) -> Result<u64, DataError> {
    const DUE: &str = "SELECT d.customer_id, cu.name, cu.plan, d.last_sent_at, d.subscribed_at FROM digest_subscriptions d JOIN customers cu ON cu.id = d.customer_id \
         WHERE d.unsubscribed_at IS NULL AND (d.last_sent_at IS NULL OR d.last_sent_at <= $1) ORDER BY d.customer_id LIMIT 500";
    const STORIES: &str =
        "SELECT s.id, s.title, s.narrative, s.naming, s.featured, cu.name AS customer_name, cu.plan, c.situation, s.published_at \
         FROM stories s JOIN customers cu ON cu.id = s.customer_id LEFT JOIN conversations c ON c.id = s.conversation_id \
         WHERE s.status = 'published' AND s.published_at >= $1 ORDER BY s.published_at DESC LIMIT 50";
    const SITUATIONS: &str = "SELECT DISTINCT situation FROM conversations WHERE customer_id = $1 AND situation IS NOT NULL";
    const MARK: &str = "UPDATE digest_subscriptions SET last_sent_at = $2 WHERE customer_id = $1";
    const VIEW: &str = "INSERT INTO story_views (story_id, customer_id, kind, at) VALUES ($1, $2, 'digest', $3)";
    // (customer, name, email, last sent, subscribed)
    type Due = (i64, String, Option<String>, Option<DateTime<Utc>>, DateTime<Utc>);
    let due: Vec<Due> = on_pool!(db, pool => sqlx::query_as(DUE).bind(now - Duration::days(DIGEST_EVERY_DAYS)).fetch_all(pool).await)?;
    let mut sent = 0;
    for (customer_id, name, plan, last_sent, subscribed) in due {
        let since = last_sent.unwrap_or(subscribed - Duration::days(DIGEST_EVERY_DAYS));
        let records = on_pool!(db, pool => sqlx::query_as::<_, DigestStoryRecord>(STORIES).bind(since).fetch_all(pool).await)?;
        let stories: Vec<DigestStory> = records
            .into_iter()
            .map(|r| DigestStory {
                card: StoryCard {
                    id: r.id,
                    excerpt: excerpt(&r.narrative),
                    told_by: crate::domain::community::naming::public_name(&r.naming, &r.customer_name),
                    title: r.title,
                    featured: r.featured,
                    published_at: r.published_at,
                },
                plan: r.plan,
                situation: r.situation,
            })
            .collect();
        if stories.is_empty() {
            continue;
        }
        let situations: Vec<String> = on_pool!(db, pool => sqlx::query_scalar(SITUATIONS).bind(customer_id).fetch_all(pool).await)?;
        let picked = pick_stories(&stories, &Reader { plan, situations });
        if picked.is_empty() {
            continue;
        }
        let body = crate::domain::stories::digest::digest_email(&name, &picked, site, &unsubscribe_link(customer_id));
        let key = format!("digest-{customer_id}-{}", now.format("%Y-%m-%d"));
        let _turn = db.write_turn().await;
        on_pool!(db, pool => {
            let mut tx = pool.begin_write().await?;
            let queued = sqlx::query(&format!("{QUEUE_MAIL} ON CONFLICT (dedupe_key) DO NOTHING"))
                .bind(&key).bind(customer_id).bind(&body).bind("Stories from the community").bind(now)
                .execute(&mut *tx).await?.rows_affected();
            sqlx::query(MARK).bind(customer_id).bind(now).execute(&mut *tx).await?;
            if queued > 0 {
                for story in &picked {
                    sqlx::query(VIEW).bind(story.id).bind(customer_id).bind(now).execute(&mut *tx).await?;
                }
                sent += 1;
            }
            tx.commit().await?;
            Ok::<(), DataError>(())
        })?;
    }
    Ok(sent)
}
