//! Server functions answer every error with HTTP 500 unless the function set a status itself
//! (forms and role checks do). This gives every error the status its kind means — 404 for an
//! unknown id, 422 for bad input, 400 for arguments that cannot be read — so only our own
//! failures are 500s.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// Error bodies are a few hundred bytes; anything larger is not one of ours.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn status_from_error(request: Request, next: Next) -> Response {
    let server_function = request.uri().path().starts_with("/api/") && !request.uri().path().starts_with("/api/v1/");
    let response = next.run(request).await;
    if !server_function || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = match error {
            // Arguments the server could not decode: the request was malformed.
            app::error::AppError::Transport(_) => StatusCode::BAD_REQUEST,
            other => StatusCode::from_u16(other.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
    }
    Response::from_parts(parts, Body::from(bytes))
}
