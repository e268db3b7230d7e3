//! Gratitude quotes: proposed from engine-detected thank-you messages, published only with
//! a grant of the exact words and naming (checked here and by the schema), shown on the wall.

use chrono::{DateTime, Utc};

use super::audit::INSERT_AUDIT;
use super::consents::{ConsentMail, INSERT_RECORD, LATEST, QUEUE_MAIL};
use super::{on_pool, BeginWrite, DataError, Db};
use crate::community::model::PublishedQuote;
use crate::community::naming::Naming;
use crate::stories::consent::{may_publish, Decision, LatestConsent};
use crate::stories::quotes::{quote_consent_text, GratitudeCandidate, StudioQuote};

/// The engine marks gratitude in a message's stored analysis.
const IS_GRATITUDE: &str = "m.analysis LIKE '%\"emotion\":\"gratitude\"%'";

/// Thank-you messages since `since` that were not proposed yet, newest first.
pub async fn candidates(db: &Db, since: DateTime<Utc>, limit: i64) -> Result<Vec<GratitudeCandidate>, DataError> {
    let sql = format!(
        "SELECT m.id AS message_id, cu.name AS customer_name, m.body, c.channel, m.created_at FROM messages m \
         JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id \
         LEFT JOIN gratitude_quotes q ON q.message_id = m.id \
         WHERE m.direction = 'inbound' AND m.created_at >= $1 AND {IS_GRATITUDE} AND q.id IS NULL ORDER BY m.created_at DESC, m.id DESC LIMIT $2"
    );
    Ok(on_pool!(db, pool => sqlx::query_as::<_, GratitudeCandidate>(&sql).bind(since).bind(limit).fetch_all(pool).await)?)
}

/// Thank-you messages since `since`, and how many of them are on the wall now.
pub async fn selection(db: &Db, since: DateTime<Utc>) -> Result<(i64, i64), DataError> {
    let sql = format!(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN q.status = 'published' THEN 1 ELSE 0 END), 0) FROM messages m \
         LEFT JOIN gratitude_quotes q ON q.message_id = m.id WHERE m.direction = 'inbound' AND m.created_at >= $1 AND {IS_GRATITUDE}"
    );
    let (thank_yous, shown): (i64, i64) = on_pool!(db, pool => sqlx::query_as(&sql).bind(since).fetch_one(pool).await)?;
    Ok((shown, thank_yous))
}

/// The message a quote is proposed from: (customer id, customer name, body).
pub async fn source_message(db: &Db, message_id: i64) -> Result<(i64, String, String), DataError> {
    let sql = format!(
        "SELECT cu.id, cu.name, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id \
         WHERE m.id = $1 AND m.direction = 'inbound' AND {IS_GRATITUDE}"
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(message_id).fetch_optional(pool).await)?.ok_or(DataError::NotFound)
}

/// Proposes `quote` (already checked against the message) and asks the customer, in one
/// transaction: the quote, the ledger's request and the consent email.
#[allow(clippy::too_many_arguments)]
pub async fn propose(db: &Db, message_id: i64, quote: &str, naming: Naming, token_hash: &str, mail: &ConsentMail<'_>, actor_user_id: i64, now: DateTime<Utc>) -> Result<i64, DataError> {
    const INSERT: &str = "INSERT INTO gratitude_quotes (customer_id, message_id, quote, naming, version, status, created_at) VALUES ($1, $2, $3, $4, 1, 'awaiting_consent', $5) RETURNING id";
    let (customer_id, customer_name, _) = source_message(db, message_id).await?;
    let text = quote_consent_text(quote, naming.as_str(), &customer_name);
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(INSERT).bind(customer_id).bind(message_id).bind(quote).bind(naming.as_str()).bind(now)
            .fetch_one(&mut *tx).await
            .map_err(|error| match DataError::from(error) {
                DataError::Conflict(_) => DataError::Refused("This thank-you message was proposed already.".into()),
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
    status: String,
}

/// Puts the quote on the wall: only with a grant of exactly its words and naming.
pub async fn publish(db: &Db, id: i64, actor_user_id: i64, now: DateTime<Utc>) -> Result<(), DataError> {
    const SELECT: &str = "SELECT q.quote, q.naming, c.name AS customer_name, q.version, q.status FROM gratitude_quotes q JOIN customers c ON c.id = q.customer_id WHERE q.id = $1";
    const PUBLISH: &str = "UPDATE gratitude_quotes SET status = 'published', published_at = $2 WHERE id = $1 AND version = $3 AND status IN ('proposed', 'awaiting_consent')";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let row = sqlx::query_as::<_, QuoteRow>(SELECT).bind(id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        if row.status == "published" {
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
         JOIN customers cu ON cu.id = q.customer_id LEFT JOIN messages m ON m.id = q.message_id LEFT JOIN conversations c ON c.id = m.conversation_id \
         WHERE q.status = 'published' AND q.published_at IS NOT NULL AND ($1 = '' OR cu.plan = $1) AND ($2 = '' OR c.channel = $2) \
         ORDER BY q.published_at DESC, q.id DESC LIMIT $3";
    let records = on_pool!(db, pool => sqlx::query_as::<_, WallRecord>(SQL).bind(plan.unwrap_or("")).bind(channel.unwrap_or("")).bind(limit).fetch_all(pool).await)?;
    Ok(records
        .into_iter()
        .map(|r| PublishedQuote {
            id: r.id,
            said_by: crate::community::naming::public_name(&r.naming, &r.customer_name),
            quote: r.quote,
            published_at: r.published_at,
        })
        .collect())
}

/// The plans and channels that published quotes come from (the wall's filters).
pub async fn wall_facets(db: &Db) -> Result<(Vec<String>, Vec<String>), DataError> {
    const PLANS: &str = "SELECT DISTINCT cu.plan FROM gratitude_quotes q JOIN customers cu ON cu.id = q.customer_id WHERE q.status = 'published' AND cu.plan IS NOT NULL ORDER BY cu.plan";
    const CHANNELS: &str = "SELECT DISTINCT c.channel FROM gratitude_quotes q JOIN messages m ON m.id = q.message_id JOIN conversations c ON c.id = m.conversation_id WHERE q.status = 'published' ORDER BY c.channel";
    let plans: Vec<String> = on_pool!(db, pool => sqlx::query_scalar(PLANS).fetch_all(pool).await)?;
    let channels: Vec<String> = on_pool!(db, pool => sqlx::query_scalar(CHANNELS).fetch_all(pool).await)?;
    Ok((plans, channels))
}
