//! Security headers on every response (OWASP ASVS 14.4): a Content-Security-Policy (pages set
//! their own with a nonce, embeds a framable one; the rest get the default), nosniff, a
//! Referrer-Policy, framing refused except for embeds, and HSTS when served over https.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Whether the site is served over https (the same switch as secure cookies).
#[derive(Clone, Copy)]
pub struct Https(pub bool);

pub async fn add_security_headers(State(Https(https)): State<Https>, request: Request, next: Next) -> Response {
    let personal = is_personal(request.uri().path());
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    let html = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).is_some_and(|value| value.starts_with("text/html"));
    if html && status.is_success() && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Every rendered page sets a policy with its nonce; without it the browser blocks the
        // page's inline hydration scripts and the page never becomes interactive (the rare
        // "page that never hydrates" of the browser tests: see README, Known open problems).
        tracing::error!(%path, %status, "a page was sent without its content security policy; its inline scripts will be blocked");
    }
    if personal {
        // One person's data: no shared cache or back/forward store may keep it.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(app::shell::content_policy::DEFAULT_POLICY));
    }
    let framable = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|policy| policy.to_str().ok())
        .is_some_and(|policy| policy.contains("frame-ancestors *"));
    if !framable {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// Pages and answers that carry one signed-in person's (or customer's) data.
fn is_personal(path: &str) -> bool {
    let area = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    ["/workspace", "/account", "/studio", "/forum/moderation", "/consent", "/digest", "/api"].into_iter().any(area)
}

#[cfg(test)]
mod tests {
    #[test]
    fn staff_areas_accounts_and_the_api_are_personal() {
        for path in [
            "/workspace",
            "/workspace/c/3",
            "/account",
            "/account/export.json",
            "/studio/ripple.csv",
            "/forum/moderation",
            "/consent/abc",
            "/api/workspace/inbox",
            "/api/v1/messages",
        ] {
            assert!(super::is_personal(path), "{path}");
        }
        for path in ["/", "/forum", "/forum/t/3", "/stories", "/wall", "/workspaces", "/pkg/rapport.js"] {
            assert!(!super::is_personal(path), "{path}");
        }
    }
}
