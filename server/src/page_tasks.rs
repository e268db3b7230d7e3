//! Every task a page's render spawns belongs to that page and ends with it.
//!
//! Leptos runs resources and suspenses as tasks on its global executor (any_spawner). When a
//! page is cancelled — the browser went away, or the page deadline cut it off — its reactive
//! owner is torn down, but those tasks ran on: in a torn-down owner they logged
//! "AppState missing from the request context" and panicked with "use_resolved_path outside a
//! <Router>", and a task waiting for something that never came stayed forever. Here the
//! executor spawns onto tokio as before, and a task spawned while a page renders (or by such a
//! task) is registered with the page; when the page's response ends, completed or cancelled,
//! the page's tasks are aborted.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use tokio::task::AbortHandle;

tokio::task_local! {
    static CURRENT_PAGE: PageTasks;
}

/// Tasks of pages still running, process-wide (a gauge for `/healthz` and the tests).
static RUNNING: AtomicUsize = AtomicUsize::new(0);

pub fn running() -> usize {
    RUNNING.load(Ordering::Relaxed)
}

/// Makes page renders own their tasks. Call before the first router is built: Leptos installs
/// a plain tokio executor on first use, and the first installed executor stays.
pub fn install() {
    if Executor::init_custom_executor(PageScopedTokio).is_err() {
        tracing::debug!("an async executor was installed already; page tasks are not scoped");
    }
}

/// The tasks of one page.
#[derive(Clone, Default)]
pub struct PageTasks(Arc<Tasks>);

#[derive(Default)]
struct Tasks {
    /// `None` once the page has ended (a late spawn is aborted at once).
    handles: Mutex<Option<Vec<AbortHandle>>>,
    running: AtomicUsize,
    idle: tokio::sync::Notify,
}

impl PageTasks {
    pub fn new() -> PageTasks {
        PageTasks(Arc::new(Tasks { handles: Mutex::new(Some(Vec::new())), ..Tasks::default() }))
    }

    /// Runs `future` as part of this page: what it spawns belongs to the page.
    pub fn scope<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
        CURRENT_PAGE.scope(self.clone(), PageCode(Some(Box::pin(future))))
    }

    /// Runs `poll` (one synchronous step of the page, e.g. polling its body) as part of it.
    pub fn enter<R>(&self, poll: impl FnOnce() -> R) -> R {
        CURRENT_PAGE.sync_scope(self.clone(), || keep_error_hook(poll))
    }

    fn is_idle(&self) -> bool {
        self.0.running.load(Ordering::Acquire) == 0
    }

    /// Waits until none of the page's tasks is running (more may be spawned later).
    pub async fn idle(&self) {
        loop {
            let idle = self.0.idle.notified();
            if self.is_idle() {
                return;
            }
            idle.await;
        }
    }

    /// Ends the page: aborts every task it still has.
    pub fn end(&self) {
        let handles = self.0.handles.lock().ok().and_then(|mut tasks| tasks.take()).unwrap_or_default();
        for handle in handles {
            handle.abort();
        }
    }

    fn adopt(&self, handle: AbortHandle) {
        let Ok(mut tasks) = self.0.handles.lock() else { return };
        match tasks.as_mut() {
            Some(handles) => {
                handles.retain(|handle| !handle.is_finished());
                handles.push(handle);
            }
            None => handle.abort(),
        }
    }
}

/// Runs one poll of page code and leaves the thread's error hook as it found it. Leptos sets a
/// thread-local error hook while it renders an error boundary; a hook set in one poll and reset
/// in a later one (often on another worker thread) stayed behind on the first thread, holding
/// its page's render in memory until another page replaced it.
fn keep_error_hook<R>(poll: impl FnOnce() -> R) -> R {
    static NO_HOOK: std::sync::OnceLock<Arc<dyn throw_error::ErrorHook>> = std::sync::OnceLock::new();
    let _as_before = throw_error::set_error_hook(NO_HOOK.get_or_init(|| Arc::new(NoErrorHook)).clone());
    poll()
}

/// Page code, polled and dropped with the thread's error hook kept as it was. The drop matters
/// as much as the polls: a page task aborted, or a drain cut off by the deadline, drops futures
/// that hold error-boundary guards across an await. Dropped in the wrong order (an outer
/// boundary's guard before an inner one's), the last guard puts the outer boundary's hook back
/// on the thread, and that hook holds its page's whole render.
struct PageCode<F: Future>(Option<Pin<Box<F>>>);

impl<F: Future> Future for PageCode<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<F::Output> {
        match self.0.as_mut() {
            Some(future) => keep_error_hook(|| future.as_mut().poll(context)),
            None => Poll::Pending,
        }
    }
}

impl<F: Future> Drop for PageCode<F> {
    fn drop(&mut self) {
        let future = self.0.take();
        keep_error_hook(|| drop(future));
    }
}

/// What an error thrown outside every error boundary meets: nothing, as with no hook at all.
struct NoErrorHook;

impl throw_error::ErrorHook for NoErrorHook {
    fn throw(&self, _error: throw_error::Error) -> throw_error::ErrorId {
        throw_error::ErrorId::default()
    }

    fn clear(&self, _id: &throw_error::ErrorId) {}
}

/// Counts a page task as running, for its page and process-wide, until it finishes or is
/// aborted.
struct Running(PageTasks);

impl Running {
    fn start(page: &PageTasks) -> Running {
        RUNNING.fetch_add(1, Ordering::Relaxed);
        page.0.running.fetch_add(1, Ordering::AcqRel);
        Running(page.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::Relaxed);
        if self.0 .0.running.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0 .0.idle.notify_waiters();
        }
    }
}

struct PageScopedTokio;

impl CustomExecutor for PageScopedTokio {
    fn spawn(&self, future: PinnedFuture<()>) {
        match CURRENT_PAGE.try_with(PageTasks::clone) {
            Ok(page) => {
                let running = Running::start(&page);
                let task = page.scope(async move {
                    let _running = running;
                    future.await
                });
                page.adopt(tokio::spawn(task).abort_handle());
            }
            Err(_) => {
                tokio::spawn(future);
            }
        }
    }

    fn spawn_local(&self, future: PinnedLocalFuture<()>) {
        tokio::task::spawn_local(future);
    }

    fn poll_local(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_code_dropped_unfinished_leaves_no_error_hook_behind() {
        let outer: Arc<dyn throw_error::ErrorHook> = Arc::new(NoErrorHook);
        let outer_render = Arc::downgrade(&outer);
        let page = PageTasks::new();
        let mut render = Box::pin(page.scope(async move {
            let outer_guard = throw_error::set_error_hook(outer);
            let inner_guard = throw_error::set_error_hook(Arc::new(NoErrorHook));
            // A tuple drops its first field first: the outer boundary's guard (putting back no
            // hook), then the inner one's, putting back the outer boundary's hook.
            let _guards = (outer_guard, inner_guard);
            std::future::pending::<()>().await;
        }));
        assert!(render.as_mut().poll(&mut Context::from_waker(std::task::Waker::noop())).is_pending());
        // Dropped unfinished, as tokio drops an aborted task.
        drop(render);
        assert!(throw_error::get_error_hook().is_none(), "an ended page's error hook stayed on the thread");
        assert_eq!(outer_render.strong_count(), 0, "the ended page's boundary is still held");
    }
}
