//! The server-sent events endpoint for staff inboxes.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::hub::{InboxEvent, Replay};
use crate::state::AppState;

fn to_sse(event: &InboxEvent) -> Event {
    Event::default()
        .id(event.id.to_string())
        .event("inbox")
        .data(serde_json::to_string(event).expect("plain data serializes"))
}

/// `GET /api/workspace/events`: staff only (by session cookie), live and replayed events.
pub async fn inbox_events(State(state): State<AppState>, parts: Parts) -> Response {
    if let Err(error) = crate::auth::guard::workspace_viewer(&state, &parts).await {
        let status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, error.to_string()).into_response();
    }
    let headers = &parts.headers;
    let last_seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let (replay, receiver) = state.realtime.subscribe(last_seen);
    let first: Vec<Result<Event, Infallible>> = match replay {
        Replay::Events(events) => events.iter().map(|e| Ok(to_sse(e))).collect(),
        Replay::Resync => vec![Ok(Event::default().event("resync").data("{}"))],
    };
    let live = BroadcastStream::new(receiver).map(|item| match item {
        Ok(event) => Ok(to_sse(&event)),
        // This listener fell behind the channel: ask it to reload rather than miss changes.
        Err(BroadcastStreamRecvError::Lagged(_)) => Ok(Event::default().event("resync").data("{}")),
    });
    let stream: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(tokio_stream::iter(first).chain(live));
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
