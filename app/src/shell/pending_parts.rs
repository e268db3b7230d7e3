//! The parts of a server-rendered page still waiting for their data. The server's page
//! deadline reads them when it cuts a page off, so its log line says which part never resolved
//! instead of only which route was slow.
//!
//! A part is a Resource, named by the source location of the page code that shows it. It is
//! probed when asked rather than tracked by a future: on the server, `Suspense` awaits its
//! resources itself and drops the futures of its children while it waits.

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
        // The resource's own value, read without the resource's "read inside Suspense" advice:
        // the probe runs outside the render, on purpose.
        let data: leptos::reactive::computed::AsyncDerived<T> = *resource;
        parts.register(location, Box::new(move || data.try_with_untracked(Option::is_none).unwrap_or(false)));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = (location, resource);
}

#[cfg(feature = "ssr")]
mod registry {
    use std::panic::Location;
    use std::sync::{Arc, Mutex};

    /// True while the part has no data yet (false once it has, or once its page is gone).
    type StillWaiting = Box<dyn Fn() -> bool + Send + Sync>;

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
