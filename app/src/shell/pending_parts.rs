//! The parts of a server-rendered page still waiting for their data. The server's page
//! deadline reads them when it cuts a page off, so its log line says which part never resolved
//! instead of only which route was slow.
//!
//! A part is a Resource, named by the source location of the page code that shows it. It is
//! probed when asked rather than tracked by a future: on the server, `Suspense` awaits its
//! resources itself and drops the futures of its children while it waits.
//!
//! The probe reads the resource's loading state through reference-counted handles taken while
//! the page renders, never through the resource itself: a resource lives in its page's arena,
//! and the thread that asks (the deadline's timer, outside the render) has some other page's
//! arena or none, where the lookup finds nothing — which read as "has its data", so a page
//! cut off before its first byte was sometimes logged with no waiting part at all.

use std::panic::Location;

use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub use registry::PendingParts;

/// Lists `resource` as a part of this page, named by the caller's source location.
#[track_caller]
pub fn track<T: Send + Sync + 'static>(resource: Resource<T>) {
    track_at(Location::caller(), resource)
}

/// Like [`track`], named by `location` (for helpers that show data on their caller's behalf).
pub fn track_at<T: Send + Sync + 'static>(location: &'static Location<'static>, resource: Resource<T>) {
    #[cfg(feature = "ssr")]
    if let Some(parts) = PendingParts::of_this_request() {
        parts.register(location, registry::still_loading(resource.ready()));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = (location, resource);
}

#[cfg(feature = "ssr")]
mod registry {
    use std::panic::Location;
    use std::sync::{Arc, Mutex};

    use leptos::reactive::computed::AsyncDerivedReadyFuture;

    /// True while the part is loading its data.
    type StillWaiting = Box<dyn Fn() -> bool + Send + Sync>;

    /// Probes `ready` (a resource's "done loading" future) without waiting: it holds only the
    /// resource's loading flag and waker list, so it works on any thread, in any arena, and
    /// keeps nothing of the page alive. Polling it outside a reactive scope tracks nothing.
    pub(super) fn still_loading(ready: AsyncDerivedReadyFuture) -> StillWaiting {
        let ready = Mutex::new(ready);
        Box::new(move || {
            let Ok(mut ready) = ready.lock() else { return false };
            let mut probe = std::task::Context::from_waker(std::task::Waker::noop());
            std::future::Future::poll(std::pin::Pin::new(&mut *ready), &mut probe).is_pending()
        })
    }

    /// One request's parts. The server puts it into the request's extensions; Leptos hands the
    /// request's parts (extensions included) to the render as context.
    #[derive(Clone, Default)]
    pub struct PendingParts(Arc<Mutex<Vec<(&'static Location<'static>, StillWaiting)>>>);

    impl PendingParts {
        pub(super) fn of_this_request() -> Option<PendingParts> {
            let parts = leptos::prelude::use_context::<http::request::Parts>()?;
            parts.extensions.get::<PendingParts>().cloned()
        }

        pub(super) fn register(&self, location: &'static Location<'static>, still_waiting: StillWaiting) {
            if let Ok(mut parts) = self.0.lock() {
                parts.push((location, still_waiting));
            }
        }

        /// The parts still waiting for data, as `file:line` of the code that shows them.
        pub fn waiting(&self) -> Vec<String> {
            let Ok(parts) = self.0.lock() else { return Vec::new() };
            let mut waiting: Vec<String> = parts
                .iter()
                .filter(|(_, still_waiting)| still_waiting())
                .map(|(location, _)| format!("{}:{}", location.file(), location.line()))
                .collect();
            waiting.dedup();
            waiting
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// A page's render: its own root owner (with sandboxed arenas, its own arena), with the
    /// request's parts as context, as leptos_axum provides them.
    fn page() -> (Owner, PendingParts) {
        let _ = any_spawner::Executor::init_tokio();
        let parts = PendingParts::default();
        let (mut request, ()) = http::Request::new(()).into_parts();
        request.extensions.insert(parts.clone());
        let owner = Owner::new_root(None);
        owner.with(|| provide_context(request));
        (owner, parts)
    }

    /// As on a worker thread that last ran another page: that page's arena is current.
    fn another_page_runs_on_this_thread() -> Owner {
        let other = Owner::new_root(None);
        other.set();
        other
    }

    #[tokio::test]
    async fn a_part_still_loading_is_named_from_outside_its_pages_arena() {
        let (page, parts) = page();
        let line = page.with(|| {
            let resource = Resource::new(|| (), |_| std::future::pending::<u32>());
            (track(resource), line!()).1
        });
        let _other = another_page_runs_on_this_thread();
        assert_eq!(parts.waiting(), vec![format!("{}:{line}", file!())]);
    }

    #[tokio::test]
    async fn a_part_with_its_data_is_not_named() {
        let (page, parts) = page();
        let resource = page.with(|| {
            let resource = Resource::new(|| (), |_| async { 7u32 });
            track(resource);
            ArcResource::from(resource)
        });
        assert_eq!(resource.await, 7);
        let _other = another_page_runs_on_this_thread();
        assert_eq!(parts.waiting(), Vec::<String>::new());
    }
}
