//! The consent ledger: requests, answers and withdrawals, one append-only record each.
//! Every answer is checked against the newest record for the story's current version, in
//! the same transaction that writes it.

use chrono::{DateTime, Utc};

use super::audit::INSERT_AUDIT;
use super::story_editing::{StoryRecord, SELECT_STORY};
use super::{on_pool, BeginWrite, DataError, Db};
use crate::stories::consent::{may_answer, Decision};
use crate::stories::model::{CustomerStory, StoryDetail};

/// Joins `r`, the newest ledger record for each story `s`'s current version.
pub(crate) const LATEST_CONSENT_JOIN: &str = "LEFT JOIN consent_records r ON r.id = (SELECT MAX(x.id) FROM consent_records x \
     WHERE x.subject_kind = 'story' AND x.subject_id = s.id AND x.subject_version = s.version) ";

const INSERT_RECORD: &str = "INSERT INTO consent_records (customer_id, subject_kind, subject_id, subject_version, decision, channel, text_shown, recorded_at, token_hash) \
     VALUES ($1, 'story', $2, $3, $4, $5, $6, $7, $8) RETURNING id";

/// The consent email queued with a request.
pub struct ConsentMail<'a> {
    pub subject: &'a str,
    pub body: &'a str,
}

/// Asks the customer to approve the story's current version, whose public text must still be
/// `expected_text` (what the email shows). Queues the email in the same transaction.
pub async fn request_story_consent(db: &Db, story_id: i64, expected_text: &str, token_hash: &str, mail: &ConsentMail<'_>, actor_user_id: i64, now: DateTime<Utc>) -> Result<(), DataError> {
    let select = format!("{SELECT_STORY}{LATEST_CONSENT_JOIN} WHERE s.id = $1");
    const MARK: &str = "UPDATE stories SET status = 'awaiting_consent', updated_at = $2 WHERE id = $1";
    const QUEUE: &str = "INSERT INTO outbox_messages (dedupe_key, customer_id, journey_id, channel, body, subject, created_at, delivery, next_attempt_at) \
         VALUES ($1, $2, NULL, 'email', $3, $4, $5, 'pending', $5)";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let story = sqlx::query_as::<_, StoryRecord>(&select).bind(story_id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?.into_detail();
        match story.status.as_str() {
            "published" => return Err(DataError::Refused("This story is published with consent already.".into())),
            "withdrawn" => return Err(DataError::Refused("The customer withdrew their consent; do not ask again.".into())),
            _ => {}
        }
        if story.consent_text() != expected_text {
            return Err(DataError::Refused("The story changed meanwhile; reload it and ask again.".into()));
        }
        match story.consent.as_ref().map(|c| c.decision) {
            Some(Decision::Granted) => return Err(DataError::Refused("The customer already agreed to this version.".into())),
            Some(Decision::Declined) => return Err(DataError::Refused("The customer declined this version; change the story before asking again.".into())),
            _ => {}
        }
        let record_id: i64 = sqlx::query_scalar(INSERT_RECORD).bind(story.customer_id).bind(story_id).bind(story.version)
            .bind(Decision::Requested.as_str()).bind("studio request").bind(expected_text).bind(now).bind(token_hash)
            .fetch_one(&mut *tx).await?;
        sqlx::query(MARK).bind(story_id).bind(now).execute(&mut *tx).await?;
        sqlx::query(QUEUE).bind(format!("consent-story-{story_id}-v{}-{record_id}", story.version)).bind(story.customer_id)
            .bind(mail.body).bind(mail.subject).bind(now).execute(&mut *tx).await?;
        sqlx::query(INSERT_AUDIT).bind(now).bind(actor_user_id).bind("marketing").bind("consent.requested")
            .bind(format!("story:{story_id}")).bind(format!("version {}", story.version)).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// Who answers: the signed-in customer (about one of their stories), or whoever holds the
/// link from the consent email.
pub enum Answerer<'a> {
    Customer { customer_id: i64, story_id: i64 },
    Link { token_hash: &'a str },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answered {
    pub story_id: i64,
    /// The story was public until this answer (a withdrawal): every surface must drop it.
    pub was_published: bool,
}

/// Records a customer's answer: grant or decline an open request, or withdraw a grant.
pub async fn answer_story(db: &Db, answerer: Answerer<'_>, answer: Decision, channel: &str, now: DateTime<Utc>) -> Result<Answered, DataError> {
    const BY_TOKEN: &str = "SELECT subject_id, subject_version FROM consent_records WHERE token_hash = $1 AND subject_kind = 'story'";
    let select = format!("{SELECT_STORY}{LATEST_CONSENT_JOIN} WHERE s.id = $1");
    const DECLINED: &str = "UPDATE stories SET status = 'draft', updated_at = $2 WHERE id = $1";
    const WITHDRAWN: &str = "UPDATE stories SET status = 'withdrawn', featured = FALSE, published_at = NULL, withdrawn_at = $2, updated_at = $2 WHERE id = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (story_id, asked_version, customer_id) = match answerer {
            Answerer::Customer { customer_id, story_id } => (story_id, None, Some(customer_id)),
            Answerer::Link { token_hash } => {
                let (story_id, version): (Option<i64>, Option<i64>) = sqlx::query_as(BY_TOKEN).bind(token_hash).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
                (story_id.ok_or(DataError::NotFound)?, version, None)
            }
        };
        let story = sqlx::query_as::<_, StoryRecord>(&select).bind(story_id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?.into_detail();
        // Another customer's story is "not found", so ids cannot be probed.
        if customer_id.is_some_and(|id| id != story.customer_id) {
            return Err(DataError::NotFound);
        }
        if asked_version.is_some_and(|version| version != story.version) && answer != Decision::Withdrawn {
            return Err(DataError::Refused("This link is for an earlier version of the story. A newer version was sent to you; answer that one.".into()));
        }
        let latest = story.consent.as_ref();
        may_answer(latest.map(|c| c.decision), answer).map_err(|why| DataError::Refused(why.into()))?;
        let text_shown = latest.map(|c| c.text_shown.clone()).unwrap_or_default();
        sqlx::query(INSERT_RECORD).bind(story.customer_id).bind(story_id).bind(story.version).bind(answer.as_str())
            .bind(channel).bind(&text_shown).bind(now).bind(None::<String>)
            .fetch_one(&mut *tx).await?;
        match answer {
            Decision::Declined => { sqlx::query(DECLINED).bind(story_id).bind(now).execute(&mut *tx).await?; }
            Decision::Withdrawn => { sqlx::query(WITHDRAWN).bind(story_id).bind(now).execute(&mut *tx).await?; }
            _ => {}
        }
        sqlx::query(INSERT_AUDIT).bind(now).bind(None::<i64>).bind("customer").bind(format!("consent.{}", answer.as_str()))
            .bind(format!("story:{story_id}")).bind(format!("version {} via {channel}", story.version))
            .execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Answered { story_id, was_published: story.status == "published" && answer == Decision::Withdrawn })
    })
}

/// A customer's stories that they were asked about, with the newest answer for each.
pub async fn customer_stories(db: &Db, customer_id: i64) -> Result<Vec<CustomerStory>, DataError> {
    let sql = format!("{SELECT_STORY}{LATEST_CONSENT_JOIN} WHERE s.customer_id = $1 AND r.id IS NOT NULL ORDER BY s.updated_at DESC, s.id DESC LIMIT 100");
    let records = on_pool!(db, pool => sqlx::query_as::<_, StoryRecord>(&sql).bind(customer_id).fetch_all(pool).await)?;
    Ok(records.into_iter().map(StoryRecord::into_detail).map(customer_view).collect())
}

fn customer_view(story: StoryDetail) -> CustomerStory {
    CustomerStory {
        id: story.id,
        version: story.version,
        status: story.status,
        title: story.draft.title,
        text_shown: story.consent.as_ref().map(|c| c.text_shown.clone()).unwrap_or_default(),
        decision: story.consent.as_ref().map(|c| c.decision),
        decided_at: story.consent.as_ref().map(|c| c.recorded_at),
    }
}

/// The story a consent link points at, as its customer sees it now.
pub async fn story_by_token(db: &Db, token_hash: &str) -> Result<CustomerStory, DataError> {
    const BY_TOKEN: &str = "SELECT subject_id FROM consent_records WHERE token_hash = $1 AND subject_kind = 'story'";
    let story_id: Option<i64> = on_pool!(db, pool => sqlx::query_scalar(BY_TOKEN).bind(token_hash).fetch_optional(pool).await)?.ok_or(DataError::NotFound)?;
    let story = super::story_editing::story(db, story_id.ok_or(DataError::NotFound)?).await?;
    Ok(customer_view(story))
}
