//! The coaching server function: an agent gets their own numbers; an admin (the lead) any
//! agent's, and the team's side by side.

use leptos::prelude::*;

use crate::domain::coaching::CoachingView;
use crate::error::AppError;

/// The ranges the coaching page offers, in days.
pub const COACHING_RANGES: [i64; 3] = [7, 30, 90];

#[server(prefix = "/api", endpoint = "coaching")]
pub async fn coaching(days: i64, #[server(default)] agent: String) -> Result<CoachingView, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::domain::accounts::{Role, WORKSPACE_ROLES};
    use crate::domain::coaching::{coaching_numbers, AgentCoaching};
    let viewer = require(Access::Roles(WORKSPACE_ROLES)).await?;
    if !COACHING_RANGES.contains(&days) {
        return Err(AppError::invalid("days", "Choose a range of 7, 30 or 90 days."));
    }
    let asked: Option<i64> = match agent.trim() {
        "" => None,
        id => Some(id.parse().map_err(|_| AppError::invalid("agent", "Choose an agent from the list."))?),
    };
    let lead = viewer.role == Role::Admin;
    if !lead && asked.is_some_and(|id| id != viewer.user_id) {
        return Err(AppError::Forbidden("Coaching numbers are private: you can see your own, and your lead can see the team's.".into()));
    }
    let db = crate::state::app_state()?.db;
    let to = chrono::Utc::now();
    let from = to - chrono::Duration::days(days);
    let people = crate::data::users::assignable(&db).await?;
    let numbers_of = |agent_id: i64, agent_name: String| {
        let db = db.clone();
        async move {
            let replies = crate::data::coaching::replies(&db, agent_id, from, to).await?;
            let (started, healed) = crate::data::coaching::journeys(&db, agent_id, from, to).await?;
            Ok::<_, AppError>(AgentCoaching { agent_id, agent_name, numbers: coaching_numbers(&replies, started, healed) })
        }
    };
    let focus_id = asked.unwrap_or(viewer.user_id);
    let focus_name = people
        .iter()
        .find(|person| person.id == focus_id)
        .map(|person| person.display_name.clone())
        .ok_or_else(|| AppError::NotFound("There is no agent with that id.".into()))?;
    let focus = numbers_of(focus_id, focus_name).await?;
    let mut team = Vec::new();
    if lead {
        for person in &people {
            team.push(numbers_of(person.id, person.display_name.clone()).await?);
        }
    }
    Ok(CoachingView { days, focus, team })
}
