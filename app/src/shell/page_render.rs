//! A page's render as the server still needs it after the browser went away.
//!
//! Leptos keeps the serialisation futures of a page's resources in the request's hydration
//! context until the response streams their data out, and the resources (through their
//! reactive owner) hold that context in turn. When a browser leaves before a page's data was
//! sent, the two keep each other alive for good — several kilobytes per cancelled page. The
//! shell records the render's context here (weakly: it lives exactly as long as it would
//! anyway); the server drains a cancelled page's pending data, which ends the cycle. It also
//! records the render's root owner, so the server can stop the cancelled page's effects
//! first: only its data has to arrive, nothing may render into a view that is gone.

use std::sync::{Arc, Mutex, Weak};

use hydration_context::SharedContext;
use leptos::prelude::Owner;
use leptos::reactive::owner::WeakOwner;

pub type RenderContext = Arc<dyn SharedContext + Send + Sync>;

/// One request's render. The server puts it into the request's extensions; the shell fills it.
#[derive(Clone, Default)]
pub struct PageRender(Arc<Mutex<Option<Recorded>>>);

struct Recorded {
    context: Weak<dyn SharedContext + Send + Sync>,
    root: WeakOwner,
}

impl PageRender {
    /// Records the render running now as this request's (call from inside the page's render).
    pub fn record_current() {
        let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else { return };
        let Some(render) = parts.extensions.get::<PageRender>().cloned() else { return };
        let (Some(context), Some(root)) = (Owner::current_shared_context(), Owner::current()) else { return };
        let Ok(mut slot) = render.0.lock() else { return };
        *slot = Some(Recorded { context: Arc::downgrade(&context), root: root.downgrade() });
    }

    /// Stops the page's effects (its views re-rendering), if it is still in memory; resources
    /// already loading go on loading.
    pub fn pause(&self) {
        let root = self.0.lock().ok().and_then(|slot| slot.as_ref().and_then(|recorded| recorded.root.upgrade()));
        if let Some(root) = root {
            root.pause();
        }
    }

    /// The render's context, if the page rendered and its context is still in memory.
    pub fn context(&self) -> Option<RenderContext> {
        self.weak()?.upgrade()
    }

    /// The render's context without keeping it in memory, if the page rendered.
    pub fn weak(&self) -> Option<Weak<dyn SharedContext + Send + Sync>> {
        Some(self.0.lock().ok()?.as_ref()?.context.clone())
    }
}
