//! Server functions of the portal's stories: reading published ones and reacting to them.

use leptos::prelude::*;

use crate::domain::stories::model::{PublicStory, StoryCard};
use crate::error::AppError;

/// Published stories for the portal, featured first (`limit` 1–50).
#[server(prefix = "/api", endpoint = "stories/published")]
pub async fn published_stories(limit: u32) -> Result<Vec<StoryCard>, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let db = crate::state::app_state()?.db;
    Ok(crate::data::stories::published_cards(&db, i64::from(limit.clamp(1, 50))).await?)
}

#[server(prefix = "/api", endpoint = "stories/story")]
pub async fn load_public_story(id: i64) -> Result<PublicStory, AppError> {
    use crate::auth::guard::{authorize, Access};
    authorize(Access::Public).await?;
    let db = crate::state::app_state()?.db;
    match crate::data::stories::public_story(&db, id).await? {
        Some(story) => Ok(story),
        None => {
            let error =
                AppError::NotFound("This story is not shared (any more). Stories stay public only while the customer agrees.".into());
            crate::auth::respond::set_error_status(&error);
            Err(error)
        }
    }
}

/// "This gave me hope": toggles the signed-in account's reaction to a published story.
#[server(prefix = "/api", endpoint = "stories/react")]
pub async fn react_to_story(story_id: i64) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::SignedIn).await?;
        let db = crate::state::app_state()?.db;
        crate::data::ripple::toggle_reaction(&db, story_id, viewer.user_id, chrono::Utc::now())
            .await
            .map_err(AppError::not_found_as("This story is not shared (any more)."))?;
        Ok(format!("/stories/{story_id}"))
    }
    .await;
    finish_form(outcome)
}
