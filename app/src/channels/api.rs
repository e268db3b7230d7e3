//! Server functions of outgoing messages (agents and admins).

use leptos::prelude::*;

use crate::error::AppError;

/// Sends a message that did not reach the customer once more, the way its channel sends.
/// Works as a plain form post.
#[server(prefix = "/api", endpoint = "channels/send_again")]
pub async fn send_again(message_id: i64) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::model::WORKSPACE_ROLES;
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        require(Access::Roles(WORKSPACE_ROLES)).await?;
        let state = crate::state::app_state()?;
        let (_, conversation_id) = super::replies::send_again(&state.db, message_id, state.mail_transport, chrono::Utc::now())
            .await
            .map_err(|error| match error {
                crate::data::DataError::NotFound => AppError::NotFound("No message that Rapport delivers has this id.".into()),
                other => other.into(),
            })?;
        state.realtime.publish("update", conversation_id);
        Ok(format!("/workspace/c/{conversation_id}#message-{message_id}"))
    }
    .await;
    finish_form(outcome)
}
