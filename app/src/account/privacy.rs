//! A customer's own data: download all of it (`GET /account/export.json`) and erase the
//! account (see `data::privacy` for what erasure removes and what it keeps).

use leptos::prelude::*;

use crate::error::AppError;
use crate::shell::notice::{form_error, FormError};

pub const EXPORT_PATH: &str = "/account/export.json";

/// Whether the signed-in account is a customer's (the privacy section is theirs).
#[server(prefix = "/api", endpoint = "account/privacy")]
pub async fn privacy_status() -> Result<Option<String>, AppError> {
    use crate::auth::guard::{require, Access};
    let viewer = require(Access::SignedIn).await?;
    Ok((viewer.role == crate::domain::accounts::Role::Customer).then_some(viewer.email))
}

/// Erases the signed-in customer; `confirm` must be their email address.
#[server(prefix = "/api", endpoint = "account/erase")]
pub async fn erase_my_account(#[server(default)] confirm: String) -> Result<(), AppError> {
    use crate::auth::guard::{require, Access};
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        let viewer = require(Access::SignedIn).await?;
        let state = crate::state::app_state()?;
        let customer_id = crate::data::customers::id_by_user(&state.db, viewer.user_id).await?.ok_or_else(|| {
            AppError::Forbidden("Only customer accounts can erase themselves here; staff accounts are removed by an admin.".into())
        })?;
        if !confirm.trim().eq_ignore_ascii_case(&viewer.email) {
            return Err(AppError::invalid("confirm", format!("To confirm, type your email address ({}) exactly.", viewer.email)));
        }
        let erased = crate::data::privacy::erase(&state.db, customer_id, "customer (self-service erasure)", chrono::Utc::now()).await?;
        for id in erased.published_stories {
            state.story_feed.announce(crate::realtime::StoryChange::Removed(id)).await;
        }
        for id in erased.published_quotes {
            state.story_feed.announce(crate::realtime::StoryChange::QuoteRemoved(id)).await;
        }
        if let (Some(options), Ok(cookie)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&crate::auth::session::clearing_cookie(state.security.secure_cookies)),
        ) {
            options.append_header(http::header::SET_COOKIE, cookie);
        }
        Ok("/?account=erased".to_string())
    }
    .await;
    finish_form(outcome)
}

#[cfg(feature = "ssr")]
pub use handler::export_json;

#[cfg(feature = "ssr")]
mod handler {
    use axum::extract::State;
    use axum::http::header;
    use axum::http::request::Parts;
    use axum::response::{IntoResponse, Response};

    use crate::domain::accounts::Role;
    use crate::error::AppError;
    use crate::state::AppState;

    /// The signed-in customer's data as one JSON file.
    pub async fn export_json(State(state): State<AppState>, parts: Parts) -> Result<Response, AppError> {
        let viewer = match crate::auth::guard::viewer_from_parts(&state, &parts).await? {
            Some(viewer) if viewer.role == Role::Customer => viewer,
            Some(_) => return Err(AppError::Forbidden("The data export is for customer accounts.".into())),
            None => return Err(AppError::Unauthorized("Sign in to download your data.".into())),
        };
        let gathered = match crate::data::customers::id_by_user(&state.db, viewer.user_id).await {
            Ok(Some(customer_id)) => crate::data::privacy::export(&state.db, customer_id, chrono::Utc::now()).await,
            Ok(None) => Err(crate::data::DataError::NotFound),
            Err(error) => Err(error),
        };
        let data = gathered.map_err(|error| {
            tracing::warn!(%error, "could not export a customer's data");
            AppError::Unavailable("Your data could not be gathered just now; please try again.".into())
        })?;
        let json = serde_json::to_string_pretty(&data).map_err(|error| {
            tracing::error!(%error, "could not encode a data export");
            AppError::Internal
        })?;
        Ok((
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"rapport-my-data.json\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            json,
        )
            .into_response())
    }
}

#[component]
pub fn PrivacySettings() -> impl IntoView {
    let status = Resource::new(|| (), |_| privacy_status());
    // The form is a plain one (see below): a refusal comes back in the page's address.
    let error = form_error(RwSignal::new(None::<Result<(), AppError>>), "account/erase");
    view! {
        {crate::shell::notice::loaded_quietly(status, move |email| match email {
            None => ().into_any(),
            Some(email) => view! {
                <section id="your-data" aria-labelledby="your-data-title">
                    <h2 id="your-data-title">"Your data"</h2>
                    <p>
                        <a href=EXPORT_PATH rel="external" download="rapport-my-data.json">"Download all your data"</a>
                        " (JSON): your profile, conversations and messages, survey answers, forum posts, consent records, emails we sent you and where you are signed in."
                    </p>
                    <details class="danger-zone" open=move || error.get().is_some()>
                        <summary>"Delete my account"</summary>
                        <p>"This erases your profile, your conversations with us, your survey answers, your stories and quotes (they leave every page at once) and your consent records. "
                           "Your forum posts stay for the people they help, shown as written by “Deleted user”. It cannot be undone."</p>
                        <FormError message=error/>
                        // A plain form on purpose: the page that follows is loaded afresh, signed out.
                        <form method="post" action="/api/account/erase">
                            <label for="erase-confirm">{format!("Type your email address ({email}) to confirm")}</label>
                            <input id="erase-confirm" name="confirm" type="email" autocomplete="off" required/>
                            " "
                            <button type="submit" class="button button--danger">"Delete my account for good"</button>
                        </form>
                    </details>
                </section>
            }.into_any(),
        })}
    }
}
