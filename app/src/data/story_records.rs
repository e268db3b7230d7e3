//! A story as the studio and the consent ledger both read it: the story, its customer, and the
//! newest consent record for its current version.

use chrono::{DateTime, Utc};

use super::{on_pool, DataError, Db};
use crate::domain::stories::consent::Decision;
use crate::domain::stories::draft::StoryDraft;
use crate::domain::stories::model::{ConsentEntry, Publication, StoryDetail};

/// Joins `r`, the newest ledger record for each story `s`'s current version.
pub(crate) const LATEST_CONSENT_JOIN: &str = "LEFT JOIN consent_records r ON r.id = (SELECT MAX(x.id) FROM consent_records x \
     WHERE x.subject_kind = 'story' AND x.subject_id = s.id AND x.subject_version = s.version) ";

#[derive(sqlx::FromRow)]
pub(crate) struct StoryRecord {
    id: i64,
    customer_id: i64,
    customer_name: String,
    conversation_id: Option<i64>,
    title: String,
    narrative: String,
    resolution: String,
    quotes: String,
    naming: String,
    version: i64,
    #[sqlx(try_from = "String")]
    status: Publication,
    featured: bool,
    published_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    consent_decision: Option<String>,
    consent_channel: Option<String>,
    consent_text: Option<String>,
    consent_at: Option<DateTime<Utc>>,
}

/// Stories with their customer and the newest ledger record for their current version.
pub(crate) const SELECT_STORY: &str = "SELECT s.id, s.customer_id, c.name AS customer_name, s.conversation_id, s.title, s.narrative, \
     s.resolution, s.quotes, s.naming, s.version, s.status, s.featured, s.published_at, s.updated_at, \
     r.decision AS consent_decision, r.channel AS consent_channel, r.text_shown AS consent_text, r.recorded_at AS consent_at \
     FROM stories s JOIN customers c ON c.id = s.customer_id ";

impl StoryRecord {
    pub(crate) fn into_detail(self) -> StoryDetail {
        let consent = match (self.consent_decision.as_deref().and_then(Decision::parse), self.consent_at) {
            (Some(decision), Some(recorded_at)) => Some(ConsentEntry {
                decision,
                version: self.version,
                channel: self.consent_channel.unwrap_or_default(),
                text_shown: self.consent_text.unwrap_or_default(),
                recorded_at,
            }),
            _ => None,
        };
        StoryDetail {
            id: self.id,
            customer_id: self.customer_id,
            customer_name: self.customer_name,
            conversation_id: self.conversation_id,
            draft: StoryDraft {
                title: self.title,
                narrative: self.narrative,
                resolution: self.resolution,
                quotes: serde_json::from_str(&self.quotes).unwrap_or_default(),
                naming: self.naming,
            },
            version: self.version,
            status: self.status,
            featured: self.featured,
            published_at: self.published_at,
            updated_at: self.updated_at,
            consent,
        }
    }
}

pub async fn story(db: &Db, id: i64) -> Result<StoryDetail, DataError> {
    let sql = format!("{SELECT_STORY}{LATEST_CONSENT_JOIN} WHERE s.id = $1");
    let record = on_pool!(db, pool => sqlx::query_as::<_, StoryRecord>(&sql).bind(id).fetch_optional(pool).await)?;
    record.map(StoryRecord::into_detail).ok_or(DataError::NotFound)
}
