//! `GET /api/live/stories`: server-sent events for public portal pages.
//!
//! Every connection — and every automatic reconnect of the browser's `EventSource` — starts
//! with a `snapshot` (the published stories' ids and the newest cards), so a page that missed
//! events while disconnected catches up: it drops what is no longer public and adds what is
//! new. Then `story` (show or update a card) and `removed` events follow live.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use super::story_feed::{sse_frame, StoryFeed};
use crate::domain::stories::model::StoryCard;
use crate::state::AppState;

/// Cards sent with a snapshot (a ticker shows fewer, the stories page adds on reload).
const SNAPSHOT_CARDS: i64 = 12;
/// Ids in a snapshot: a page showing an older story than these keeps it until told otherwise.
const SNAPSHOT_IDS: i64 = 500;
/// A comment now and then keeps proxies from closing a quiet connection.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How soon a browser reconnects after losing the stream (sent as the SSE `retry` field).
const RETRY: &[u8] = b"retry: 1000\n\n";

#[derive(Serialize)]
struct Snapshot {
    ids: Vec<i64>,
    /// Gratitude quotes on the wall.
    quote_ids: Vec<i64>,
    cards: Vec<StoryCard>,
}

async fn snapshot(feed: &StoryFeed) -> Bytes {
    let db = feed.db();
    let loaded = async {
        Ok::<_, crate::data::DataError>(Snapshot {
            ids: crate::data::stories::published_ids(db, SNAPSHOT_IDS).await?,
            quote_ids: crate::data::quotes::wall(db, None, None, SNAPSHOT_IDS).await?.into_iter().map(|q| q.id).collect(),
            cards: crate::data::stories::published_cards(db, SNAPSHOT_CARDS).await?,
        })
    }
    .await;
    match loaded.map(|s| serde_json::to_string(&s)) {
        Ok(Ok(json)) => sse_frame("snapshot", &json),
        Ok(Err(error)) => {
            tracing::error!(%error, "could not encode a story snapshot");
            Bytes::from_static(b": snapshot unavailable\n\n")
        }
        Err(error) => {
            tracing::warn!(%error, "could not load a story snapshot");
            Bytes::from_static(b": snapshot unavailable\n\n")
        }
    }
}

pub async fn story_events(State(state): State<AppState>) -> Response {
    let feed = state.story_feed.clone();
    // Subscribe before the snapshot is read, so nothing published in between is missed.
    let receiver = feed.subscribe();
    let first = [Bytes::from_static(RETRY), snapshot(&feed).await];
    let live_feed: Arc<StoryFeed> = feed.clone();
    // Every subscriber is sent the same pre-encoded bytes; only a resync costs a query.
    let live = BroadcastStream::new(receiver).then(move |item| {
        let feed = live_feed.clone();
        async move {
            match item {
                Ok(event) if event.is_resync() => snapshot(&feed).await,
                Ok(event) => event.frame,
                // Fell behind: a fresh snapshot replaces what was missed.
                Err(BroadcastStreamRecvError::Lagged(_)) => snapshot(&feed).await,
            }
        }
    });
    let keep_alive = futures::stream::unfold((), |()| async {
        tokio::time::sleep(KEEP_ALIVE).await;
        Some((Bytes::from_static(b": keep-alive\n\n"), ()))
    });
    let stream = tokio_stream::iter(first).chain(live).merge(keep_alive).map(Ok::<_, Infallible>);
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-store"),
            // Tells nginx not to buffer the stream (see the scale-out notes).
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}
