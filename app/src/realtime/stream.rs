//! The server-sent events endpoint for staff inboxes.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::hub::{Hub, InboxEvent, Replay};
use crate::domain::workspace::InboxChange;
use crate::state::AppState;

/// An inbox event as the browser gets it: `inbox` with the change, or `resync` (reload
/// everything, whatever page is open).
fn to_sse(hub: &Hub, event: &InboxEvent) -> Event {
    let sse = Event::default().id(hub.event_id(event));
    match event.kind {
        InboxChange::Resync => sse.event("resync").data("{}"),
        _ => sse.event("inbox").data(serde_json::to_string(event).expect("plain data serializes")),
    }
}

/// `GET /api/workspace/events`: staff only (by session cookie), live and replayed events.
pub async fn inbox_events(State(state): State<AppState>, parts: Parts) -> Response {
    if let Err(error) = crate::auth::guard::workspace_viewer(&state, &parts).await {
        return error.into_response();
    }
    let headers = &parts.headers;
    let last_seen = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let hub = state.realtime.clone();
    let (replay, receiver) = hub.subscribe(last_seen);
    let first: Vec<Result<Event, Infallible>> = match replay {
        Replay::Events(events) => events.iter().map(|e| Ok(to_sse(&hub, e))).collect(),
        Replay::Resync => vec![Ok(Event::default().event("resync").data("{}"))],
    };
    let live = BroadcastStream::new(receiver).map(move |item| match item {
        Ok(event) => Ok(to_sse(&hub, &event)),
        // This listener fell behind the channel: ask it to reload rather than miss changes.
        Err(BroadcastStreamRecvError::Lagged(_)) => Ok(Event::default().event("resync").data("{}")),
    });
    let stream: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> = Box::pin(tokio_stream::iter(first).chain(live));
    let sse = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)));
    // Tells nginx not to buffer the stream (see the README's deployment section).
    ([(axum::http::HeaderName::from_static("x-accel-buffering"), "no")], sse).into_response()
}
