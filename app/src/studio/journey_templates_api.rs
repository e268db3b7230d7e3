//! Server functions of the journey template editor (`/studio/journeys`): marketing and admins
//! only. Agents choose a template on the conversation page, which brings its own list.

use leptos::prelude::*;

use crate::domain::journeys::templates::{StepForm, TemplateView};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "journeys/templates")]
pub async fn journey_templates() -> Result<Vec<TemplateView>, AppError> {
    use crate::auth::guard::{require, Access};
    require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
    let db = crate::state::app_state()?.db;
    Ok(crate::data::journey_templates::list(&db).await?)
}

/// Saves a template from the editor form (`id` empty: a new one). Rows without text are
/// dropped; `make_default` = "yes" makes it the template journeys start with by themselves.
#[server(prefix = "/api", endpoint = "journeys/save_template")]
pub async fn save_journey_template(
    #[server(default)] id: String,
    name: String,
    #[server(default)] make_default: Option<String>,
    #[server(default)] steps: Vec<StepForm>,
) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    use crate::domain::journeys::templates::{checked_name, steps_from_form};
    let outcome: Result<String, AppError> = async {
        require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
        let id = match id.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| AppError::NotFound("This template does not exist.".into()))?),
        };
        let name = checked_name(&name).map_err(|message| AppError::invalid("name", message))?;
        let steps = steps_from_form(&steps)
            .map_err(|problem| AppError::invalid("steps", crate::workspace::journeys_api::capitalized(&problem.to_string())))?;
        let db = crate::state::app_state()?.db;
        let saved = crate::data::journey_templates::save(&db, id, &name, &steps, make_default.is_some(), chrono::Utc::now())
            .await
            .map_err(|error| match error {
                crate::data::DataError::Conflict(_) => {
                    AppError::invalid("name", format!("A template called “{name}” exists already; choose another name."))
                }
                crate::data::DataError::NotFound => AppError::NotFound("This template does not exist.".into()),
                other => other.into(),
            })?;
        Ok(format!("/studio/journeys#template-{saved}"))
    }
    .await;
    finish_form(outcome)
}

#[server(prefix = "/api", endpoint = "journeys/delete_template")]
pub async fn delete_journey_template(id: i64) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
        let db = crate::state::app_state()?.db;
        crate::data::journey_templates::delete(&db, id).await?;
        Ok("/studio/journeys".to_string())
    }
    .await;
    finish_form(outcome)
}
