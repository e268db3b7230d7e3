//! The one place that decides who may call what. Every server function starts here.

use chrono::Utc;
use http::request::Parts;
use leptos::prelude::use_context;

use super::session::session_token_from;
use crate::data::sessions;
use crate::domain::accounts::{Role, Viewer};
use crate::domain::signing::token_hash;
use crate::error::AppError;
use crate::state::{app_state, AppState};

/// Who may call a server function.
#[derive(Clone, Copy, Debug)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Signed in with one of these roles.
    Roles(&'static [Role]),
}

/// Checks the caller against `access`. Returns the viewer when signed in.
/// A refusal also sets the HTTP status (401 or 403) of the response.
pub async fn authorize(access: Access) -> Result<Option<Viewer>, AppError> {
    let state = app_state()?;
    let viewer = viewer_of_request(&state).await?;
    let refusal = match (access, &viewer) {
        (Access::Public, _) => None,
        (_, None) => Some(AppError::sign_in()),
        (Access::SignedIn, Some(_)) => None,
        (Access::Roles(roles), Some(viewer)) if viewer.may_enter(roles) => None,
        (Access::Roles(roles), Some(_)) => Some(AppError::Forbidden(format!(
            "This area is for {} accounts.",
            roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(" or ")
        ))),
    };
    match refusal {
        None => Ok(viewer),
        Some(error) => {
            super::respond::set_error_status(&error);
            Err(error)
        }
    }
}

/// Like [`authorize`] for areas that need an account: returns the viewer or the refusal.
pub async fn require(access: Access) -> Result<Viewer, AppError> {
    authorize(access).await?.ok_or_else(|| {
        super::respond::set_error_status(&AppError::sign_in());
        AppError::sign_in()
    })
}

/// The customer record of the signed-in account: `None` for staff accounts (401 when nobody
/// is signed in).
pub async fn signed_in_customer() -> Result<Option<i64>, AppError> {
    let viewer = require(Access::SignedIn).await?;
    let db = app_state()?.db;
    Ok(crate::data::customers::id_by_user(&db, viewer.user_id).await?)
}

async fn viewer_of_request(state: &AppState) -> Result<Option<Viewer>, AppError> {
    let Some(parts) = use_context::<Parts>() else {
        return Ok(None);
    };
    viewer_from_parts(state, &parts).await
}

/// (`viewer_from_parts` serves plain axum handlers that only want to know who is asking.)
///
/// The same check for a plain axum handler (outside server functions): a signed-in agent or
/// admin, else 401/403.
pub async fn workspace_viewer(state: &AppState, parts: &Parts) -> Result<Viewer, AppError> {
    match viewer_from_parts(state, parts).await? {
        None => Err(AppError::sign_in()),
        Some(viewer) if viewer.may_enter(crate::domain::accounts::WORKSPACE_ROLES) => Ok(viewer),
        Some(_) => Err(AppError::Forbidden("This area is for agent or admin accounts.".into())),
    }
}

pub async fn viewer_from_parts(state: &AppState, parts: &Parts) -> Result<Option<Viewer>, AppError> {
    let Some(token) = session_token_from(parts, state.security.secure_cookies) else {
        return Ok(None);
    };
    let found = sessions::find_user(
        &state.db,
        &token_hash(&state.security.secret, &token),
        Utc::now(),
        chrono::Duration::minutes(state.security.session_idle_minutes),
    )
    .await?;
    Ok(found
        .and_then(|s| Role::parse(&s.role).map(|role| Viewer { user_id: s.user_id, display_name: s.display_name, email: s.email, role })))
}
