//! A page's render as the server still needs it after the browser went away.
//!
//! Leptos keeps the serialisation futures of a page's resources in the request's hydration
//! context until the response streams their data out, and the resources (through their
//! reactive owner) hold that context in turn. When a browser leaves before a page's data was
//! sent, the two keep each other alive for good — several kilobytes per cancelled page. The
//! shell records the render's context here (weakly: it lives exactly as long as it would
//! anyway); the server drains a cancelled page's pending data, which ends the cycle.

use std::sync::{Arc, Mutex, Weak};

use hydration_context::SharedContext;

pub type RenderContext = Arc<dyn SharedContext + Send + Sync>;

/// One request's render. The server puts it into the request's extensions; the shell fills it.
#[derive(Clone, Default)]
pub struct PageRender(Arc<Mutex<Option<Weak<dyn SharedContext + Send + Sync>>>>);

impl PageRender {
    /// Records the render running now as this request's (call from inside the page's render).
    pub fn record_current() {
        let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else { return };
        let Some(render) = parts.extensions.get::<PageRender>().cloned() else { return };
        let Some(context) = leptos::prelude::Owner::current_shared_context() else { return };
        let Ok(mut slot) = render.0.lock() else { return };
        *slot = Some(Arc::downgrade(&context));
    }

    /// The render's context, if the page rendered and its context is still in memory.
    pub fn context(&self) -> Option<RenderContext> {
        self.weak()?.upgrade()
    }

    /// The render's context without keeping it in memory, if the page rendered.
    pub fn weak(&self) -> Option<Weak<dyn SharedContext + Send + Sync>> {
        self.0.lock().ok()?.clone()
    }
}
