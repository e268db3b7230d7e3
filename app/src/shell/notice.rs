//! Friendly views for loading states and errors.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::domain::format::encode_component;
use crate::error::AppError;

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}

/// Shows `render(data)` once `resource` has loaded, a friendly [`ErrorNotice`] if it failed,
/// and [`Loading`] meanwhile. Every page that shows server data uses this.
#[track_caller]
pub fn loaded<T, V>(resource: Resource<Result<T, AppError>>, render: impl Fn(T) -> V + Clone + Send + Sync + 'static) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    suspended(resource, render, |error| view! { <ErrorNotice error/> }.into_any(), || view! { <Loading/> }.into_any())
}

/// Like [`loaded`], for optional parts of a page: an error shows nothing (the part does not
/// concern this viewer, or the page's main content already explains the problem).
#[track_caller]
pub fn loaded_quietly<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    suspended(resource, render, |_| ().into_any(), || ().into_any())
}

#[track_caller]
fn suspended<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
    on_error: fn(AppError) -> AnyView,
    fallback: fn() -> AnyView,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    // Named by the page code that shows the data, for the server's page deadline.
    super::pending_parts::track_at(std::panic::Location::caller(), resource);
    // Held, not borrowed from the page's arena: the await may end after the page is gone.
    let resource = ArcResource::from(resource);
    view! {
        <Suspense fallback=fallback>
            {move || {
                let render = render.clone();
                let resource = resource.clone();
                Suspend::new(async move {
                    let result = resource.await;
                    if !page_is_live() {
                        return ().into_any();
                    }
                    match result {
                        Ok(data) => render(data).into_any(),
                        Err(error) => on_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

/// Whether the page being rendered is still being served. On the server, data can arrive after
/// the browser went away and the page's view, router included, was torn down: what resumes
/// after an await then renders nothing instead of reaching for contexts that are gone.
pub(crate) fn page_is_live() -> bool {
    #[cfg(feature = "ssr")]
    return use_context::<http::request::Parts>().is_some();
    #[cfg(not(feature = "ssr"))]
    true
}

/// The address of the page being shown (path and query), without the router: an error notice
/// renders after an await, when the router may be gone (see [`page_is_live`]).
fn current_address() -> String {
    #[cfg(feature = "ssr")]
    return use_context::<http::request::Parts>()
        .and_then(|parts| parts.uri.path_and_query().map(ToString::to_string))
        .unwrap_or_else(|| "/".into());
    #[cfg(not(feature = "ssr"))]
    return window()
        .location()
        .href()
        .ok()
        .and_then(|href| {
            let origin = window().location().origin().ok()?;
            href.strip_prefix(&origin).map(str::to_string)
        })
        .unwrap_or_else(|| "/".into());
}

/// Explains an error to the person who met it, with a way forward.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthorized(_) => {
            let href = format!("/signin?next={}", encode_component(&current_address()));
            view! {
                <section class="notice notice--info" aria-labelledby="notice-title">
                    <h1 id="notice-title">"Please sign in"</h1>
                    <p>"This page is only available to signed-in accounts."</p>
                    <p><a class="button" href=href>"Sign in"</a></p>
                </section>
            }
            .into_any()
        }
        AppError::Forbidden(message) => view! {
            <section class="notice notice--warning" aria-labelledby="notice-title">
                <h1 id="notice-title">"You don't have access here"</h1>
                <p>{message}</p>
                <p><a href="/">"Back to the community"</a></p>
            </section>
        }
        .into_any(),
        AppError::NotFound(message) => view! {
            <section class="notice" aria-labelledby="notice-title">
                <h1 id="notice-title">"Not found"</h1>
                <p>{message}</p>
                <p><a href="/">"Back to the community"</a></p>
            </section>
        }
        .into_any(),
        other => view! {
            <section class="notice notice--error" role="alert">
                <h1>"Something went wrong"</h1>
                <p>{other.to_string()}</p>
            </section>
        }
        .into_any(),
    }
}

/// Shown by the app-wide error boundary.
#[component]
pub fn ErrorList(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <section class="notice notice--error" role="alert">
            <h1>"Something went wrong"</h1>
            <p>"Sorry, this part of the page could not be shown. Reloading the page usually helps."</p>
            <ul>
                {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
            </ul>
        </section>
    }
}

/// An inline message for a failed form submission.
/// The error to show: from the last scripted submission, else our own message for the error
/// code in `?error=` (no-JS redirect; never text from the address).
/// `endpoint` is the server function's endpoint (`"workspace/send_reply"`): with several forms
/// on a page, only the one that failed shows the error of a no-JS redirect (`?error_for=`).
pub fn form_error(
    value: impl Get<Value = Option<Result<(), crate::error::AppError>>> + Send + Sync + 'static,
    endpoint: &'static str,
) -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || match value.get() {
        Some(Err(error)) => Some(error.to_string()),
        Some(Ok(_)) => None,
        None => {
            let query = query.read();
            match query.get("error_for") {
                Some(failed) if failed != endpoint => None,
                _ => query.get("error").map(|code| crate::error::message_for_code(&code)),
            }
        }
    })
}

#[component]
pub fn FormError(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p class="form-error" role="alert">{move || message.get().unwrap_or_default()}</p>
        </Show>
    }
}
