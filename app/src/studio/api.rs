//! Server functions of the marketing studio (marketing and admins only).

use leptos::prelude::*;

use crate::domain::studio::StudioOverview;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "studio/overview")]
pub async fn load_studio_overview() -> Result<StudioOverview, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::data::stories;
    use crate::domain::accounts::STUDIO_ROLES;
    require(Access::Roles(STUDIO_ROLES)).await?;
    let db = crate::state::app_state()?.db;
    Ok(StudioOverview {
        stories_by_status: stories::stories_by_status(&db).await?,
        quotes_by_status: stories::quotes_by_status(&db).await?,
        consents_granted: stories::consent_count(&db, crate::domain::stories::consent::Decision::Granted).await?,
        consents_withdrawn: stories::consent_count(&db, crate::domain::stories::consent::Decision::Withdrawn).await?,
        recent_stories: stories::recent_stories(&db, 20).await?,
        story_candidates: crate::domain::journeys::candidates::story_candidates(crate::data::journeys::recently_healed(&db, 200).await?),
        resolved_turnarounds: crate::domain::stories::candidates::turnarounds(
            crate::data::story_editing::resolved_timelines(&db, chrono::Utc::now() - chrono::Duration::days(90), 300).await?,
            10,
        ),
    })
}
