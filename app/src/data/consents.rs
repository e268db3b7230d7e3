//! The consent ledger: requests, answers and withdrawals, one append-only record each.
//! Every answer is checked against the newest record for the story's current version, in
//! the same transaction that writes it.

use chrono::{DateTime, Utc};

use super::audit::INSERT_AUDIT;
use super::story_records::{story, StoryRecord, LATEST_CONSENT_JOIN, SELECT_STORY};
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::stories::consent::{may_answer, Decision};
use crate::domain::stories::model::{CustomerStory, Publication, StoryDetail};

pub(crate) const INSERT_RECORD: &str = "INSERT INTO consent_records (customer_id, subject_kind, subject_id, subject_version, decision, channel, text_shown, recorded_at, token_hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

/// Queues the consent email (in the caller's transaction).
/// Marketing mail: it waits while the customer is in a recovery (`outbox::claim_due`).
pub(crate) const QUEUE_MAIL: &str = "INSERT INTO outbox_messages (dedupe_key, customer_id, journey_id, channel, body, subject, created_at, delivery, next_attempt_at, purpose) \
     VALUES ($1, $2, NULL, 'email', $3, $4, $5, 'pending', $5, 'marketing')";

/// The consent email queued with a request.
pub struct ConsentMail<'a> {
    pub subject: &'a str,
    pub body: &'a str,
}

/// Asks the customer to approve the story's current version, whose public text must still be
/// `expected_text` (what the email shows). Queues the email in the same transaction.
pub async fn request_story_consent(
    db: &Db,
    story_id: i64,
    expected_text: &str,
    token_hash: &str,
    mail: &ConsentMail<'_>,
    actor_user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DataError> {
    let select = format!("{SELECT_STORY}{LATEST_CONSENT_JOIN} WHERE s.id = $1");
    const MARK: &str = "UPDATE stories SET status = 'awaiting_consent', updated_at = $2 WHERE id = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let story = sqlx::query_as::<_, StoryRecord>(&select).bind(story_id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?.into_detail();
        match story.status {
            Publication::Published => return Err(DataError::Refused("This story is published with consent already.".into())),
            Publication::Withdrawn => return Err(DataError::Refused("The customer withdrew their consent; do not ask again.".into())),
            Publication::Draft | Publication::Proposed | Publication::AwaitingConsent => {}
        }
        if story.consent_text() != expected_text {
            return Err(DataError::Refused("The story changed meanwhile; reload it and ask again.".into()));
        }
        match story.consent.as_ref().map(|c| c.decision) {
            Some(Decision::Granted) => return Err(DataError::Refused("The customer already agreed to this version.".into())),
            Some(Decision::Declined) => return Err(DataError::Refused("The customer declined this version; change the story before asking again.".into())),
            _ => {}
        }
        let record_id: i64 = sqlx::query_scalar(INSERT_RECORD).bind(story.customer_id).bind("story").bind(story_id).bind(story.version)
            .bind(Decision::Requested.as_str()).bind("studio request").bind(expected_text).bind(now).bind(token_hash)
            .fetch_one(&mut *tx).await?;
        sqlx::query(MARK).bind(story_id).bind(now).execute(&mut *tx).await?;
        sqlx::query(QUEUE_MAIL).bind(format!("consent-story-{story_id}-v{}-{record_id}", story.version)).bind(story.customer_id)
            .bind(mail.body).bind(mail.subject).bind(now).execute(&mut *tx).await?;
        sqlx::query(INSERT_AUDIT).bind(now).bind(actor_user_id).bind("marketing").bind("consent.requested")
            .bind(format!("story:{story_id}")).bind(format!("version {}", story.version)).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// What consent is about: a story or a gratitude quote (same ledger, same rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Story,
    Quote,
}

impl Subject {
    pub fn parse(kind: &str) -> Option<Subject> {
        match kind {
            "story" => Some(Subject::Story),
            "quote" => Some(Subject::Quote),
            _ => None,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Subject::Story => "story",
            Subject::Quote => "quote",
        }
    }

    fn current(self) -> &'static str {
        match self {
            Subject::Story => "SELECT customer_id, version, status FROM stories WHERE id = $1",
            Subject::Quote => "SELECT customer_id, version, status FROM gratitude_quotes WHERE id = $1",
        }
    }

    fn declined(self) -> &'static str {
        match self {
            Subject::Story => "UPDATE stories SET status = 'draft', updated_at = $2 WHERE id = $1",
            Subject::Quote => "UPDATE gratitude_quotes SET status = 'proposed' WHERE id = $1 AND $2 IS NOT NULL",
        }
    }

    fn withdrawn(self) -> &'static str {
        match self {
            Subject::Story => "UPDATE stories SET status = 'withdrawn', featured = FALSE, published_at = NULL, withdrawn_at = $2, updated_at = $2 WHERE id = $1",
            Subject::Quote => "UPDATE gratitude_quotes SET status = 'withdrawn', published_at = NULL, withdrawn_at = $2 WHERE id = $1",
        }
    }
}

/// Who answers: the signed-in customer (about one of their stories or quotes), or whoever
/// holds the link from the consent email.
pub enum Answerer<'a> {
    Customer { customer_id: i64, subject: Subject, id: i64 },
    Link { token_hash: &'a str },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answered {
    pub subject: Subject,
    pub id: i64,
    /// It was public until this answer (a withdrawal): every surface must drop it.
    pub was_published: bool,
}

/// The newest record for (kind, id, version): its decision and the text shown.
pub(crate) const LATEST: &str = "SELECT decision, text_shown FROM consent_records WHERE subject_kind = $1 AND subject_id = $2 AND subject_version = $3 ORDER BY id DESC LIMIT 1";

/// Records a customer's answer: grant or decline an open request, or withdraw a grant.
pub async fn answer(db: &Db, answerer: Answerer<'_>, answer: Decision, channel: &str, now: DateTime<Utc>) -> Result<Answered, DataError> {
    const BY_TOKEN: &str = "SELECT subject_kind, subject_id, subject_version FROM consent_records WHERE token_hash = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (subject, id, asked_version, customer_id) = match answerer {
            Answerer::Customer { customer_id, subject, id } => (subject, id, None, Some(customer_id)),
            Answerer::Link { token_hash } => {
                let (kind, id, version): (String, Option<i64>, Option<i64>) = sqlx::query_as(BY_TOKEN).bind(token_hash).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
                (Subject::parse(&kind).ok_or(DataError::NotFound)?, id.ok_or(DataError::NotFound)?, version, None)
            }
        };
        let (owner, version, status): (i64, i64, String) = sqlx::query_as(subject.current()).bind(id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        let status = Publication::parse(&status).ok_or(DataError::Inconsistent("a story's or quote's status is not a known word"))?;
        // Another customer's story is "not found", so ids cannot be probed.
        if customer_id.is_some_and(|customer| customer != owner) {
            return Err(DataError::NotFound);
        }
        if asked_version.is_some_and(|asked| asked != version) && answer != Decision::Withdrawn {
            return Err(DataError::Refused(format!("This link is for an earlier version of the {}. A newer version was sent to you; answer that one.", subject.kind())));
        }
        let latest: Option<(String, String)> = sqlx::query_as(LATEST).bind(subject.kind()).bind(id).bind(version).fetch_optional(&mut *tx).await?;
        may_answer(latest.as_ref().and_then(|(decision, _)| Decision::parse(decision)), answer).map_err(|why| DataError::Refused(why.into()))?;
        let text_shown = latest.map(|(_, text)| text).unwrap_or_default();
        sqlx::query(INSERT_RECORD).bind(owner).bind(subject.kind()).bind(id).bind(version).bind(answer.as_str())
            .bind(channel).bind(&text_shown).bind(now).bind(None::<String>)
            .fetch_one(&mut *tx).await?;
        match answer {
            Decision::Declined => { sqlx::query(subject.declined()).bind(id).bind(now).execute(&mut *tx).await?; }
            Decision::Withdrawn => { sqlx::query(subject.withdrawn()).bind(id).bind(now).execute(&mut *tx).await?; }
            _ => {}
        }
        sqlx::query(INSERT_AUDIT).bind(now).bind(None::<i64>).bind("customer").bind(format!("consent.{}", answer.as_str()))
            .bind(format!("{}:{id}", subject.kind())).bind(format!("version {version} via {channel}"))
            .execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Answered { subject, id, was_published: status == Publication::Published && answer == Decision::Withdrawn })
    })
}

/// A customer's stories that they were asked about, with the newest answer for each.
pub async fn customer_stories(db: &Db, customer_id: i64) -> Result<Vec<CustomerStory>, DataError> {
    let sql = format!(
        "{SELECT_STORY}{LATEST_CONSENT_JOIN} WHERE s.customer_id = $1 AND r.id IS NOT NULL ORDER BY s.updated_at DESC, s.id DESC LIMIT 100"
    );
    let records = on_pool!(db, pool => sqlx::query_as::<_, StoryRecord>(&sql).bind(customer_id).fetch_all(pool).await)?;
    let mut found: Vec<CustomerStory> = records.into_iter().map(StoryRecord::into_detail).map(customer_view).collect();
    let sql = format!("{QUOTE_CONSENTS} WHERE q.customer_id = $1 ORDER BY q.created_at DESC, q.id DESC LIMIT 100");
    found.extend(quote_views(on_pool!(db, pool => sqlx::query_as(&sql).bind(customer_id).fetch_all(pool).await)?)?);
    Ok(found)
}

/// Quotes `q` with the newest ledger record `r` for their current version.
const QUOTE_CONSENTS: &str = "SELECT q.id, q.version, q.status, q.quote, r.text_shown, r.decision, r.recorded_at FROM gratitude_quotes q \
     JOIN consent_records r ON r.id = (SELECT MAX(x.id) FROM consent_records x WHERE x.subject_kind = 'quote' AND x.subject_id = q.id AND x.subject_version = q.version)";

type QuoteConsentRow = (i64, i64, String, String, String, String, DateTime<Utc>);

fn quote_views(rows: Vec<QuoteConsentRow>) -> Result<Vec<CustomerStory>, DataError> {
    rows.into_iter()
        .map(|(id, version, status, quote, text_shown, decision, recorded_at)| {
            Ok(CustomerStory {
                kind: "quote".into(),
                id,
                version,
                status: Publication::parse(&status).ok_or(DataError::Inconsistent("a quote's status is not a known word"))?,
                title: format!("Your words: “{quote}”"),
                text_shown,
                decision: Decision::parse(&decision),
                decided_at: Some(recorded_at),
            })
        })
        .collect()
}

fn customer_view(story: StoryDetail) -> CustomerStory {
    CustomerStory {
        kind: "story".into(),
        id: story.id,
        version: story.version,
        status: story.status,
        title: story.draft.title,
        text_shown: story.consent.as_ref().map(|c| c.text_shown.clone()).unwrap_or_default(),
        decision: story.consent.as_ref().map(|c| c.decision),
        decided_at: story.consent.as_ref().map(|c| c.recorded_at),
    }
}

/// The story or quote a consent link points at, as its customer sees it now.
pub async fn subject_by_token(db: &Db, token_hash: &str) -> Result<CustomerStory, DataError> {
    const BY_TOKEN: &str = "SELECT subject_kind, subject_id FROM consent_records WHERE token_hash = $1";
    let (kind, id): (String, Option<i64>) =
        on_pool!(db, pool => sqlx::query_as(BY_TOKEN).bind(token_hash).fetch_optional(pool).await)?.ok_or(DataError::NotFound)?;
    let id = id.ok_or(DataError::NotFound)?;
    match Subject::parse(&kind).ok_or(DataError::NotFound)? {
        Subject::Story => Ok(customer_view(story(db, id).await?)),
        Subject::Quote => {
            let sql = format!("{QUOTE_CONSENTS} WHERE q.id = $1");
            let row: Option<QuoteConsentRow> = on_pool!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
            quote_views(row.into_iter().collect())?.into_iter().next().ok_or(DataError::NotFound)
        }
    }
}
