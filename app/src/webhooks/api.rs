//! Server functions of the webhook settings (admins only).

use leptos::prelude::*;

use crate::domain::webhooks::WebhooksPage;
use crate::error::AppError;

#[cfg(feature = "ssr")]
const ADMIN: &[crate::domain::accounts::Role] = &[crate::domain::accounts::Role::Admin];

#[server(prefix = "/api", endpoint = "webhooks/page")]
pub async fn load_webhooks() -> Result<WebhooksPage, AppError> {
    use crate::auth::guard::{require, Access};
    require(Access::Roles(ADMIN)).await?;
    let db = crate::state::app_state()?.db;
    Ok(WebhooksPage {
        webhooks: crate::data::webhooks::list(&db).await?,
        deliveries: crate::data::webhooks::recent_deliveries(&db, 50).await?,
    })
}

/// Registers a webhook; a signing secret is generated. Works as a plain form post.
#[server(prefix = "/api", endpoint = "webhooks/add")]
pub async fn add_webhook(
    url: String,
    risk_raised: Option<String>,
    resolved: Option<String>,
    healed: Option<String>,
    outbound: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        require(Access::Roles(ADMIN)).await?;
        let url = url.trim();
        let valid = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() <= 500
            && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
            && !url.chars().any(char::is_whitespace);
        if !valid {
            return Err(AppError::invalid(
                "url",
                "Give the full address of your endpoint, starting with https:// (at most 500 characters).",
            ));
        }
        let targets = crate::state::app_state()?.webhook_targets;
        super::targets::check_new_target(url, targets).await.map_err(|why| AppError::invalid("url", why))?;
        use crate::domain::webhooks::WebhookEvent;
        let chosen = [
            (WebhookEvent::RiskRaised, risk_raised),
            (WebhookEvent::ConversationResolved, resolved),
            (WebhookEvent::JourneyHealed, healed),
            (WebhookEvent::MessageOutbound, outbound),
        ];
        let events: Vec<&str> = chosen.iter().filter(|(_, checked)| checked.is_some()).map(|(event, _)| event.name()).collect();
        if events.is_empty() {
            return Err(AppError::invalid("events", "Choose at least one event to send."));
        }
        let secret = crate::auth::session::new_token();
        let db = crate::state::app_state()?.db;
        crate::data::webhooks::create(&db, url, &secret, &events.join(" "), chrono::Utc::now()).await?;
        Ok("/workspace/webhooks".to_string())
    }
    .await;
    finish_form(outcome)
}

#[server(prefix = "/api", endpoint = "webhooks/delete")]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        require(Access::Roles(ADMIN)).await?;
        let db = crate::state::app_state()?.db;
        if crate::data::webhooks::delete(&db, id, chrono::Utc::now()).await? {
            Ok("/workspace/webhooks".to_string())
        } else {
            Err(AppError::NotFound("This webhook does not exist.".into()))
        }
    }
    .await;
    finish_form(outcome)
}
