//! The browser side: an `EventSource` on the events endpoint that calls back on every change
//! (and on `resync`). The browser reconnects by itself and the server replays what was missed.

/// Calls `on_change` whenever an inbox event (or a resync) arrives, while the calling
/// component lives. Does nothing during server rendering.
pub fn use_live_updates(on_change: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let Ok(source) = web_sys::EventSource::new(super::EVENTS_PATH) else {
            return;
        };
        let on_change = std::rc::Rc::new(on_change);
        for kind in ["inbox", "resync"] {
            let on_change = on_change.clone();
            let listener =
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
                    on_change()
                });
            let _ =
                source.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
            listener.forget();
        }
        let source = send_wrapper::SendWrapper::new(source);
        leptos::prelude::on_cleanup(move || source.close());
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = on_change;
    }
}
