//! Leptos does no CSRF checking: a cookie-authenticated mutation must come from our own pages,
//! which means the same scheme, host and port (an `https://` page of the same host is another
//! origin to the browser when we serve plain http, and the other way round). The
//! token-authenticated `/api/v1` is exempt: browsers never attach its credentials.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::security_headers::Https;

pub async fn refuse_cross_site_mutations(State(Https(https)): State<Https>, request: Request, next: Next) -> Response {
    let mutating = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !mutating || request.uri().path().starts_with("/api/v1/") {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let source =
        headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok()).filter(|v| *v != "null");
    let scheme = if https { "https" } else { "http" };
    if same_origin(source, scheme, host) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), ?source, ?host, "refused a cross-site mutation");
    let body = serde_json::to_string(&app::error::AppError::CrossSite).unwrap_or_default();
    Response::builder()
        .status(StatusCode::FORBIDDEN)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_else(|_| StatusCode::FORBIDDEN.into_response())
}

/// True when `source` (an Origin or Referer URL) is `scheme://host`, the origin the request was
/// sent to.
fn same_origin(source: Option<&str>, scheme: &str, host: Option<&str>) -> bool {
    let (Some(source), Some(host)) = (source, host) else {
        return false;
    };
    let Some((source_scheme, rest)) = source.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    source_scheme.eq_ignore_ascii_case(scheme) && authority.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn origin_must_match_scheme_and_host() {
        let host = Some("127.0.0.1:3000");
        assert!(same_origin(Some("http://127.0.0.1:3000"), "http", host));
        assert!(same_origin(Some("http://127.0.0.1:3000/signin?x"), "http", host));
        assert!(same_origin(Some("https://care.example"), "https", Some("care.example")));
        assert!(!same_origin(Some("https://127.0.0.1:3000"), "http", host), "another scheme is another origin");
        assert!(!same_origin(Some("http://care.example"), "https", Some("care.example")));
        assert!(!same_origin(Some("http://evil.example"), "http", host));
        assert!(!same_origin(Some("http://127.0.0.1:3000.evil.example/"), "http", host));
        assert!(!same_origin(None, "http", host));
        assert!(!same_origin(Some("http://127.0.0.1:3000"), "http", None));
    }
}
