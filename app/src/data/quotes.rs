//! Gratitude quotes: proposed from engine-detected thank-you messages and warm survey comments, published only with
//! a grant of the exact words and naming (checked here and by the schema), shown on the wall.

use chrono::{DateTime, Utc};

use super::audit::INSERT_AUDIT;
use super::consents::{ConsentMail, INSERT_RECORD, LATEST, QUEUE_MAIL};
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::community::model::PublishedQuote;
use crate::domain::community::naming::Naming;
use crate::domain::stories::consent::{may_publish, Decision, LatestConsent};
use crate::domain::stories::model::Publication;
use crate::domain::stories::quotes::{
    is_quotable_csat, quote_consent_text, GratitudeCandidate, QuoteSource, StudioQuote, QUOTABLE_CSAT_AT_LEAST,
};

/// The engine marks gratitude in a message's stored analysis.
const IS_GRATITUDE: &str = "m.analysis LIKE '%\"emotion\":\"gratitude\"%'";

/// Survey answers whose score could make their comment quotable; the words are then read by
/// the engine ([`is_quotable_csat`]), which SQL cannot do.
const CSAT_WITH_COMMENT: &str = "e.kind = 'csat' AND e.note IS NOT NULL AND e.value >= $1";

#[derive(sqlx::FromRow)]
struct MessageCandidate {
    message_id: i64,
    customer_name: String,
    body: String,
    channel: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct CsatCandidate {
    event_id: i64,
    customer_name: String,
    note: String,
    score: f64,
    channel: Option<String>,
    occurred_at: DateTime<Utc>,
}

/// Thank-you messages and warm survey comments since `since` that were not proposed yet,
/// newest first.
pub async fn candidates(db: &Db, since: DateTime<Utc>, limit: i64) -> Result<Vec<GratitudeCandidate>, DataError> {
    let messages = format!(
        "SELECT m.id AS message_id, cu.name AS customer_name, m.body, c.channel, m.created_at FROM messages m \
         JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id \
         LEFT JOIN gratitude_quotes q ON q.message_id = m.id \
         WHERE m.direction = 'inbound' AND m.created_at >= $1 AND {IS_GRATITUDE} AND q.id IS NULL ORDER BY m.created_at DESC, m.id DESC LIMIT $2"
    );
    let surveys = format!(
        "SELECT e.id AS event_id, cu.name AS customer_name, e.note, e.value AS score, c.channel, e.occurred_at FROM customer_events e \
         JOIN customers cu ON cu.id = e.customer_id LEFT JOIN conversations c ON c.id = e.conversation_id \
         LEFT JOIN gratitude_quotes q ON q.csat_event_id = e.id \
         WHERE {CSAT_WITH_COMMENT} AND e.occurred_at >= $2 AND q.id IS NULL ORDER BY e.occurred_at DESC, e.id DESC LIMIT $3"
    );
    let messages = on_pool!(db, pool => sqlx::query_as::<_, MessageCandidate>(&messages).bind(since).bind(limit).fetch_all(pool).await)?;
    // Over-fetch: some high scores come with words the engine does not read as warm.
    let surveys = on_pool!(db, pool => sqlx::query_as::<_, CsatCandidate>(&surveys).bind(QUOTABLE_CSAT_AT_LEAST).bind(since).bind(limit * 4).fetch_all(pool).await)?;
    let mut candidates: Vec<GratitudeCandidate> = messages
        .into_iter()
        .map(|m| GratitudeCandidate {
            source: QuoteSource::Message(m.message_id),
            customer_name: m.customer_name,
            body: m.body,
            channel: Some(m.channel),
            csat_score: None,
            created_at: m.created_at,
        })
        .chain(surveys.into_iter().filter(|e| is_quotable_csat(e.score, &e.note)).map(|e| GratitudeCandidate {
            source: QuoteSource::Csat(e.event_id),
            customer_name: e.customer_name,
            body: e.note,
            channel: e.channel,
            csat_score: Some(e.score),
            created_at: e.occurred_at,
        }))
        .collect();
    candidates.sort_by_key(|candidate| std::cmp::Reverse(candidate.created_at));
    candidates.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(candidates)
}

/// Thank-you messages and warm survey comments since `since`, and how many of them are on
/// the wall now: (shown, all).
pub async fn selection(db: &Db, since: DateTime<Utc>) -> Result<(i64, i64), DataError> {
    let messages = format!(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN q.status = 'published' THEN 1 ELSE 0 END), 0) FROM messages m \
         LEFT JOIN gratitude_quotes q ON q.message_id = m.id WHERE m.direction = 'inbound' AND m.created_at >= $1 AND {IS_GRATITUDE}"
    );
    let surveys = format!(
        "SELECT e.value, e.note, CASE WHEN q.status = 'published' THEN 1 ELSE 0 END FROM customer_events e \
         LEFT JOIN gratitude_quotes q ON q.csat_event_id = e.id WHERE {CSAT_WITH_COMMENT} AND e.occurred_at >= $2"
    );
    let (thank_yous, shown): (i64, i64) = on_pool!(db, pool => sqlx::query_as(&messages).bind(since).fetch_one(pool).await)?;
    let answers: Vec<(f64, String, i32)> =
        on_pool!(db, pool => sqlx::query_as(&surveys).bind(QUOTABLE_CSAT_AT_LEAST).bind(since).fetch_all(pool).await)?;
    let warm: Vec<i32> =
        answers.into_iter().filter(|(score, note, _)| is_quotable_csat(*score, note)).map(|(_, _, on_wall)| on_wall).collect();
    Ok((shown + warm.iter().map(|w| i64::from(*w)).sum::<i64>(), thank_yous + warm.len() as i64))
}

/// The words a quote is proposed from: (customer id, customer name, the whole text). Only a
/// thank-you message or a warm survey comment qualifies.
pub async fn source_text(db: &Db, source: QuoteSource) -> Result<(i64, String, String), DataError> {
    match source {
        QuoteSource::Message(message_id) => {
            let sql = format!(
                "SELECT cu.id, cu.name, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id \
                 WHERE m.id = $1 AND m.direction = 'inbound' AND {IS_GRATITUDE}"
            );
            on_pool!(db, pool => sqlx::query_as(&sql).bind(message_id).fetch_optional(pool).await)?.ok_or(DataError::NotFound)
        }
        QuoteSource::Csat(event_id) => {
            let sql = format!("SELECT cu.id, cu.name, e.note, e.value FROM customer_events e JOIN customers cu ON cu.id = e.customer_id WHERE {CSAT_WITH_COMMENT} AND e.id = $2");
            let row: Option<(i64, String, String, f64)> =
                on_pool!(db, pool => sqlx::query_as(&sql).bind(QUOTABLE_CSAT_AT_LEAST).bind(event_id).fetch_optional(pool).await)?;
            match row {
                Some((customer_id, name, note, score)) if is_quotable_csat(score, &note) => Ok((customer_id, name, note)),
                _ => Err(DataError::NotFound),
            }
        }
    }
}

/// A new quote, waiting for the customer's answer: (customer, message, survey answer, words, naming, now).
pub const INSERT_AWAITING_CONSENT: &str =
    "INSERT INTO gratitude_quotes (customer_id, message_id, csat_event_id, quote, naming, version, status, created_at) \
     VALUES ($1, $2, $3, $4, $5, 1, 'awaiting_consent', $6) RETURNING id";

/// Proposes `quote` (already checked against its source) and asks the customer, in one
/// transaction: the quote, the ledger's request and the consent email.
#[allow(clippy::too_many_arguments)]
pub async fn propose(
    db: &Db,
    source: QuoteSource,
    quote: &str,
    naming: Naming,
    token_hash: &str,
    mail: &ConsentMail<'_>,
    actor_user_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, DataError> {
    let (customer_id, customer_name, _) = source_text(db, source).await?;
    let (message_id, csat_event_id) = source.columns();
    let text = quote_consent_text(quote, naming.as_str(), &customer_name);
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(INSERT_AWAITING_CONSENT).bind(customer_id).bind(message_id).bind(csat_event_id).bind(quote).bind(naming.as_str()).bind(now)
            .fetch_one(&mut *tx).await
            .map_err(|error| match DataError::from(error) {
                DataError::Conflict(_) => DataError::Refused(format!("This {} was proposed already.", source.label())),
                other => other,
            })?;
        let record_id: i64 = sqlx::query_scalar(INSERT_RECORD).bind(customer_id).bind("quote").bind(id).bind(1_i64)
            .bind(Decision::Requested.as_str()).bind("studio request").bind(&text).bind(now).bind(token_hash)
            .fetch_one(&mut *tx).await?;
        sqlx::query(QUEUE_MAIL).bind(format!("consent-quote-{id}-v1-{record_id}")).bind(customer_id)
            .bind(mail.body).bind(mail.subject).bind(now).execute(&mut *tx).await?;
        sqlx::query(INSERT_AUDIT).bind(now).bind(actor_user_id).bind("marketing").bind("consent.requested")
            .bind(format!("quote:{id}")).bind("version 1").execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    })
}

#[derive(sqlx::FromRow)]
struct QuoteRow {
    quote: String,
    naming: String,
    customer_name: String,
    version: i64,
    #[sqlx(try_from = "String")]
    status: Publication,
}

/// Puts the quote on the wall: only with a grant of exactly its words and naming.
pub async fn publish(db: &Db, id: i64, actor_user_id: i64, now: DateTime<Utc>) -> Result<(), DataError> {
    const SELECT: &str = "SELECT q.quote, q.naming, c.name AS customer_name, q.version, q.status FROM gratitude_quotes q JOIN customers c ON c.id = q.customer_id WHERE q.id = $1";
    const PUBLISH: &str = "UPDATE gratitude_quotes SET status = 'published', published_at = $2 WHERE id = $1 AND version = $3 AND status IN ('proposed', 'awaiting_consent')";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let row = sqlx::query_as::<_, QuoteRow>(SELECT).bind(id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        if row.status == Publication::Published {
            return Err(DataError::Refused("This quote is on the wall already.".into()));
        }
        let latest: Option<(String, String)> = sqlx::query_as(LATEST).bind("quote").bind(id).bind(row.version).fetch_optional(&mut *tx).await?;
        let latest = latest.and_then(|(decision, text_shown)| Decision::parse(&decision).map(|decision| LatestConsent { decision, text_shown }));
        may_publish(latest.as_ref(), &quote_consent_text(&row.quote, &row.naming, &row.customer_name))
            .map_err(|refusal| DataError::Refused(refusal.message().replace("story", "quote")))?;
        let changed = sqlx::query(PUBLISH).bind(id).bind(now).bind(row.version).execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(DataError::Refused("The quote changed meanwhile; reload and try again.".into()));
        }
        sqlx::query(INSERT_AUDIT).bind(now).bind(actor_user_id).bind("marketing").bind("quote.published")
            .bind(format!("quote:{id}")).bind(format!("version {}", row.version)).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

pub async fn unpublish(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), DataError> {
    const SQL: &str = "UPDATE gratitude_quotes SET status = 'awaiting_consent', published_at = NULL WHERE id = $1 AND status = 'published' AND $2 IS NOT NULL";
    let _turn = db.write_turn().await;
    let changed = on_pool!(db, pool => sqlx::query(SQL).bind(id).bind(now).execute(pool).await.map(|done| done.rows_affected()))?;
    if changed == 0 {
        return Err(DataError::Refused("This quote is not on the wall.".into()));
    }
    Ok(())
}

/// Every quote with the newest consent decision for its version.
pub async fn studio_list(db: &Db, limit: i64) -> Result<Vec<StudioQuote>, DataError> {
    const SQL: &str = "SELECT q.id, q.quote, c.name AS customer_name, q.naming, q.status, \
         (SELECT r.decision FROM consent_records r WHERE r.subject_kind = 'quote' AND r.subject_id = q.id AND r.subject_version = q.version ORDER BY r.id DESC LIMIT 1) AS consent \
         FROM gratitude_quotes q JOIN customers c ON c.id = q.customer_id ORDER BY q.created_at DESC, q.id DESC LIMIT $1";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, StudioQuote>(SQL).bind(limit).fetch_all(pool).await)?)
}

#[derive(sqlx::FromRow)]
struct WallRecord {
    id: i64,
    quote: String,
    naming: String,
    customer_name: String,
    published_at: DateTime<Utc>,
}

/// The wall, newest first, optionally only for one plan (product) or channel.
pub async fn wall(db: &Db, plan: Option<&str>, channel: Option<&str>, limit: i64) -> Result<Vec<PublishedQuote>, DataError> {
    const SQL: &str = "SELECT q.id, q.quote, q.naming, cu.name AS customer_name, q.published_at FROM gratitude_quotes q \
         JOIN customers cu ON cu.id = q.customer_id LEFT JOIN messages m ON m.id = q.message_id LEFT JOIN customer_events e ON e.id = q.csat_event_id \
         LEFT JOIN conversations c ON c.id = COALESCE(m.conversation_id, e.conversation_id) \
         WHERE q.status = 'published' AND q.published_at IS NOT NULL AND ($1 = '' OR cu.plan = $1) AND ($2 = '' OR c.channel = $2) \
         ORDER BY q.published_at DESC, q.id DESC LIMIT $3";
    let records = on_pool!(db, pool => sqlx::query_as::<_, WallRecord>(SQL).bind(plan.unwrap_or("")).bind(channel.unwrap_or("")).bind(limit).fetch_all(pool).await)?;
    Ok(records
        .into_iter()
        .map(|r| PublishedQuote {
            id: r.id,
            said_by: crate::domain::community::naming::public_name(&r.naming, &r.customer_name),
            quote: r.quote,
            published_at: r.published_at,
        })
        .collect())
}

/// The plans and channels that published quotes come from (the wall's filters).
pub async fn wall_facets(db: &Db) -> Result<(Vec<String>, Vec<String>), DataError> {
    const PLANS: &str = "SELECT DISTINCT cu.plan FROM gratitude_quotes q JOIN customers cu ON cu.id = q.customer_id WHERE q.status = 'published' AND cu.plan IS NOT NULL ORDER BY cu.plan";
    const CHANNELS: &str = "SELECT DISTINCT c.channel FROM gratitude_quotes q LEFT JOIN messages m ON m.id = q.message_id LEFT JOIN customer_events e ON e.id = q.csat_event_id \
         JOIN conversations c ON c.id = COALESCE(m.conversation_id, e.conversation_id) WHERE q.status = 'published' ORDER BY c.channel";
    let plans: Vec<String> = on_pool!(db, pool => sqlx::query_scalar(PLANS).fetch_all(pool).await)?;
    let channels: Vec<String> = on_pool!(db, pool => sqlx::query_scalar(CHANNELS).fetch_all(pool).await)?;
    Ok((plans, channels))
}
