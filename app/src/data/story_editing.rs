//! Stories in the studio: drafting, editing, publishing, featuring. Publishing checks the
//! consent ledger here, in the same transaction, so no caller can publish without consent.

use chrono::{DateTime, Utc};

use super::audit::INSERT_AUDIT;
pub use super::story_records::story;
use super::story_records::{StoryRecord, LATEST_CONSENT_JOIN, SELECT_STORY};
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::stories::consent::{may_publish, LatestConsent};
use crate::domain::stories::draft::StoryDraft;
use crate::domain::stories::model::{Publication, StoryDetail};

fn quotes_json(draft: &StoryDraft) -> String {
    serde_json::to_string(&draft.quotes).unwrap_or_else(|_| "[]".into())
}

/// All stories, most recently changed first.
pub async fn list(db: &Db, limit: i64) -> Result<Vec<StoryDetail>, DataError> {
    let sql = format!("{SELECT_STORY}{LATEST_CONSENT_JOIN} ORDER BY s.updated_at DESC, s.id DESC LIMIT $1");
    let records = on_pool!(db, pool => sqlx::query_as::<_, StoryRecord>(&sql).bind(limit).fetch_all(pool).await)?;
    Ok(records.into_iter().map(StoryRecord::into_detail).collect())
}

pub struct Actor<'a> {
    pub user_id: i64,
    pub label: &'a str,
}

/// Creates a draft about `customer_id` (from `conversation_id`, when known). `draft` is checked.
pub async fn create(
    db: &Db,
    customer_id: i64,
    conversation_id: Option<i64>,
    draft: &StoryDraft,
    actor: &Actor<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DataError> {
    const SQL: &str = "INSERT INTO stories (customer_id, conversation_id, title, narrative, resolution, quotes, naming, version, status, featured, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 'draft', FALSE, $8, $9, $9) RETURNING id";
    let _turn = db.write_turn().await;
    let id = on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL)
        .bind(customer_id).bind(conversation_id).bind(&draft.title).bind(&draft.narrative).bind(&draft.resolution)
        .bind(quotes_json(draft)).bind(&draft.naming).bind(actor.user_id).bind(now)
        .fetch_one(pool).await)?;
    Ok(id)
}

/// What an edit did to a story that was public.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edited {
    pub version: i64,
    /// It was published and is not any more: the new text needs new consent.
    pub unpublished: bool,
}

/// Saves an edit. Once consent was asked for a version, any change makes a new version (which
/// needs its own consent) and takes a published story off the portal.
pub async fn update(db: &Db, id: i64, draft: &StoryDraft, actor: &Actor<'_>, now: DateTime<Utc>) -> Result<Edited, DataError> {
    const CURRENT: &str = "SELECT status, version FROM stories WHERE id = $1";
    const ASKED: &str = "SELECT COUNT(*) FROM consent_records WHERE subject_kind = 'story' AND subject_id = $1 AND subject_version = $2";
    const UPDATE: &str = "UPDATE stories SET title = $2, narrative = $3, resolution = $4, quotes = $5, naming = $6, version = $7, \
         status = $8, featured = CASE WHEN $8 = 'published' THEN featured ELSE FALSE END, \
         published_at = CASE WHEN $8 = 'published' THEN published_at ELSE NULL END, updated_at = $9 WHERE id = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (status, version): (String, i64) = sqlx::query_as(CURRENT).bind(id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?;
        let status = Publication::parse(&status).ok_or(DataError::Inconsistent("a story's status is not a known word"))?;
        if status == Publication::Withdrawn {
            return Err(DataError::Refused("The customer withdrew their consent; this story can no longer be edited or shared.".into()));
        }
        let asked: i64 = sqlx::query_scalar(ASKED).bind(id).bind(version).fetch_one(&mut *tx).await?;
        let was_published = status == Publication::Published;
        let (version, status) = if asked > 0 { (version + 1, Publication::Draft) } else { (version, status) };
        let unpublished = was_published && status != Publication::Published;
        sqlx::query(UPDATE).bind(id).bind(&draft.title).bind(&draft.narrative).bind(&draft.resolution)
            .bind(quotes_json(draft)).bind(&draft.naming).bind(version).bind(status.key()).bind(now)
            .execute(&mut *tx).await?;
        if unpublished {
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor.user_id).bind(actor.label).bind("story.unpublished")
                .bind(format!("story:{id}")).bind(format!("edited to version {version}; needs new consent"))
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Edited { version, unpublished })
    })
}

/// Publishes the story's current version: only with a grant of exactly its current text.
pub async fn publish(db: &Db, id: i64, actor: &Actor<'_>, now: DateTime<Utc>) -> Result<(), DataError> {
    let select = format!("{SELECT_STORY}{LATEST_CONSENT_JOIN} WHERE s.id = $1");
    const PUBLISH: &str = "UPDATE stories SET status = 'published', published_at = $2, updated_at = $2 \
         WHERE id = $1 AND version = $3 AND status IN ('draft', 'awaiting_consent')";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let story = sqlx::query_as::<_, StoryRecord>(&select).bind(id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?.into_detail();
        match story.status {
            Publication::Published => return Err(DataError::Refused("This story is already published.".into())),
            Publication::Withdrawn => return Err(DataError::Refused("The customer withdrew their consent; this story cannot be published again.".into())),
            Publication::Draft | Publication::Proposed | Publication::AwaitingConsent => {}
        }
        let latest = story.consent.as_ref().map(|entry| LatestConsent { decision: entry.decision, text_shown: entry.text_shown.clone() });
        may_publish(latest.as_ref(), &story.consent_text()).map_err(|refusal| DataError::Refused(refusal.message().into()))?;
        // The version and status guard the race with an edit or a withdrawal committed meanwhile.
        let changed = sqlx::query(PUBLISH).bind(id).bind(now).bind(story.version).execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(DataError::Refused("The story changed meanwhile; reload it and try again.".into()));
        }
        sqlx::query(INSERT_AUDIT).bind(now).bind(actor.user_id).bind(actor.label).bind("story.published")
            .bind(format!("story:{id}")).bind(format!("version {}", story.version))
            .execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// Takes a published story off the portal (consent stays as it is: it can be published again).
pub async fn unpublish(db: &Db, id: i64, actor: &Actor<'_>, now: DateTime<Utc>) -> Result<(), DataError> {
    const SQL: &str = "UPDATE stories SET status = 'awaiting_consent', featured = FALSE, published_at = NULL, updated_at = $2 WHERE id = $1 AND status = 'published'";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query(SQL).bind(id).bind(now).execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(DataError::Refused("This story is not published.".into()));
        }
        sqlx::query(INSERT_AUDIT).bind(now).bind(actor.user_id).bind(actor.label).bind("story.unpublished")
            .bind(format!("story:{id}")).bind("by marketing").execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// Features or unfeatures a published story (featured stories lead the live ticker).
pub async fn set_featured(db: &Db, id: i64, featured: bool, now: DateTime<Utc>) -> Result<(), DataError> {
    const SQL: &str = "UPDATE stories SET featured = $2, updated_at = $3 WHERE id = $1 AND status = 'published'";
    let _turn = db.write_turn().await;
    let changed =
        on_pool!(db, pool => sqlx::query(SQL).bind(id).bind(featured).bind(now).execute(pool).await.map(|done| done.rows_affected()))?;
    if changed == 0 {
        return Err(DataError::Refused("Only a published story can be featured.".into()));
    }
    Ok(())
}

/// What a story can be drafted from: the conversation's customer and their own messages.
pub struct StorySource {
    pub customer_id: i64,
    pub customer_name: String,
    pub subject: String,
    pub customer_messages: Vec<String>,
}

/// Which conversations a story may be drafted from, and so be read in the studio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftingReach {
    /// Staff who read the workspace anyway (admins) may start from any conversation.
    AnyConversation,
    /// Marketing reads no inbox: only story candidates (a resolved conversation whose
    /// customer's mood turned around, or a strongly healed journey's) and conversations that
    /// already have a story.
    StoryCandidates,
}

/// The conversation's customer and their messages. `NotFound` when the conversation does not
/// exist or is out of `reach`, so that nothing tells the two apart.
pub async fn source(db: &Db, conversation_id: i64, reach: DraftingReach) -> Result<StorySource, DataError> {
    if reach == DraftingReach::StoryCandidates && !is_story_candidate(db, conversation_id).await? {
        return Err(DataError::NotFound);
    }
    const CONVERSATION: &str =
        "SELECT c.customer_id, cu.name, c.subject FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1";
    const MESSAGES: &str =
        "SELECT body FROM messages WHERE conversation_id = $1 AND direction = 'inbound' ORDER BY created_at, id LIMIT 200";
    let (customer_id, customer_name, subject): (i64, String, String) =
        on_pool!(db, pool => sqlx::query_as(CONVERSATION).bind(conversation_id).fetch_optional(pool).await)?.ok_or(DataError::NotFound)?;
    let customer_messages = on_pool!(db, pool => sqlx::query_scalar(MESSAGES).bind(conversation_id).fetch_all(pool).await)?;
    Ok(StorySource { customer_id, customer_name, subject, customer_messages })
}

/// Whether marketing may draft a story from the conversation: it has a story already, or it
/// is a candidate by the rules the studio overview shows candidates by (whatever its age).
async fn is_story_candidate(db: &Db, conversation_id: i64) -> Result<bool, DataError> {
    const STORIES: &str = "SELECT COUNT(*) FROM stories WHERE conversation_id = $1";
    const TIMELINE: &str = "SELECT m.sentiment FROM conversations c \
         JOIN messages m ON m.conversation_id = c.id AND m.direction = 'inbound' AND m.sentiment IS NOT NULL \
         WHERE c.id = $1 AND c.status IN ('resolved', 'closed') ORDER BY m.created_at, m.id";
    let stories: i64 = on_pool!(db, pool => sqlx::query_scalar(STORIES).bind(conversation_id).fetch_one(pool).await)?;
    if stories > 0 {
        return Ok(true);
    }
    let timeline: Vec<f64> = on_pool!(db, pool => sqlx::query_scalar(TIMELINE).bind(conversation_id).fetch_all(pool).await)?;
    if crate::domain::stories::candidates::is_turnaround(&timeline) {
        return Ok(true);
    }
    let healed = super::journeys::healed_of_conversation(db, conversation_id).await?;
    Ok(healed.iter().any(crate::domain::journeys::candidates::is_story_candidate))
}

/// Resolved conversations since `since` that have no story yet, with the sentiment of each of
/// the customer's messages in order (at most `limit` conversations).
pub async fn resolved_timelines(
    db: &Db,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<crate::domain::stories::candidates::ResolvedTurnaround>, DataError> {
    const SQL: &str = "SELECT c.id, c.subject, cu.name, c.resolved_at, m.sentiment FROM \
         (SELECT c.id FROM conversations c LEFT JOIN stories s ON s.conversation_id = c.id \
          WHERE c.status IN ('resolved', 'closed') AND c.resolved_at >= $1 AND s.id IS NULL ORDER BY c.resolved_at DESC, c.id DESC LIMIT $2) recent \
         JOIN conversations c ON c.id = recent.id JOIN customers cu ON cu.id = c.customer_id \
         JOIN messages m ON m.conversation_id = c.id AND m.direction = 'inbound' AND m.sentiment IS NOT NULL \
         ORDER BY c.resolved_at DESC, c.id, m.created_at, m.id";
    let rows: Vec<(i64, String, String, DateTime<Utc>, f64)> =
        on_pool!(db, pool => sqlx::query_as(SQL).bind(since).bind(limit).fetch_all(pool).await)?;
    let mut found: Vec<crate::domain::stories::candidates::ResolvedTurnaround> = Vec::new();
    for (id, subject, customer_name, resolved_at, sentiment) in rows {
        match found.last_mut() {
            Some(last) if last.conversation_id == id => last.timeline.push(sentiment),
            _ => found.push(crate::domain::stories::candidates::ResolvedTurnaround {
                conversation_id: id,
                subject,
                customer_name,
                resolved_at,
                timeline: vec![sentiment],
            }),
        }
    }
    Ok(found)
}
