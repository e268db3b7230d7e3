//! Server functions for accounts: sign up, sign in, sign out.

use leptos::prelude::*;

use crate::domain::accounts::Viewer;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod imp {
    use std::net::SocketAddr;

    use axum::extract::ConnectInfo;
    use chrono::{Duration, Utc};
    use http::header::{SET_COOKIE, USER_AGENT};
    use http::request::Parts;
    use http::HeaderValue;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    use crate::auth::session::{clearing_cookie, new_token, session_cookie, session_token_from};
    use crate::data::{audit, sessions, users, DataError};
    use crate::domain::accounts::{Role, Viewer};
    use crate::domain::signing::token_hash;
    use crate::error::AppError;
    use crate::state::AppState;

    pub fn client_address(state: &AppState) -> String {
        use_context::<Parts>()
            .and_then(|parts| {
                let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip();
                let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
                Some(crate::auth::client_address::resolve(peer, forwarded, &state.security.trusted_proxies).to_string())
            })
            .unwrap_or_else(|| "unknown".to_string())
    }

    pub fn home_of(viewer: &Viewer) -> &'static str {
        match viewer.role {
            Role::Customer => "/account",
            Role::Agent | Role::Admin => "/workspace",
            Role::Marketing => "/studio",
        }
    }

    /// Starts a fresh session for `user_id`, replacing any session the browser presented
    /// (the session id is rotated on every sign-in).
    pub async fn start_session(state: &AppState, user_id: i64) -> Result<(), AppError> {
        let parts = use_context::<Parts>();
        if let Some(old) = parts.as_ref().and_then(|parts| session_token_from(parts, state.security.secure_cookies)) {
            sessions::delete(&state.db, &token_hash(&state.security.secret, &old)).await?;
        }
        let user_agent = parts
            .as_ref()
            .and_then(|p| p.headers.get(USER_AGENT))
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(200).collect::<String>());
        let token = new_token();
        let expires_at = Utc::now() + Duration::days(state.security.session_days);
        sessions::create(&state.db, &token_hash(&state.security.secret, &token), user_id, expires_at, user_agent.as_deref()).await?;
        set_cookie(&session_cookie(&token, state.security.session_days, state.security.secure_cookies));
        Ok(())
    }

    pub async fn end_session(state: &AppState) -> Result<(), AppError> {
        if let Some(token) = use_context::<Parts>().as_ref().and_then(|parts| session_token_from(parts, state.security.secure_cookies)) {
            sessions::delete(&state.db, &token_hash(&state.security.secret, &token)).await?;
        }
        set_cookie(&clearing_cookie(state.security.secure_cookies));
        Ok(())
    }

    fn set_cookie(cookie: &str) {
        if let (Some(options), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(cookie)) {
            options.append_header(SET_COOKIE, value);
        }
    }

    pub async fn audit_auth(state: &AppState, user_id: i64, label: &str, action: &str) {
        let entry = audit::NewAuditEntry {
            actor_user_id: Some(user_id),
            actor_label: label,
            action,
            subject: &format!("user:{user_id}"),
            detail: "",
        };
        if let Err(error) = audit::record(&state.db, entry).await {
            tracing::error!(%error, action, "could not write audit entry");
        }
    }

    pub fn map_signup_conflict(error: DataError) -> AppError {
        match error {
            DataError::Conflict(_) => AppError::invalid("email", "An account with this email already exists. Sign in instead."),
            other => other.into(),
        }
    }

    pub fn user_viewer(user: &users::UserRecord) -> Viewer {
        Viewer { user_id: user.id, display_name: user.display_name.clone(), email: user.email.clone(), role: user.role() }
    }
}

/// The signed-in person, if any.
#[server(prefix = "/api", endpoint = "auth/viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    use super::guard::{authorize, Access};
    authorize(Access::Public).await
}

/// Creates a customer account and signs it in.
#[server(prefix = "/api", endpoint = "auth/sign_up")]
pub async fn sign_up(display_name: String, email: String, password: String, next: String) -> Result<(), AppError> {
    use super::guard::{authorize, Access};
    use super::respond::safe_next;
    use super::validate::{DisplayName, Email, NewPassword};
    use crate::data::users;
    use crate::domain::accounts::Role;
    use crate::state::app_state;

    let outcome: Result<String, AppError> = async {
        authorize(Access::Public).await?;
        let state = app_state()?;
        state.security.rate_limits.check(&imp::client_address(&state), email.trim())?;
        let name = DisplayName::parse(&display_name)?;
        let email = Email::parse(&email)?;
        let password = NewPassword::parse_for(&password, &[email.as_str(), name.as_str()])?;
        let password_hash = super::password::hash(password.expose().to_string()).await?;
        let new_user =
            users::NewUser { email: email.as_str(), display_name: name.as_str(), password_hash: &password_hash, role: Role::Customer };
        let user_id = users::create(&state.db, new_user, "sign-up").await.map_err(imp::map_signup_conflict)?;
        imp::start_session(&state, user_id).await?;
        if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() {
            super::signup_hooks::after_signup(&state, &parts, user_id).await;
        }
        Ok(safe_next(&next, "/account"))
    }
    .await;
    super::respond::finish_form(outcome)
}

/// Signs in with email and password.
#[server(prefix = "/api", endpoint = "auth/sign_in")]
pub async fn sign_in(email: String, password: String, next: String) -> Result<(), AppError> {
    use super::guard::{authorize, Access};
    use super::respond::safe_next;
    use super::validate::Email;
    use crate::data::users;
    use crate::state::app_state;

    let outcome: Result<String, AppError> = async {
        authorize(Access::Public).await?;
        let state = app_state()?;
        state.security.rate_limits.check(&imp::client_address(&state), email.trim())?;
        let email = Email::parse(&email).map_err(|_| AppError::BadCredentials)?;
        let user = users::find_by_email(&state.db, email.as_str()).await?;
        let verified = super::password::verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;
        let user = match (verified, user) {
            (true, Some(user)) => user,
            _ => return Err(AppError::BadCredentials),
        };
        imp::start_session(&state, user.id).await?;
        imp::audit_auth(&state, user.id, &user.email, "auth.sign_in").await;
        Ok(safe_next(&next, imp::home_of(&imp::user_viewer(&user))))
    }
    .await;
    super::respond::finish_form(outcome)
}

/// Ends this browser's session.
#[server(prefix = "/api", endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::guard::{authorize, Access};
    use crate::state::app_state;

    let viewer = authorize(Access::Public).await?;
    let state = app_state()?;
    imp::end_session(&state).await?;
    if let Some(viewer) = viewer {
        imp::audit_auth(&state, viewer.user_id, &viewer.email, "auth.sign_out").await;
    }
    leptos_axum::redirect("/");
    Ok(())
}

/// Ends every session of the signed-in account, on every device.
#[server(prefix = "/api", endpoint = "auth/sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use super::guard::{require, Access};
    use crate::data::sessions;
    use crate::state::app_state;

    let viewer = require(Access::SignedIn).await?;
    let state = app_state()?;
    sessions::delete_all_for_user(&state.db, viewer.user_id).await?;
    imp::end_session(&state).await?;
    imp::audit_auth(&state, viewer.user_id, &viewer.email, "auth.sign_out_everywhere").await;
    leptos_axum::redirect("/signin");
    Ok(())
}
