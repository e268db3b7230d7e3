//! Server functions of the outbox page (agents and admins).

use leptos::prelude::*;

use crate::domain::outbox::OutboxListing;
use crate::error::AppError;

/// One page of the outbox, newest first; `delivery` is empty (all) or one state.
#[server(prefix = "/api", endpoint = "outbox/list")]
pub async fn load_outbox(delivery: String, page: i64) -> Result<OutboxListing, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::domain::accounts::WORKSPACE_ROLES;
    use crate::domain::outbox::{DELIVERY_STATES, OUTBOX_PAGE_SIZE};
    require(Access::Roles(WORKSPACE_ROLES)).await?;
    if !delivery.is_empty() && !DELIVERY_STATES.contains(&delivery.as_str()) {
        return Err(AppError::invalid("delivery", format!("Unknown delivery state \"{delivery}\"; choose pending, sent or not_sent.")));
    }
    if page < 1 {
        return Err(AppError::invalid("page", "Page numbers start at 1."));
    }
    let state = crate::state::app_state()?;
    let mut rows = crate::data::outbox::list(&state.db, &delivery, OUTBOX_PAGE_SIZE + 1, (page - 1) * OUTBOX_PAGE_SIZE).await?;
    let has_more = rows.len() as i64 > OUTBOX_PAGE_SIZE;
    rows.truncate(OUTBOX_PAGE_SIZE as usize);
    Ok(OutboxListing {
        counts: crate::data::outbox::counts(&state.db).await?,
        rows,
        delivery,
        page,
        has_more,
        transport: state.mail_transport,
    })
}

/// Queues a message that was not sent once more; only with a mail transport.
#[server(prefix = "/api", endpoint = "outbox/send_again")]
pub async fn send_again(id: i64) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::domain::accounts::WORKSPACE_ROLES;
    let outcome: Result<String, AppError> = async {
        require(Access::Roles(WORKSPACE_ROLES)).await?;
        let state = crate::state::app_state()?;
        if !state.mail_transport {
            return Err(AppError::invalid("id", "No mail transport is configured (RAPPORT_SMTP_URL), so nothing can be sent yet."));
        }
        crate::data::outbox::send_again(&state.db, id, chrono::Utc::now())
            .await
            .map_err(AppError::not_found_as("That message does not exist or was already sent."))?;
        Ok("/workspace/outbox?delivery=pending".to_string())
    }
    .await;
    finish_form(outcome)
}
