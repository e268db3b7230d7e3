//! When a journey starts by itself: a conversation's risk reaches "high", or a customer
//! answers a CSAT request with a bad rating. One journey per conversation at a time (the
//! data layer refuses a second), so a repeated trigger changes nothing.

use chrono::{DateTime, Utc};

use crate::data::journeys::{self, NewJourney};
use crate::data::{journey_templates, DataError, Db};
use crate::domain::journeys::{plan, Personalization};

/// The issue a conversation's journey is about.
pub fn issue_key(conversation_id: i64) -> String {
    format!("conversation:{conversation_id}")
}

/// Starts a journey from `template_id` (the default template when `None`) for each
/// conversation that has none running (all in one transaction). The steps are signed by the
/// assigned agent; without one, they wait until an agent gives a name. Returns the journeys
/// started.
pub async fn start_for_conversations(
    db: &Db,
    conversation_ids: &[i64],
    template_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, DataError> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (template_id, template) = journey_templates::for_start(db, template_id).await?;
    let steps = plan(&template, now).map_err(|problem| DataError::Refused(problem.to_string()))?;
    let people = journeys::conversation_people(db, conversation_ids).await?;
    let prepared: Vec<(i64, i64, String, Personalization)> = people
        .into_iter()
        .map(|(conversation_id, customer_id, customer_name, subject, agent_name)| {
            let values = Personalization {
                customer_name,
                issue_summary: subject,
                what_changed: String::new(),
                agent_name: agent_name.unwrap_or_default(),
            };
            (conversation_id, customer_id, issue_key(conversation_id), values)
        })
        .collect();
    let new_journeys: Vec<NewJourney> = prepared
        .iter()
        .map(|(conversation_id, customer_id, key, values)| NewJourney {
            customer_id: *customer_id,
            conversation_id: Some(*conversation_id),
            template_id,
            issue_key: key,
            personalization: values,
            started_at: now,
        })
        .collect();
    Ok(journeys::start_many(db, &new_journeys, &steps).await?.into_iter().map(|(id, _)| id).collect())
}
