//! Server functions of outgoing messages (agents and admins).

use leptos::prelude::*;

use crate::error::AppError;

/// Sends a message that did not reach the customer once more, the way its channel sends.
/// Works as a plain form post.
#[server(prefix = "/api", endpoint = "channels/send_again")]
pub async fn send_again(message_id: i64) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::domain::accounts::WORKSPACE_ROLES;
    let outcome: Result<String, AppError> = async {
        require(Access::Roles(WORKSPACE_ROLES)).await?;
        let state = crate::state::app_state()?;
        let (_, conversation_id) = crate::channels::replies::send_again(&state.db, message_id, state.mail_transport, chrono::Utc::now())
            .await
            .map_err(AppError::not_found_as("No message that Rapport delivers has this id."))?;
        state.realtime.publish(crate::domain::workspace::InboxChange::Update, conversation_id);
        Ok(format!("/workspace/c/{conversation_id}#message-{message_id}"))
    }
    .await;
    finish_form(outcome)
}

/// A click on a rating link: records (or, within the week, changes) the rating. No sign-in:
/// the signed token is the customer's proof.
#[server(prefix = "/api", endpoint = "channels/rate")]
pub async fn rate(token: String, score: i64) -> Result<crate::domain::channels::ratings::RatingView, AppError> {
    let state = crate::state::app_state()?;
    let signer = crate::channels::rating_requests::LinkSigner { secret: &state.security.secret, public_url: &state.public_url };
    crate::channels::rating_requests::rate(&state.ingestion(), &signer, &token, score, None, chrono::Utc::now()).await
}

/// The comment box on the thank-you page. Works as a plain form post.
#[server(prefix = "/api", endpoint = "channels/rate_comment")]
pub async fn rate_comment(token: String, score: i64, comment: String) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        let state = crate::state::app_state()?;
        let signer = crate::channels::rating_requests::LinkSigner { secret: &state.security.secret, public_url: &state.public_url };
        let view =
            crate::channels::rating_requests::rate(&state.ingestion(), &signer, &token, score, Some(&comment), chrono::Utc::now()).await?;
        if let Some(refused) = view.refused {
            return Err(AppError::Conflict(refused));
        }
        Ok(format!("/rate/{token}/{score}?commented=1"))
    }
    .await;
    finish_form(outcome)
}
