//! Pages after their end: none may stay in memory.
//!
//! A page's resources and its hydration context hold each other until the context's pending
//! data has been streamed out (`app::shell::page_render`). A page the browser left mid-render
//! never streams it, so here it is drained — the page's resources finish, by the page's
//! deadline at the latest — before the page's tasks end. `/healthz` counts the renders of
//! ended pages still in memory (`ended_pages_in_memory`, beside `pages_cancelled`): a few
//! while they are being freed or drained, and a number that keeps growing is a leak.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Weak};

use app::shell::page_render::RenderContext;
use futures::StreamExt;
use hydration_context::SharedContext;
use tokio::time::Instant;

use crate::page_tasks::PageTasks;

/// Pages left mid-render since start.
static CANCELLED: AtomicU64 = AtomicU64::new(0);

/// Renders of ended pages, weakly: an entry counts while its render is still in memory.
static ENDED: Mutex<Vec<Weak<dyn SharedContext + Send + Sync>>> = Mutex::new(Vec::new());

/// Drains the pending data of a page the browser left, until `until` at the latest, then ends
/// the page's tasks.
pub async fn finish_cancelled(context: RenderContext, tasks: PageTasks, until: Instant) {
    CANCELLED.fetch_add(1, Ordering::Relaxed);
    // Data a running task is still fetching may add more pending data (a part shown once
    // another part's data arrived), so drain until no task of the page runs and none is left.
    let drained = tokio::time::timeout_at(
        until,
        tasks.scope(async {
            loop {
                if let Some(pending) = context.pending_data() {
                    pending.for_each(|_| async {}).await;
                }
                if tasks.is_idle() {
                    break;
                }
                tasks.idle().await;
            }
        }),
    );
    if drained.await.is_err() {
        tracing::debug!("a cancelled page's data did not arrive before its deadline");
    }
    tasks.end();
    remember(std::sync::Arc::downgrade(&context));
}

/// Counts `render` until it leaves memory.
pub fn remember(render: Weak<dyn SharedContext + Send + Sync>) {
    let Ok(mut ended) = ENDED.lock() else { return };
    if ended.len() >= 1024 {
        ended.retain(|render| render.strong_count() > 0);
    }
    ended.push(render);
}

/// Pages the browser left mid-render since start.
pub fn cancelled() -> u64 {
    CANCELLED.load(Ordering::Relaxed)
}

/// Renders of ended pages still in memory.
pub fn in_memory() -> usize {
    let Ok(mut ended) = ENDED.lock() else { return 0 };
    ended.retain(|render| render.strong_count() > 0);
    ended.len()
}
