//! `GET /api/live/stories`: server-sent events for public portal pages.
//!
//! Every connection — and every automatic reconnect of the browser's `EventSource` — starts
//! with a `snapshot` (the published stories' ids and the newest cards), so a page that missed
//! events while disconnected catches up: it drops what is no longer public and adds what is
//! new. Then `story` (show or update a card) and `removed` events follow live.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::story_feed::StoryFeed;
use crate::state::AppState;
use crate::stories::model::StoryCard;

/// Cards sent with a snapshot (a ticker shows fewer, the stories page adds on reload).
const SNAPSHOT_CARDS: i64 = 12;
/// Ids in a snapshot: a page showing an older story than these keeps it until told otherwise.
const SNAPSHOT_IDS: i64 = 500;

#[derive(Serialize)]
struct Snapshot {
    ids: Vec<i64>,
    /// Gratitude quotes on the wall.
    quote_ids: Vec<i64>,
    cards: Vec<StoryCard>,
}

async fn snapshot(feed: &StoryFeed) -> Event {
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
        Ok(Ok(json)) => Event::default().event("snapshot").data(json),
        Ok(Err(error)) => {
            tracing::error!(%error, "could not encode a story snapshot");
            Event::default().comment("snapshot unavailable")
        }
        Err(error) => {
            tracing::warn!(%error, "could not load a story snapshot");
            Event::default().comment("snapshot unavailable")
        }
    }
}

type EventStream = std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>>;

pub async fn story_events(State(state): State<AppState>) -> Response {
    let feed = state.story_feed.clone();
    // Subscribe before the snapshot is read, so nothing published in between is missed.
    let receiver = feed.subscribe();
    let first = snapshot(&feed).await;
    let live_feed: Arc<StoryFeed> = feed.clone();
    let live = BroadcastStream::new(receiver).then(move |item| {
        let feed = live_feed.clone();
        async move {
            match item {
                Ok(event) if event.name == "resync" => Ok(snapshot(&feed).await),
                Ok(event) => Ok(Event::default().event(event.name).data(&*event.data)),
                // Fell behind: a fresh snapshot replaces what was missed.
                Err(BroadcastStreamRecvError::Lagged(_)) => Ok(snapshot(&feed).await),
            }
        }
    });
    let stream: EventStream = Box::pin(tokio_stream::once(Ok(first)).chain(live));
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))),
    )
        .into_response()
}
