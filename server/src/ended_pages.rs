//! Pages after their end: none may stay in memory.
//!
//! A page's resources and its hydration context hold each other until the context's pending
//! data has been streamed out (`app::shell::page_render`). A page the browser left mid-render
//! never streams it, so here it is drained — the page's resources finish, by the page's
//! deadline at the latest — before the page's tasks end. Its view is dropped last, once no task
//! of the page runs. `/healthz` counts the renders of
//! ended pages still in memory (`ended_pages_in_memory`, beside `pages_cancelled`): a few
//! while they are being freed or drained, and a number that keeps growing is a leak.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Weak};

use std::time::Duration;

use app::shell::page_render::{PageRender, RenderContext};
use futures::StreamExt;
use hydration_context::SharedContext;
use tokio::time::Instant;

use crate::page_tasks::PageTasks;

/// Pages left mid-render since start.
static CANCELLED: AtomicU64 = AtomicU64::new(0);

/// Renders of ended pages, weakly: an entry counts while its render is still in memory.
static ENDED: Mutex<Vec<Weak<dyn SharedContext + Send + Sync>>> = Mutex::new(Vec::new());

/// Ends a page that did not complete: drains its pending data if it was cancelled
/// (`drain`), until `until` at the latest; then ends its tasks, waits until none is running,
/// and only then drops its view, so no page code runs while the view is torn down.
pub async fn finish(tasks: PageTasks, render: PageRender, drain: Option<RenderContext>, until: Instant, view: Option<Box<dyn Send>>) {
    if let Some(context) = drain {
        CANCELLED.fetch_add(1, Ordering::Relaxed);
        // Its effects are paused (`PageRender::pause`), so no part starts loading any more — but
        // one already rendering when the pause came may still add its data: drain until a pass
        // finds nothing new (a pass always yields its opening and closing script).
        let drained = tokio::time::timeout_at(
            until,
            tasks.scope(async {
                while let Some(pending) = context.pending_data() {
                    if pending.count().await <= 2 {
                        break;
                    }
                }
            }),
        )
        .await;
        if drained.is_err() {
            tracing::debug!("a cancelled page's data did not arrive before its deadline");
        }
    }
    tasks.end();
    // An aborted task stops at its next await; one caught inside a poll finishes that poll.
    if tokio::time::timeout(Duration::from_secs(5), tasks.idle()).await.is_err() {
        tracing::warn!("a page's tasks did not stop within 5 s of its end");
    }
    // Dropped as page code: what it would spawn ends with the page; the thread's error hook stays.
    tasks.enter(|| drop(view));
    if let Some(render) = render.weak() {
        remember(render);
    }
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
