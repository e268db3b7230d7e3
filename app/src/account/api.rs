//! Server functions of a person's own account page.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::accounts::Viewer;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActiveSession {
    pub started_at: DateTime<Utc>,
    pub device: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub viewer: Viewer,
    pub member_since: DateTime<Utc>,
    pub sessions: Vec<ActiveSession>,
    /// A customer in their first days: their page welcomes them with stories and the
    /// happiness strip (decided on the server: the WASM client has no clock of its own).
    pub welcome: Option<Welcome>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Welcome {
    pub stats: crate::domain::community::model::PortalStats,
    pub stories: Vec<crate::domain::stories::model::StoryCard>,
}

/// New members see how others were helped for their first days.
pub const WELCOME_DAYS: i64 = 14;

#[server(prefix = "/api", endpoint = "account/overview")]
pub async fn load_account_overview() -> Result<AccountOverview, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::data::{sessions, users};
    let viewer = require(Access::SignedIn).await?;
    let db = crate::state::app_state()?.db;
    let user = users::find_by_id(&db, viewer.user_id).await?.ok_or_else(AppError::sign_in)?;
    let sessions = sessions::list_for_user(&db, viewer.user_id, Utc::now())
        .await?
        .into_iter()
        .map(|s| ActiveSession {
            started_at: s.created_at,
            device: s.user_agent.as_deref().map(super::device::describe).unwrap_or_else(|| "Unknown device".to_string()),
        })
        .collect();
    let state = crate::state::app_state()?;
    let welcome = if viewer.role == crate::domain::accounts::Role::Customer
        && Utc::now() - user.created_at < chrono::Duration::days(WELCOME_DAYS)
    {
        Some(Welcome {
            stats: crate::portal::forum::api::portal_stats(&state).await?,
            stories: crate::data::stories::published_cards(&db, i64::from(crate::portal::stories::public_pages::TICKER_STORIES)).await?,
        })
    } else {
        None
    };
    Ok(AccountOverview { welcome, viewer, member_since: user.created_at, sessions })
}
