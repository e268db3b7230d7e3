//! Server functions of the agent workspace (agents and admins only).

use leptos::prelude::*;

use super::model::{ConversationPage, InboxFilter, InboxPage};
use crate::error::AppError;

pub const INBOX_PAGE_SIZE: i64 = 50;

#[server(prefix = "/api", endpoint = "workspace/inbox")]
pub async fn inbox(filter: InboxFilter, page: i64) -> Result<InboxPage, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::model::WORKSPACE_ROLES;
    use crate::data::conversations;
    use crate::emotion::situation::Situation;
    let viewer = require(Access::Roles(WORKSPACE_ROLES)).await?;
    if page < 1 {
        return Err(AppError::invalid("page", "Page numbers start at 1."));
    }
    let allowed = |field: &str, value: &str, options: &[&str]| {
        if value.is_empty() || options.contains(&value) {
            Ok(())
        } else {
            Err(AppError::invalid(
                field,
                format!(
                    "Unknown {field} \"{value}\"; choose one of: {}.",
                    options.join(", ")
                ),
            ))
        }
    };
    allowed("status", &filter.status, &InboxFilter::STATUSES)?;
    allowed("channel", &filter.channel, &InboxFilter::CHANNELS)?;
    allowed("risk", &filter.risk, &InboxFilter::RISKS)?;
    allowed("assignee", &filter.assignee, &InboxFilter::ASSIGNEES)?;
    let situations: Vec<&str> = Situation::ALL.iter().map(|s| s.key()).collect();
    allowed("situation", &filter.situation, &situations)?;
    if filter.q.chars().count() > 200 {
        return Err(AppError::invalid("q", "Search for at most 200 characters."));
    }
    let db = crate::state::app_state()?.db;
    let mut rows = conversations::inbox(
        &db,
        &filter,
        viewer.user_id,
        INBOX_PAGE_SIZE + 1,
        (page - 1) * INBOX_PAGE_SIZE,
    )
    .await?;
    let has_more = rows.len() as i64 > INBOX_PAGE_SIZE;
    rows.truncate(INBOX_PAGE_SIZE as usize);
    let counts = conversations::inbox_counts(&db, viewer.user_id).await?;
    let filter_counts = conversations::filter_counts(&db).await?;
    let unfiltered = filter == InboxFilter::default();
    let matching = if unfiltered {
        counts.open + counts.pending
    } else {
        conversations::inbox_matching(&db, &filter, viewer.user_id).await?
    };
    Ok(InboxPage {
        now: chrono::Utc::now(),
        counts,
        filter_counts,
        filter,
        matching,
        rows,
        page,
        has_more,
    })
}

#[server(prefix = "/api", endpoint = "workspace/conversation")]
pub async fn conversation(id: i64) -> Result<ConversationPage, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::model::WORKSPACE_ROLES;
    use crate::emotion::{analyze, tone::ToneContext};
    require(Access::Roles(WORKSPACE_ROLES)).await?;
    let db = crate::state::app_state()?.db;
    let mut page = crate::data::conversations::page(&db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("This conversation does not exist.".into()))?;
    let latest: Vec<_> = page
        .messages
        .iter()
        .filter(|m| m.direction == "inbound")
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(|m| analyze(&m.body))
        .collect();
    page.tone_context = ToneContext::from_latest(&latest);
    page.guidance = latest.last().map(|a| a.guidance.clone());
    Ok(page)
}

/// Sends an agent's reply in a conversation. Works as a plain form post too.
#[server(prefix = "/api", endpoint = "workspace/send_reply")]
pub async fn send_reply(conversation_id: i64, body: String) -> Result<(), AppError> {
    use super::model::MAX_REPLY_CHARS;
    use crate::auth::guard::{require, Access};
    use crate::auth::model::WORKSPACE_ROLES;
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::Roles(WORKSPACE_ROLES)).await?;
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::invalid("body", "Write a reply before sending."));
        }
        let length = body.chars().count();
        if length > MAX_REPLY_CHARS {
            return Err(AppError::invalid(
                "body",
                &format!(
                    "Replies can be at most {MAX_REPLY_CHARS} characters; this one has {length}."
                ),
            ));
        }
        let db = crate::state::app_state()?.db;
        crate::data::conversations::add_reply(
            &db,
            conversation_id,
            viewer.user_id,
            body,
            chrono::Utc::now(),
        )
        .await?
        .ok_or_else(|| AppError::NotFound("This conversation does not exist.".into()))?;
        Ok(format!("/workspace/c/{conversation_id}"))
    }
    .await;
    finish_form(outcome)
}
