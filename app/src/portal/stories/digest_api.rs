//! Subscribing to story digests (in the account) and unsubscribing (one click from the mail).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::error::AppError;
use crate::shell::notice::{form_error, FormError};

/// The link token for `customer_id`: keyed with the server secret, so it cannot be guessed,
/// and stable, so every digest's link keeps working.
#[cfg(feature = "ssr")]
pub fn unsubscribe_token(secret: &[u8], customer_id: i64) -> String {
    crate::domain::signing::token_hash(secret, &format!("digest-unsubscribe:{customer_id}"))
}

/// Sends the digests that are due (called hourly by the server).
#[cfg(feature = "ssr")]
pub async fn send_due_digests(state: &crate::state::AppState) -> Result<u64, crate::data::DataError> {
    let site = state.public_url.clone();
    let secret = state.security.secret.clone();
    crate::data::digests::send_due(&state.db, chrono::Utc::now(), &site, |customer_id| {
        format!("{site}/digest/unsubscribe/{customer_id}/{}", unsubscribe_token(&secret, customer_id))
    })
    .await
}

/// Whether the signed-in customer gets digests (`None`: not a customer account).
#[server(prefix = "/api", endpoint = "digest/status")]
pub async fn digest_status() -> Result<Option<bool>, AppError> {
    let Some(customer_id) = crate::auth::guard::signed_in_customer().await? else { return Ok(None) };
    let db = crate::state::app_state()?.db;
    Ok(Some(crate::data::digests::is_subscribed(&db, customer_id).await?))
}

/// `subscribe`: "yes" or "no".
#[server(prefix = "/api", endpoint = "digest/set")]
pub async fn set_digest(subscribe: String) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        let customer_id = crate::auth::guard::signed_in_customer()
            .await?
            .ok_or_else(|| AppError::Forbidden("Story digests are for customer accounts.".into()))?;
        let subscribe = match subscribe.as_str() {
            "yes" => true,
            "no" => false,
            other => return Err(AppError::invalid("subscribe", format!("Unknown choice “{other}”: use yes or no."))),
        };
        let db = crate::state::app_state()?.db;
        crate::data::digests::set_subscribed(&db, customer_id, subscribe, "account", chrono::Utc::now()).await?;
        Ok("/account#digest".to_string())
    }
    .await;
    finish_form(outcome)
}

#[server(prefix = "/api", endpoint = "digest/unsubscribe")]
pub async fn unsubscribe_digest(customer_id: i64, token: String) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    let outcome: Result<String, AppError> = async {
        let state = crate::state::app_state()?;
        let expected = unsubscribe_token(&state.security.secret, customer_id);
        if !crate::domain::signing::same_secret(&expected, &token) {
            return Err(AppError::NotFound("This unsubscribe link is not valid. You can also unsubscribe in your account.".into()));
        }
        crate::data::digests::set_subscribed(&state.db, customer_id, false, "unsubscribe link", chrono::Utc::now()).await?;
        Ok(format!("/digest/unsubscribe/{customer_id}/{token}?done=1"))
    }
    .await;
    finish_form(outcome)
}

#[component]
pub fn DigestSettings() -> impl IntoView {
    let set = ServerAction::<SetDigest>::new();
    let status = Resource::new(move || set.version().get(), |_| digest_status());
    let error = form_error(set.value(), "digest/set");
    view! {
        {crate::shell::notice::loaded_quietly(status, move |status| match status {
            None => ().into_any(),
            Some(subscribed) => view! {
                <section id="digest" aria-labelledby="digest-title">
                    <h2 id="digest-title">"Story digest"</h2>
                    <FormError message=error/>
                    <p>{if subscribed { "You get a short email with new stories, at most once a week." } else { "Get a short email with stories of how other customers were helped, at most once a week." }}</p>
                    <ActionForm action=set>
                        <input type="hidden" name="subscribe" value=if subscribed { "no" } else { "yes" }/>
                        <button type="submit" class="button button--secondary">{if subscribed { "Unsubscribe" } else { "Send me story digests" }}</button>
                    </ActionForm>
                </section>
            }.into_any(),
        })}
    }
}

#[component]
pub fn DigestUnsubscribePage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let unsubscribe = ServerAction::<UnsubscribeDigest>::new();
    let error = form_error(unsubscribe.value(), "digest/unsubscribe");
    let done = move || query.read().get("done").is_some() || matches!(unsubscribe.value().get(), Some(Ok(())));
    let customer = move || params.read().get("customer").unwrap_or_default();
    let token = move || params.read().get("token").unwrap_or_default();
    view! {
        <Title text="Unsubscribe"/>
        <section class="page narrow">
            <h1>"Story digests"</h1>
            <FormError message=error/>
            <Show when=done fallback=move || view! {
                <p>"One click and you get no more story digests."</p>
                <ActionForm action=unsubscribe>
                    <input type="hidden" name="customer_id" value=customer()/>
                    <input type="hidden" name="token" value=token()/>
                    <button type="submit" class="button">"Unsubscribe"</button>
                </ActionForm>
            }>
                <p role="status">"You are unsubscribed. No more story digests will be sent."</p>
            </Show>
        </section>
    }
}
