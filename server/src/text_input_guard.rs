//! Control characters never get in (`app::domain::text_input`): one check at the door of every request —
//! the path (slugs, ids), the query string, form and JSON bodies — answered with a 422 that names
//! the field, before any handler, transaction or group commit sees the text. Field-level checks
//! in the data paths (ingestion) remain as a second line.

use app::domain::text_input::{control_character_problem, forbidden_control_character};
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::error::AppError;

/// Larger bodies are refused by every route anyway (the largest limit is the API batch's).
const MAX_CHECKED_BODY: usize = crate::api_v1::MAX_BATCH_BODY_BYTES;

pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    let path = percent_encoding::percent_decode_str(request.uri().path()).decode_utf8_lossy().into_owned();
    if let Some(character) = forbidden_control_character(&path) {
        return refusal(request.uri().path(), request.headers(), "path", character);
    }
    if let Some((field, character)) = request.uri().query().and_then(|query| in_form(query.as_bytes())) {
        return refusal(request.uri().path(), request.headers(), &field, character);
    }
    let kind = body_kind(request.headers());
    if kind == BodyKind::Other {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_CHECKED_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return too_large(parts.uri.path(), &parts.headers),
    };
    let found = match kind {
        BodyKind::Form => in_form(&bytes),
        BodyKind::Json => serde_json::from_slice::<serde_json::Value>(&bytes).ok().and_then(|value| in_json(&value, String::new())),
        BodyKind::Other => None,
    };
    if let Some((field, character)) = found {
        return refusal(parts.uri.path(), &parts.headers, &field, character);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[derive(PartialEq)]
enum BodyKind {
    Form,
    Json,
    Other,
}

fn body_kind(headers: &HeaderMap) -> BodyKind {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else if content_type.starts_with("application/json") {
        BodyKind::Json
    } else {
        BodyKind::Other
    }
}

/// The first field (name or value) of URL-encoded pairs that holds a control character.
fn in_form(encoded: &[u8]) -> Option<(String, char)> {
    form_urlencoded::parse(encoded).find_map(|(name, value)| {
        forbidden_control_character(&name).or_else(|| forbidden_control_character(&value)).map(|character| (printable(&name), character))
    })
}

/// The first string in a JSON document (key or value) holding a control character, with its
/// path in the style of the API's field errors (`messages[3].body`).
fn in_json(value: &serde_json::Value, path: String) -> Option<(String, char)> {
    match value {
        serde_json::Value::String(text) => forbidden_control_character(text).map(|character| (path_or_body(path), character)),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(index, item)| in_json(item, format!("{path}[{index}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(name, item)| {
            let field = if path.is_empty() { printable(name) } else { format!("{path}.{}", printable(name)) };
            match forbidden_control_character(name) {
                Some(character) => Some((field, character)),
                None => in_json(item, field),
            }
        }),
        _ => None,
    }
}

fn path_or_body(path: String) -> String {
    if path.is_empty() {
        "body".to_string()
    } else {
        path
    }
}

/// A field name fit for an error message (the name itself may be the problem).
fn printable(name: &str) -> String {
    name.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect()
}

/// Script callers get the app's error as JSON: the integration API always, server functions
/// unless a plain form posted (it asks for HTML). Pages and plain forms get text a person can read.
fn wants_json(path: &str, headers: &HeaderMap) -> bool {
    let wants_html = headers.get(header::ACCEPT).and_then(|value| value.to_str().ok()).is_some_and(|accept| accept.contains("text/html"));
    path.starts_with("/api/v1/") || (path.starts_with("/api/") && !wants_html)
}

fn refusal(path: &str, headers: &HeaderMap, field: &str, character: char) -> Response {
    let problem = control_character_problem(character);
    tracing::info!(%path, field, "refused input with a control character");
    if wants_json(path, headers) {
        return AppError::field_problem(field, problem).into_response();
    }
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("This request was refused: {field} {problem}. Go back, remove the invisible character and try again."),
    )
        .into_response()
}

fn too_large(path: &str, headers: &HeaderMap) -> Response {
    let message = format!("The request body is too large: at most {MAX_CHECKED_BODY} bytes.");
    if wants_json(path, headers) {
        return AppError::TooLarge(message).into_response();
    }
    (StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_form_field_or_json_path_that_holds_the_character() {
        assert_eq!(in_form(b"title=ok&body=a%00b"), Some(("body".into(), '\u{0}')));
        assert_eq!(in_form(b"q=line%0D%0Abreak%09tab"), None);
        let batch = serde_json::json!({ "messages": [{ "body": "fine" }, { "body": "bad\u{0}" }] });
        assert_eq!(in_json(&batch, String::new()), Some(("messages[1].body".into(), '\u{0}')));
        assert_eq!(in_json(&serde_json::json!("\u{1b}[31m"), String::new()), Some(("body".into(), '\u{1b}')));
        assert_eq!(in_json(&serde_json::json!({ "a\u{0}": 1 }), String::new()), Some(("a\u{FFFD}".into(), '\u{0}')));
    }
}
