//! Server functions that write to the forum: threads, replies, reactions, accepted answers,
//! flags and moderation. Each checks the caller, validates, calls the data layer (which
//! enforces the rules) and sends a browser without JavaScript back to the page.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::domain::community::{BODY_CHARS, FLAG_REASON_MAX_CHARS, TITLE_CHARS};

/// Checks a length in characters, with the message a person needs to fix it.
pub fn check_length(field: &str, label: &str, value: &str, (min, max): (usize, usize)) -> Result<(), AppError> {
    let chars = value.trim().chars().count();
    if chars < min {
        return Err(AppError::invalid(
            field,
            if chars == 0 { format!("{label} is empty.") } else { format!("{label} is too short: at least {min} characters, please.") },
        ));
    }
    if chars > max {
        return Err(AppError::invalid(field, format!("{label} is too long: at most {max} characters (it has {chars}).")));
    }
    Ok(())
}

/// The text of a post for a quote in a reply: every line prefixed with `> `.
pub fn quote(author: &str, markdown: &str) -> String {
    let quoted: Vec<String> = markdown.lines().map(|line| if line.is_empty() { ">".to_string() } else { format!("> {line}") }).collect();
    format!("> **{author}** wrote:\n>\n{}\n\n", quoted.join("\n"))
}

#[cfg(feature = "ssr")]
async fn signed_in_writer() -> Result<(crate::state::AppState, crate::domain::accounts::Viewer), AppError> {
    use crate::auth::guard::{require, Access};
    let viewer = require(Access::SignedIn).await?;
    Ok((crate::state::app_state()?, viewer))
}

#[cfg(feature = "ssr")]
pub(crate) async fn staff_moderator() -> Result<crate::data::Db, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::domain::accounts::Role;
    require(Access::Roles(&[Role::Agent, Role::Marketing, Role::Admin])).await?;
    Ok(crate::state::app_state()?.db)
}

/// Starts a thread in a category; the browser goes to the new thread.
#[server(prefix = "/api", endpoint = "community/start_thread")]
pub async fn start_thread(category: String, title: String, kind: String, body: String) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    use crate::data::forum_posting::{create_thread, HoldFirstPosts, NewThreadPost};
    finish_form(
        async {
            let (state, viewer) = signed_in_writer().await?;
            check_length("title", "The title", &title, TITLE_CHARS)?;
            check_length("body", "The post", &body, BODY_CHARS)?;
            if !crate::domain::community::model::THREAD_KINDS.iter().any(|(key, _)| *key == kind) {
                return Err(AppError::invalid("kind", "Choose question, discussion or experience."));
            }
            let category = crate::data::community::category_by_slug(&state.db, &category)
                .await?
                .ok_or_else(|| AppError::invalid("category", "Choose one of the forum's categories."))?;
            state.security.posting_limit.check(viewer.user_id, "posts")?;
            let (thread_id, posted) = create_thread(
                &state.db,
                &NewThreadPost {
                    category_id: category.id,
                    author_user_id: viewer.user_id,
                    title: title.trim(),
                    kind: &kind,
                    body_markdown: body.trim(),
                    is_staff: viewer.role.is_staff(),
                    at: chrono::Utc::now(),
                },
                HoldFirstPosts(state.security.hold_first_posts),
            )
            .await?;
            // A held question still reaches the agents: the customer needs help either way.
            if kind == "question" {
                bridge_to_inbox(&state, &viewer, thread_id, posted.post_id, None, title.trim(), body.trim()).await;
            }
            Ok(if posted.held { format!("/forum/t/{thread_id}?held={}", posted.post_id) } else { format!("/forum/t/{thread_id}") })
        }
        .await,
    )
}

/// Replies in a thread; the browser goes to the new post.
#[server(prefix = "/api", endpoint = "community/reply")]
pub async fn reply_to_thread(thread_id: i64, body: String) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    finish_form(
        async {
            let (state, viewer) = signed_in_writer().await?;
            check_length("body", "The reply", &body, BODY_CHARS)?;
            state.security.posting_limit.check(viewer.user_id, "posts")?;
            let posted = crate::data::forum_posting::add_post(
                &state.db,
                thread_id,
                viewer.user_id,
                body.trim(),
                viewer.role.is_staff(),
                chrono::Utc::now(),
                crate::data::forum_posting::HoldFirstPosts(state.security.hold_first_posts),
            )
            .await
            .map_err(AppError::not_found_as("This thread does not exist."))?;
            // The asker's follow-ups reach the agent handling their question.
            if let Ok(Some((conversation_id, Some(author)))) = crate::data::forum_posting::bridge_of_thread(&state.db, thread_id).await {
                if author == viewer.user_id {
                    bridge_to_inbox(&state, &viewer, thread_id, posted.post_id, Some(conversation_id), "", body.trim()).await;
                }
            }
            let post_id = posted.post_id;
            Ok(if posted.held {
                format!("/forum/t/{thread_id}?held={post_id}#post-{post_id}")
            } else {
                format!("/forum/t/{thread_id}#post-{post_id}")
            })
        }
        .await,
    )
}

/// A customer's forum question (and their follow-ups) goes to the agent inbox as a forum
/// conversation, scored like any message. The post stands even if this fails (logged).
#[cfg(feature = "ssr")]
async fn bridge_to_inbox(
    state: &crate::state::AppState,
    viewer: &crate::domain::accounts::Viewer,
    thread_id: i64,
    post_id: i64,
    conversation_id: Option<i64>,
    subject: &str,
    body: &str,
) {
    use crate::ingestion::{ingest_from_portal, MessageIn};
    let outcome = async {
        let Some(customer_id) = crate::data::customers::id_by_user(&state.db, viewer.user_id).await? else {
            return Ok(None); // staff questions are not customer conversations
        };
        let request = MessageIn {
            idempotency_key: format!("forum-post-{post_id}"),
            customer_ref: format!("portal-user-{}", viewer.user_id),
            conversation_id,
            subject: conversation_id.is_none().then(|| subject.to_string()),
            channel: crate::domain::channels::Channel::Forum.key().into(),
            direction: crate::domain::channels::Direction::Inbound.key().into(),
            body: body.to_string(),
            sent_at: None,
        };
        let ingested = ingest_from_portal(&state.ingestion(), customer_id, request).await?;
        if conversation_id.is_none() {
            crate::data::forum_posting::link_conversation(&state.db, thread_id, ingested.conversation_id).await?;
        }
        Ok::<_, AppError>(Some(ingested.conversation_id))
    }
    .await;
    match outcome {
        Ok(_) => {}
        Err(error) => {
            tracing::error!(%error, thread_id, "could not bring a forum question to the inbox")
        }
    }
}

/// Gives or takes back a reaction ("helped" or "heart") on a post.
#[server(prefix = "/api", endpoint = "community/react")]
pub async fn react_to_post(thread_id: i64, post_id: i64, kind: String) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    finish_form(
        async {
            let (state, viewer) = signed_in_writer().await?;
            if kind != "helped" && kind != "heart" {
                return Err(AppError::invalid("kind", "React with \"helped me\" or a heart."));
            }
            crate::data::forum_posting::toggle_reaction(&state.db, post_id, viewer.user_id, &kind, chrono::Utc::now())
                .await
                .map_err(|_| AppError::NotFound("This post is not available.".into()))?;
            Ok(format!("/forum/t/{thread_id}#post-{post_id}"))
        }
        .await,
    )
}

/// Marks a reply as the accepted answer (the thread's author or staff).
#[server(prefix = "/api", endpoint = "community/accept")]
pub async fn accept_answer(thread_id: i64, post_id: i64) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    use crate::data::forum_posting::Acceptor;
    finish_form(
        async {
            let (state, viewer) = signed_in_writer().await?;
            let by = if viewer.role.is_staff() { Acceptor::Staff } else { Acceptor::User(viewer.user_id) };
            crate::data::forum_posting::accept_answer(&state.db, thread_id, post_id, by).await.map_err(|error| match error {
                crate::data::DataError::Conflict(why) => AppError::Forbidden(why),
                crate::data::DataError::NotFound => AppError::NotFound("Only a visible reply in this thread can be accepted.".into()),
                other => other.into(),
            })?;
            Ok(format!("/forum/t/{thread_id}#post-{post_id}"))
        }
        .await,
    )
}

/// Reports a post to the moderators.
#[server(prefix = "/api", endpoint = "community/flag")]
pub async fn flag_post(thread_id: i64, post_id: i64, reason: String) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    finish_form(
        async {
            let (state, viewer) = signed_in_writer().await?;
            check_length("reason", "The reason", &reason, (3, FLAG_REASON_MAX_CHARS))?;
            crate::data::forum_posting::flag_post(&state.db, post_id, viewer.user_id, reason.trim(), chrono::Utc::now())
                .await
                .map_err(AppError::not_found_as("This post is not available."))?;
            Ok(format!("/forum/t/{thread_id}?flagged={post_id}#post-{post_id}"))
        }
        .await,
    )
}

/// Staff hide a post (it disappears for everyone else) or restore it.
#[server(prefix = "/api", endpoint = "community/moderate_post")]
pub async fn moderate_post(post_id: i64, hide: bool) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    finish_form(
        async {
            let db = staff_moderator().await?;
            let thread_id = crate::data::forum_posting::set_post_hidden(&db, post_id, hide, chrono::Utc::now())
                .await
                .map_err(|_| AppError::NotFound("This post does not exist.".into()))?;
            Ok(format!("/forum/t/{thread_id}"))
        }
        .await,
    )
}

/// Staff lock, unlock, pin, unpin, or move a thread (`category` for "move").
#[server(prefix = "/api", endpoint = "community/moderate_thread")]
pub async fn moderate_thread(thread_id: i64, change: String, category: String) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    use crate::data::forum_posting::{change_thread, ThreadChange};
    finish_form(
        async {
            let db = staff_moderator().await?;
            let change = match change.as_str() {
                "lock" => ThreadChange::Lock,
                "unlock" => ThreadChange::Unlock,
                "pin" => ThreadChange::Pin(true),
                "unpin" => ThreadChange::Pin(false),
                "move" => ThreadChange::MoveTo(category.as_str()),
                _ => return Err(AppError::invalid("change", "Choose lock, unlock, pin, unpin or move.")),
            };
            change_thread(&db, thread_id, change)
                .await
                .map_err(|_| AppError::NotFound("This thread or category does not exist.".into()))?;
            Ok(format!("/forum/t/{thread_id}"))
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_prefix_every_line() {
        assert_eq!(quote("Ana", "one\n\ntwo"), "> **Ana** wrote:\n>\n> one\n>\n> two\n\n");
    }

    #[test]
    fn lengths_are_explained() {
        assert!(check_length("title", "The title", "How do I export?", TITLE_CHARS).is_ok());
        let short = check_length("title", "The title", "  Hi ", TITLE_CHARS).unwrap_err();
        assert_eq!(short.to_string(), "The title is too short: at least 8 characters, please.");
        let empty = check_length("body", "The post", " \n ", BODY_CHARS).unwrap_err();
        assert_eq!(empty.to_string(), "The post is empty.");
        let long = check_length("title", "The title", &"x".repeat(151), TITLE_CHARS).unwrap_err();
        assert_eq!(long.to_string(), "The title is too long: at most 150 characters (it has 151).");
    }
}
