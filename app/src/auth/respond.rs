//! Turning outcomes into HTTP: status codes for script callers, redirects for plain forms.

use http::header::{ACCEPT, REFERER};
use http::request::Parts;
use http::StatusCode;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::error::AppError;

/// A browser without JavaScript posted a form and expects a page back, not an error body.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>()
        .filter(|parts| parts.method == http::Method::POST)
        .and_then(|parts| parts.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

/// Where a refusal's status goes: the response's options, except for plain form posts, which
/// are redirected instead.
fn refusal_options() -> Option<ResponseOptions> {
    if is_plain_form_post() {
        return None;
    }
    use_context::<ResponseOptions>()
}

/// Gives a failed server-function call the status of its error, unless the call set one
/// itself or is a plain form post. Arguments the server could not read (`Transport` on the
/// server) are the caller's mistake: 400.
pub fn status_for_failed_call(error: &AppError) {
    let Some(options) = refusal_options() else { return };
    if options.0.read().map(|parts| parts.status.is_none()).unwrap_or(false) {
        options.set_status(match error {
            AppError::Transport(_) => StatusCode::BAD_REQUEST,
            other => other.status(),
        });
    }
}

/// Sets the HTTP status of a refusal (also of a page rendered on the server), except for plain
/// form posts, which are redirected instead.
pub fn set_error_status(error: &AppError) {
    if let Some(options) = refusal_options() {
        options.set_status(error.status());
    }
}

/// Reports a failed form action. Without JavaScript the browser is sent back to the form page
/// with the error's code in `?error=` (the page shows our own message for it); with
/// JavaScript the error is returned.
pub fn form_failed(error: AppError) -> AppError {
    if is_plain_form_post() {
        let back = use_context::<Parts>()
            .and_then(|parts| parts.headers.get(REFERER).and_then(|v| v.to_str().ok()).and_then(local_path))
            .unwrap_or_else(|| "/".to_string());
        let without_error = strip_query_param(&strip_query_param(&back, "error"), "error_for");
        let separator = if without_error.contains('?') { '&' } else { '?' };
        // Which form failed ("workspace/send_reply"), so that only that form shows the error.
        let endpoint = use_context::<Parts>().map(|parts| parts.uri.path().trim_start_matches("/api/").to_string()).unwrap_or_default();
        leptos_axum::redirect(&format!(
            "{without_error}{separator}error={}&error_for={}",
            crate::domain::format::encode_component(&error.code()),
            crate::domain::format::encode_component(&endpoint)
        ));
    } else {
        set_error_status(&error);
    }
    error
}

/// Ends a form action: on success go to `destination`, on failure report the error
/// (see [`form_failed`]).
pub fn finish_form(outcome: Result<String, AppError>) -> Result<(), AppError> {
    match outcome {
        Ok(destination) => {
            leptos_axum::redirect(&destination);
            Ok(())
        }
        Err(error) => Err(form_failed(error)),
    }
}

/// The path and query of a URL (a `Referer`), when that is a path on this site: a redirect
/// never leaves the site.
fn local_path(url: &str) -> Option<String> {
    let path = match url.split_once("://") {
        Some((_, after_scheme)) => &after_scheme[after_scheme.find('/')?..],
        None => url,
    };
    is_local_path(path).then(|| path.to_string())
}

/// A path on this site: one leading `/` (a browser reads `//host` and `/\host` as another
/// site), no backslash, and visible ASCII only (it becomes a `Location` header).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && path.bytes().all(|b| b.is_ascii_graphic())
}

fn strip_query_param(path: &str, name: &str) -> String {
    match path.split_once('?') {
        None => path.to_string(),
        Some((base, query)) => {
            let kept: Vec<&str> = query.split('&').filter(|pair| !pair.starts_with(&format!("{name}="))).collect();
            if kept.is_empty() {
                base.to_string()
            } else {
                format!("{base}?{}", kept.join("&"))
            }
        }
    }
}

/// Where to go after signing in: a local path the user asked for, else their home area.
pub fn safe_next(next: &str, fallback: &str) -> String {
    let next = next.trim();
    if is_local_path(next) && !next.contains("://") {
        next.to_string()
    } else {
        fallback.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_site() {
        assert_eq!(safe_next("/workspace?x=1", "/account"), "/workspace?x=1");
        assert_eq!(safe_next("/account\r\nSet-Cookie: x=1", "/account"), "/account");
        assert_eq!(safe_next("/caf\u{e9}", "/account"), "/account");
        for hostile in ["//evil.example", "https://evil.example/", "/\\evil.example", "", "javascript:alert(1)"] {
            assert_eq!(safe_next(hostile, "/account"), "/account", "{hostile}");
        }
    }

    #[test]
    fn referer_is_reduced_to_a_local_path() {
        assert_eq!(local_path("http://127.0.0.1:3000/signin?next=/studio").as_deref(), Some("/signin?next=/studio"));
        assert_eq!(local_path("http://127.0.0.1:3000"), None);
        for off_site in [
            "http://127.0.0.1:3000//evil.example/signin",
            "http://127.0.0.1:3000/\\evil.example/signin",
            "//evil.example/signin",
            "https:evil.example",
        ] {
            assert_eq!(local_path(off_site), None, "{off_site}");
        }
        assert_eq!(strip_query_param("/signin?error=x&next=/a", "error"), "/signin?next=/a");
        assert_eq!(strip_query_param("/signin?error=x", "error"), "/signin");
    }
}
