//! Server functions of the agent workspace (agents and admins only).

use leptos::prelude::*;

use super::model::{ConversationPage, InboxPage};
use crate::error::AppError;

pub const INBOX_PAGE_SIZE: i64 = 50;

#[server(prefix = "/api", endpoint = "workspace/inbox")]
pub async fn inbox(page: i64) -> Result<InboxPage, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::model::WORKSPACE_ROLES;
    use crate::data::conversations;
    let viewer = require(Access::Roles(WORKSPACE_ROLES)).await?;
    if page < 1 {
        return Err(AppError::invalid("page", "Page numbers start at 1."));
    }
    let db = crate::state::app_state()?.db;
    let mut rows =
        conversations::inbox(&db, INBOX_PAGE_SIZE + 1, (page - 1) * INBOX_PAGE_SIZE).await?;
    let has_more = rows.len() as i64 > INBOX_PAGE_SIZE;
    rows.truncate(INBOX_PAGE_SIZE as usize);
    let counts = conversations::inbox_counts(&db, viewer.user_id).await?;
    Ok(InboxPage {
        now: chrono::Utc::now(),
        counts,
        rows,
        page,
        has_more,
    })
}

#[server(prefix = "/api", endpoint = "workspace/conversation")]
pub async fn conversation(id: i64) -> Result<ConversationPage, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::model::WORKSPACE_ROLES;
    require(Access::Roles(WORKSPACE_ROLES)).await?;
    let db = crate::state::app_state()?.db;
    crate::data::conversations::page(&db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("This conversation does not exist.".into()))
}
