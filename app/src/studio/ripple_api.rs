//! Ripple measurement endpoints: the portal's view beacon (`POST /api/ripple`), the studio
//! dashboard's data, and its CSV export (`GET /studio/ripple.csv`).

use leptos::prelude::*;

use crate::domain::stories::ripple::StoryRipple;
use crate::error::AppError;

/// The dashboard: every story that was ever published, with its views and lift.
#[server(prefix = "/api", endpoint = "stories/ripple")]
pub async fn load_ripple() -> Result<Vec<StoryRipple>, AppError> {
    use crate::auth::guard::{require, Access};
    require(Access::Roles(crate::domain::accounts::STUDIO_ROLES)).await?;
    let db = crate::state::app_state()?.db;
    Ok(crate::data::ripple::dashboard(&db, chrono::Utc::now(), 100).await?)
}

#[cfg(feature = "ssr")]
pub use handlers::{credit_signup_hook, record_views, ripple_csv};

/// The first-party cookie `/portal.js` sets on a story's page (outside Do-Not-Track): the
/// story last read, so a sign-up right after can be credited to it. It holds nothing else.
pub const LAST_STORY_COOKIE: &str = "rapport_last_story";

#[cfg(feature = "ssr")]
mod handlers {
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::request::Parts;
    use axum::http::{header, StatusCode};
    use axum::response::{IntoResponse, Response};
    use serde::Deserialize;

    use crate::domain::accounts::{Role, STUDIO_ROLES};
    use crate::error::AppError;
    use crate::state::AppState;

    const MAX_IDS: usize = 20;
    const MAX_DWELL_MS: i64 = 3_600_000;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Beacon {
        story_ids: Vec<i64>,
        kind: String,
        #[serde(default)]
        dwell_ms: Option<i64>,
    }

    /// Do-Not-Track and Global Privacy Control are honoured here too, not only in the browser.
    fn opted_out(parts: &Parts) -> bool {
        ["dnt", "sec-gpc"].iter().any(|name| parts.headers.get(*name).and_then(|v| v.to_str().ok()) == Some("1"))
    }

    pub async fn record_views(State(state): State<AppState>, parts: Parts, body: Bytes) -> Result<StatusCode, AppError> {
        if opted_out(&parts) {
            return Ok(StatusCode::NO_CONTENT);
        }
        let beacon: Beacon = serde_json::from_slice(&body).map_err(|error| {
            AppError::invalid(
                "body",
                format!(
                    "Expected {{\"story_ids\": [..], \"kind\": \"impression\"|\"dwell\"|\"click\"|\"onward\", \"dwell_ms\"?: n}}: {error}"
                ),
            )
        })?;
        // "signup" and "digest" are recorded by the server itself, never taken from a browser.
        if !matches!(beacon.kind.as_str(), "impression" | "dwell" | "click" | "onward") {
            return Err(AppError::invalid("kind", "kind must be impression, dwell, click or onward"));
        }
        if beacon.story_ids.is_empty() || beacon.story_ids.len() > MAX_IDS {
            return Err(AppError::invalid("story_ids", format!("send 1 to {MAX_IDS} story ids")));
        }
        let dwell_ms = match (beacon.kind.as_str(), beacon.dwell_ms) {
            ("dwell", Some(ms)) if (0..=MAX_DWELL_MS).contains(&ms) => Some(ms),
            ("dwell", _) => return Err(AppError::invalid("dwell_ms", format!("a dwell needs dwell_ms between 0 and {MAX_DWELL_MS}"))),
            _ => None,
        };
        // Only signed-in customers are linked to what they do next; anyone else counts anonymously.
        let customer_id = match crate::auth::guard::viewer_from_parts(&state, &parts).await {
            Ok(Some(viewer)) if viewer.role == Role::Customer => {
                crate::data::customers::id_by_user(&state.db, viewer.user_id).await.ok().flatten()
            }
            _ => None,
        };
        crate::data::ripple::record(&state.db, &beacon.story_ids, &beacon.kind, customer_id, dwell_ms, chrono::Utc::now()).await.map_err(
            |error| {
                tracing::warn!(%error, "could not record story views");
                AppError::Unavailable("Views could not be recorded just now.".into())
            },
        )?;
        Ok(StatusCode::NO_CONTENT)
    }

    /// The sign-up hook (`auth::signup_hooks`) that credits the story read just before.
    pub fn credit_signup_hook<'a>(
        state: &'a AppState,
        parts: &'a Parts,
        user_id: i64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
        Box::pin(credit_signup(state, parts, user_id))
    }

    /// Credits a new customer account to the story its browser had just read, if any. A
    /// failure here must not fail the sign-up, so it is only logged.
    async fn credit_signup(state: &AppState, parts: &Parts, user_id: i64) {
        if opted_out(parts) {
            return;
        }
        let jar = axum_extra::extract::cookie::CookieJar::from_headers(&parts.headers);
        let Some(story_id) = jar.get(super::LAST_STORY_COOKIE).and_then(|c| c.value().parse::<i64>().ok()).filter(|id| *id > 0) else {
            return;
        };
        let credited = match crate::data::customers::id_by_user(&state.db, user_id).await {
            Ok(Some(customer_id)) => {
                crate::data::ripple::record_signup(&state.db, story_id, customer_id, chrono::Utc::now()).await.map(|_| ())
            }
            Ok(None) => Ok(()),
            Err(error) => Err(error),
        };
        if let Err(error) = credited {
            tracing::warn!(%error, story_id, "could not credit a sign-up to a story");
        }
    }

    pub async fn ripple_csv(State(state): State<AppState>, parts: Parts) -> Result<Response, AppError> {
        match crate::auth::guard::viewer_from_parts(&state, &parts).await? {
            Some(viewer) if viewer.may_enter(STUDIO_ROLES) => {}
            Some(_) => return Err(AppError::Forbidden("The ripple report is for marketing and admin accounts.".into())),
            None => return Err(AppError::sign_in()),
        }
        let rows = crate::data::ripple::dashboard(&state.db, chrono::Utc::now(), 1_000).await.map_err(|error| {
            tracing::warn!(%error, "could not build the ripple report");
            AppError::Unavailable("The report is unavailable just now.".into())
        })?;
        Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"ripple.csv\"")],
            crate::domain::stories::ripple::to_csv(&rows),
        )
            .into_response())
    }
}
