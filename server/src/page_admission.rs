//! A server past its capacity stays useful: at most so many pages are in memory at once, and a
//! page beyond that is refused at once with a 503 and `Retry-After`, instead of queueing.
//!
//! Without a bound, pages arriving faster than two cores render them queued for the database,
//! reached the 15 s deadline, were cut off or given up by the client, and still drained their
//! data (`ended_pages`): in a soak at 800 requests/s on SQLite the server went from 600 MiB to
//! 1.8 GB with 47,000 page tasks running and every page timing out. Bounded, the pages admitted
//! stay fast and the rest learn at once to come back. A page holds its place until it has ended
//! for good — a cancelled page's drain included — so pages given up on still count. A response
//! that is not a page (a file, the sitemap, a feed, an export) gives its place back as soon as
//! its headers are ready.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A page's place among those in memory, given back when the page has ended.
pub type Admitted = OwnedSemaphorePermit;

#[derive(Clone)]
pub struct PageAdmission {
    places: Arc<Semaphore>,
    limit: usize,
    refused: Arc<AtomicU64>,
}

impl PageAdmission {
    pub fn new(limit: usize) -> PageAdmission {
        let limit = limit.max(1);
        PageAdmission { places: Arc::new(Semaphore::new(limit)), limit, refused: Arc::default() }
    }

    /// A place for one more page, or `None` when every place is taken.
    pub fn admit(&self) -> Option<Admitted> {
        let admitted = self.places.clone().try_acquire_owned().ok();
        if admitted.is_none() {
            let refused = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
            // One line per thousand: an overloaded server must not also flood its log.
            if refused % 1000 == 1 {
                tracing::warn!(
                    limit = self.limit,
                    refused_since_start = refused,
                    "pages refused: the server is at its limit of pages in flight (max_pages_in_flight)"
                );
            }
        }
        admitted
    }

    /// Pages refused since start.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Pages in memory now (rendering, streaming or ending).
    pub fn in_flight(&self) -> usize {
        self.limit - self.places.available_permits()
    }
}

/// What a refused page gets.
pub fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::RETRY_AFTER, "2"), (header::CACHE_CONTROL, "no-store")],
        "Rapport is busier than it can serve right now. Please try again in a few seconds.",
    )
        .into_response()
}
