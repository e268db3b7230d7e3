//! Server functions of the agent workspace (agents and admins only).

use leptos::prelude::*;

use crate::domain::workspace::{ConversationPage, InboxFilter, InboxPage};
#[cfg(feature = "ssr")]
use crate::domain::workspace::{MAX_REPLY_CHARS, MAX_SUMMARY_CHARS, PRIORITIES};
use crate::error::AppError;

pub const INBOX_PAGE_SIZE: i64 = 50;

#[server(prefix = "/api", endpoint = "workspace/inbox")]
pub async fn inbox(#[server(default)] filter: InboxFilter, page: i64) -> Result<InboxPage, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::data::conversations;
    use crate::domain::accounts::WORKSPACE_ROLES;
    let viewer = require(Access::Roles(WORKSPACE_ROLES)).await?;
    if page < 1 {
        return Err(AppError::invalid("page", "Page numbers start at 1."));
    }
    let query = filter.parse().map_err(|(field, problem)| AppError::invalid(field, problem))?;
    let db = crate::state::app_state()?.db;
    let mut rows = conversations::inbox(&db, &query, viewer.user_id, INBOX_PAGE_SIZE + 1, (page - 1) * INBOX_PAGE_SIZE).await?;
    let has_more = rows.len() as i64 > INBOX_PAGE_SIZE;
    rows.truncate(INBOX_PAGE_SIZE as usize);
    let (counts, filter_counts) = conversations::inbox_facets(&db, viewer.user_id).await?;
    let unfiltered = filter == InboxFilter::default();
    let matching =
        if unfiltered { counts.open + counts.pending } else { conversations::inbox_matching(&db, &query, viewer.user_id).await? };
    Ok(InboxPage { now: chrono::Utc::now(), counts, filter_counts, filter, matching, rows, page, has_more })
}

#[server(prefix = "/api", endpoint = "workspace/conversation")]
pub async fn conversation(id: i64) -> Result<ConversationPage, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::domain::accounts::WORKSPACE_ROLES;
    require(Access::Roles(WORKSPACE_ROLES)).await?;
    crate::workspace::service::conversation_page(&crate::state::app_state()?, id).await
}

/// Runs a conversation action for staff and sends the browser back to the conversation.
#[cfg(feature = "ssr")]
pub(crate) async fn conversation_action<F, Fut>(conversation_id: i64, action: F) -> Result<(), AppError>
where
    F: FnOnce(crate::data::Db, crate::domain::accounts::Viewer) -> Fut,
    Fut: std::future::Future<Output = Result<bool, AppError>>,
{
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::domain::accounts::WORKSPACE_ROLES;
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::Roles(WORKSPACE_ROLES)).await?;
        let state = crate::state::app_state()?;
        if action(state.db.clone(), viewer).await? {
            state.realtime.publish(crate::domain::workspace::InboxChange::Update, conversation_id);
            Ok(format!("/workspace/c/{conversation_id}"))
        } else {
            Err(AppError::NotFound("This conversation does not exist.".into()))
        }
    }
    .await;
    finish_form(outcome)
}

/// Adds an internal note (never sent to the customer).
#[server(prefix = "/api", endpoint = "workspace/add_note")]
pub async fn add_note(conversation_id: i64, body: String) -> Result<(), AppError> {
    conversation_action(conversation_id, |db, viewer| async move {
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::invalid("body", "Write the note before saving it."));
        }
        if body.chars().count() > MAX_REPLY_CHARS {
            return Err(AppError::invalid("body", format!("Notes can be at most {MAX_REPLY_CHARS} characters.")));
        }
        Ok(crate::data::conversations::add_note(&db, conversation_id, viewer.user_id, body, chrono::Utc::now()).await?)
    })
    .await
}

/// Assigns the conversation: `assignee` is a staff id, "me", or empty to unassign.
#[server(prefix = "/api", endpoint = "workspace/assign")]
pub async fn assign_conversation(conversation_id: i64, assignee: String) -> Result<(), AppError> {
    conversation_action(conversation_id, |db, viewer| async move {
        let assignee_id = match assignee.trim() {
            "" => None,
            "me" => Some(viewer.user_id),
            other => Some(other.parse::<i64>().map_err(|_| AppError::invalid("assignee", "Choose someone from the list."))?),
        };
        crate::data::conversations::assign(&db, conversation_id, assignee_id).await.map_err(|error| match error {
            crate::data::DataError::NotFound => AppError::invalid("assignee", "Only agents and admins can take conversations."),
            other => other.into(),
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "workspace/set_priority")]
pub async fn set_priority(conversation_id: i64, priority: String) -> Result<(), AppError> {
    conversation_action(conversation_id, |db, _| async move {
        if !PRIORITIES.contains(&priority.as_str()) {
            return Err(AppError::invalid("priority", format!("Priority must be one of: {}.", PRIORITIES.join(", "))));
        }
        Ok(crate::data::conversations::set_priority(&db, conversation_id, &priority).await?)
    })
    .await
}

/// Resolves with a short summary; optionally asks the customer for a rating.
#[server(prefix = "/api", endpoint = "workspace/resolve")]
pub async fn resolve_conversation(conversation_id: i64, summary: String, ask_csat: Option<String>) -> Result<(), AppError> {
    conversation_action(conversation_id, |db, viewer| async move {
        let summary = summary.trim();
        if summary.is_empty() {
            return Err(AppError::invalid("summary", "Write a short resolution summary: what was wrong and what fixed it."));
        }
        let length = summary.chars().count();
        if length > MAX_SUMMARY_CHARS {
            return Err(AppError::invalid("summary", format!("Keep the summary under {MAX_SUMMARY_CHARS} characters (it has {length}).")));
        }
        let now = chrono::Utc::now();
        let resolved = if ask_csat.is_some() {
            let state = crate::state::app_state()?;
            let signer = crate::channels::rating_requests::LinkSigner { secret: &state.security.secret, public_url: &state.public_url };
            crate::channels::rating_requests::resolve_asking(
                &db,
                &signer,
                conversation_id,
                (viewer.user_id, &viewer.display_name),
                summary,
                state.mail_transport,
                now,
            )
            .await?
            .is_some()
        } else {
            crate::data::conversations::resolve(&db, conversation_id, summary, now).await?
        };
        if resolved {
            crate::webhooks::emit(
                &db,
                crate::domain::webhooks::WebhookEvent::ConversationResolved,
                serde_json::json!({"conversation_id": conversation_id, "summary": summary}),
            )
            .await;
        } else if crate::data::conversations::is_resolved(&db, conversation_id).await? {
            return Err(AppError::Conflict("This conversation is already resolved (the customer's next message reopens it).".into()));
        }
        Ok(resolved)
    })
    .await
}

/// Sends an agent's reply in a conversation. Works as a plain form post too.
/// `tone_flags_seen` names the tone-check flags the agent saw while writing (the browser's
/// check); the flags still in the sent text are checked here, and both are kept for coaching.
#[server(prefix = "/api", endpoint = "workspace/send_reply")]
pub async fn send_reply(conversation_id: i64, body: String, #[server(default)] tone_flags_seen: String) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::domain::accounts::WORKSPACE_ROLES;
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::Roles(WORKSPACE_ROLES)).await?;
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::invalid("body", "Write a reply before sending."));
        }
        let length = body.chars().count();
        if length > MAX_REPLY_CHARS {
            return Err(AppError::invalid("body", format!("Replies can be at most {MAX_REPLY_CHARS} characters; this one has {length}.")));
        }
        let seen =
            crate::domain::coaching::stored_flags(&tone_flags_seen).map_err(|message| AppError::invalid("tone_flags_seen", message))?;
        crate::workspace::service::send_reply(&crate::state::app_state()?, &viewer, conversation_id, body, &seen).await?;
        Ok(format!("/workspace/c/{conversation_id}"))
    }
    .await;
    finish_form(outcome)
}
