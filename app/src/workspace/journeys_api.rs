//! Server functions for journeys on the conversation page: give the values a step needs
//! (what changed, who signs), pause and resume. Staff only; the journey must be the
//! conversation's.

use leptos::prelude::*;

use crate::error::AppError;

/// Longest "what changed" text, in characters.
pub const MAX_WHAT_CHANGED_CHARS: usize = 500;
/// Longest signature on a journey's messages, in characters.
pub const MAX_AGENT_NAME_CHARS: usize = 100;

#[cfg(feature = "ssr")]
async fn journey_of(
    db: &crate::data::Db,
    journey_id: i64,
    conversation_id: i64,
) -> Result<crate::domain::journeys::model::JourneyView, AppError> {
    let journey = crate::data::journeys::of_conversation(db, conversation_id)
        .await?
        .filter(|journey| journey.id == journey_id)
        .ok_or_else(|| AppError::NotFound("This conversation has no such journey.".into()))?;
    if !journey.is_open() {
        return Err(AppError::invalid("journey", "This journey has ended; it can no longer change."));
    }
    Ok(journey)
}

/// Sets what changed and who signs the journey's messages; held steps go out on the next pass.
#[server(prefix = "/api", endpoint = "journeys/personalize")]
pub async fn personalize_journey(conversation_id: i64, journey_id: i64, what_changed: String, agent_name: String) -> Result<(), AppError> {
    crate::workspace::api::conversation_action(conversation_id, |db, _| async move {
        let (what_changed, agent_name) = (what_changed.trim(), agent_name.trim());
        if what_changed.chars().count() > MAX_WHAT_CHANGED_CHARS {
            return Err(AppError::invalid("what_changed", format!("Keep it under {MAX_WHAT_CHANGED_CHARS} characters.")));
        }
        if agent_name.chars().count() > MAX_AGENT_NAME_CHARS {
            return Err(AppError::invalid("agent_name", format!("Keep the name under {MAX_AGENT_NAME_CHARS} characters.")));
        }
        let mut values = journey_of(&db, journey_id, conversation_id).await?.values;
        values.what_changed = what_changed.to_string();
        values.agent_name = agent_name.to_string();
        crate::data::journeys::personalize(&db, journey_id, &values).await?;
        Ok(true)
    })
    .await
}

/// Pauses (`paused` = "yes") or resumes a journey.
#[server(prefix = "/api", endpoint = "journeys/pause")]
pub async fn pause_journey(conversation_id: i64, journey_id: i64, paused: String) -> Result<(), AppError> {
    crate::workspace::api::conversation_action(conversation_id, |db, _| async move {
        journey_of(&db, journey_id, conversation_id).await?;
        crate::data::journeys::set_paused(&db, journey_id, paused == "yes").await?;
        Ok(true)
    })
    .await
}

/// The ranges the KPI page offers, in days.
pub const KPI_RANGES: [i64; 4] = [7, 30, 90, 365];

/// Journey KPIs over the last `days` days (journeys started in that range).
#[server(prefix = "/api", endpoint = "journeys/kpis")]
pub async fn journey_kpis(days: i64) -> Result<crate::domain::journeys::kpis::JourneyKpis, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::domain::accounts::Role;
    const KPI_ROLES: &[Role] = &[Role::Agent, Role::Marketing, Role::Admin];
    require(Access::Roles(KPI_ROLES)).await?;
    if !KPI_RANGES.contains(&days) {
        return Err(AppError::invalid("days", "Choose a range of 7, 30, 90 or 365 days."));
    }
    let db = crate::state::app_state()?.db;
    let now = chrono::Utc::now();
    let from = now - chrono::Duration::days(days);
    let records = crate::data::journeys::records(&db, from, now).await?;
    let comparison = crate::data::journeys::never_at_risk(&db, from, now).await?;
    Ok(crate::domain::journeys::kpis::kpis(&records, comparison, now))
}

/// Starts a journey for the conversation by hand (an agent saw a disappointment the risk
/// score missed), from the chosen template (`template_id` empty: the default one).
#[server(prefix = "/api", endpoint = "journeys/start")]
pub async fn start_journey(conversation_id: i64, #[server(default)] template_id: String) -> Result<(), AppError> {
    crate::workspace::api::conversation_action(conversation_id, |db, _| async move {
        if crate::data::conversations::customer_of(&db, conversation_id).await?.is_none() {
            return Ok(false);
        }
        let template_id = match template_id.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| AppError::invalid("template_id", "Choose one of the listed templates."))?),
        };
        let started = crate::journeys::starts::start_for_conversations(&db, &[conversation_id], template_id, chrono::Utc::now())
            .await
            .map_err(|error| match error {
                crate::data::DataError::NotFound => AppError::invalid("template_id", "That template no longer exists; choose another."),
                other => other.into(),
            })?;
        if started.is_empty() {
            return Err(AppError::invalid("journey", "A recovery journey is already running for this conversation."));
        }
        Ok(true)
    })
    .await
}

/// Replaces the text of a step that has not gone out yet.
#[server(prefix = "/api", endpoint = "journeys/edit_step")]
pub async fn edit_journey_step(conversation_id: i64, journey_id: i64, position: i64, body: String) -> Result<(), AppError> {
    crate::workspace::api::conversation_action(conversation_id, |db, _| async move {
        use crate::domain::journeys::templates::MAX_BODY_CHARS;
        let body = body.trim();
        if body.chars().count() > MAX_BODY_CHARS {
            return Err(AppError::invalid("body", format!("Keep the text under {MAX_BODY_CHARS} characters.")));
        }
        crate::domain::journeys::check_step_text(position.max(1) as usize, body)
            .map_err(|problem| AppError::invalid("body", capitalized(&problem.to_string())))?;
        journey_of(&db, journey_id, conversation_id).await?;
        crate::data::journeys::edit_step(&db, journey_id, position, body).await.map_err(step_gone)?;
        Ok(true)
    })
    .await
}

/// Skips a step that has not gone out yet.
#[server(prefix = "/api", endpoint = "journeys/skip_step")]
pub async fn skip_journey_step(conversation_id: i64, journey_id: i64, position: i64) -> Result<(), AppError> {
    crate::workspace::api::conversation_action(conversation_id, |db, _| async move {
        journey_of(&db, journey_id, conversation_id).await?;
        crate::data::journeys::skip_step(&db, journey_id, position).await.map_err(step_gone)?;
        Ok(true)
    })
    .await
}

#[cfg(feature = "ssr")]
fn step_gone(error: crate::data::DataError) -> AppError {
    match error {
        crate::data::DataError::NotFound => {
            AppError::Conflict("This step has already gone out or was skipped; it can no longer change.".into())
        }
        other => other.into(),
    }
}

/// "step 2: the text is empty" → "Step 2: the text is empty".
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
