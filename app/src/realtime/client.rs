//! The browser side: an `EventSource` on the events endpoint that calls back on every change
//! (and on `resync`). The browser reconnects by itself and the server replays what was missed.

/// Calls `on_change` whenever an inbox event (or a resync) arrives, while the calling
/// component lives. Does nothing during server rendering.
pub fn use_live_updates(on_change: impl Fn() + 'static) {
    listen(|_| true, on_change);
}

/// Like [`use_live_updates`], for one conversation's page: only events about the conversation
/// `conversation()` names at the time (and resyncs) call back.
pub fn use_conversation_updates(conversation: impl Fn() -> i64 + 'static, on_change: impl Fn() + 'static) {
    listen(move |about: Option<i64>| about.is_none_or(|id| id == conversation()), on_change);
}

/// `wanted(conversation)`: whether an event about `conversation` (`None`: a resync, or an
/// event that names none) calls back.
#[allow(unused_variables)]
fn listen(wanted: impl Fn(Option<i64>) -> bool + 'static, on_change: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let Ok(source) = web_sys::EventSource::new(super::EVENTS_PATH) else {
            return;
        };
        let on_change = std::rc::Rc::new(on_change);
        let wanted = std::rc::Rc::new(wanted);
        for kind in ["inbox", "resync"] {
            let on_change = on_change.clone();
            let wanted = wanted.clone();
            let listener = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let about = event
                    .data()
                    .as_string()
                    .and_then(|data| serde_json::from_str::<serde_json::Value>(&data).ok())
                    .and_then(|data| data.get("conversation_id").and_then(serde_json::Value::as_i64));
                if wanted(about) {
                    on_change()
                }
            });
            let _ = source.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
            listener.forget();
        }
        let source = send_wrapper::SendWrapper::new(source);
        leptos::prelude::on_cleanup(move || source.close());
    }
}
