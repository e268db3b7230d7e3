//! Server functions of a person's own account page.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::model::Viewer;
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
}

#[server(prefix = "/api", endpoint = "account/overview")]
pub async fn load_account_overview() -> Result<AccountOverview, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::data::{sessions, users};
    let viewer = require(Access::SignedIn).await?;
    let db = crate::state::app_state()?.db;
    let user = users::find_by_id(&db, viewer.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let sessions = sessions::list_for_user(&db, viewer.user_id, Utc::now())
        .await?
        .into_iter()
        .map(|s| ActiveSession {
            started_at: s.created_at,
            device: s
                .user_agent
                .as_deref()
                .map(super::device::describe)
                .unwrap_or_else(|| "Unknown device".to_string()),
        })
        .collect();
    Ok(AccountOverview {
        viewer,
        member_since: user.created_at,
        sessions,
    })
}
