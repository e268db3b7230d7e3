//! Keyboard shortcuts for the workspace, with a help overlay (`?`). They act on the page's own
//! links and buttons, so every shortcut does exactly what a click would.
//!
//! Inbox: `j`/`k` next/previous conversation, `Enter` (or `o`) open it.
//! Conversation: `r` reply, `n` note, `a` assign to me, `e` resolve, `u` back to the inbox.
//! Keys typed into a text field are left alone; `Escape` leaves the field or the overlay.

use leptos::prelude::*;

pub const SHORTCUTS: &[(&str, &str)] = &[
    ("j / k", "next / previous conversation (inbox)"),
    ("Enter or o", "open the selected conversation"),
    ("r", "write a reply"),
    ("n", "write an internal note"),
    ("a", "assign the conversation to me"),
    ("e", "resolve (write the summary)"),
    ("u", "back to the inbox"),
    ("?", "show or hide this help"),
    ("Esc", "leave a text field or close this help"),
];

#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    let help_open = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let selected = RwSignal::new(None::<u32>);
        let handle = window_event_listener(leptos::ev::keydown, move |event| {
            dom::on_key(event, help_open, selected);
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <p class="shortcuts-hint">"Press "<kbd>"?"</kbd>" for keyboard shortcuts"</p>
        <Show when=move || help_open.get()>
            <div class="shortcuts" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title">
                <div class="shortcuts__card">
                    <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                    <dl>
                        {SHORTCUTS.iter().map(|(keys, what)| view! { <dt><kbd>{*keys}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                    </dl>
                    <button type="button" class="button button--small" on:click=move |_| help_open.set(false)>"Close"</button>
                </div>
            </div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod dom {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlElement, KeyboardEvent};

    fn document() -> Option<web_sys::Document> {
        web_sys::window().and_then(|w| w.document())
    }

    fn element(selector: &str) -> Option<HtmlElement> {
        document()?.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into::<HtmlElement>().ok())
    }

    fn typing(event: &KeyboardEvent) -> bool {
        event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || e.has_attribute("contenteditable"))
            .unwrap_or(false)
    }

    fn inbox_links() -> Vec<HtmlElement> {
        let Some(list) = document().and_then(|d| d.query_selector_all("table.inbox .inbox__subject").ok()) else {
            return Vec::new();
        };
        (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<HtmlElement>().ok()).collect()
    }

    fn select(links: &[HtmlElement], index: u32) {
        for (i, link) in links.iter().enumerate() {
            if let Some(row) = link.closest("tr").ok().flatten() {
                let _ = if i as u32 == index { row.class_list().add_1("is-selected") } else { row.class_list().remove_1("is-selected") };
            }
        }
        if let Some(link) = links.get(index as usize) {
            let _ = link.focus();
        }
    }

    pub fn on_key(event: KeyboardEvent, help_open: RwSignal<bool>, selected: RwSignal<Option<u32>>) {
        if event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let key = event.key();
        if key == "Escape" {
            help_open.set(false);
            if let Some(active) = document().and_then(|d| d.active_element()).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                let _ = active.blur();
            }
            return;
        }
        if typing(&event) {
            return;
        }
        let act = |selector: &str, click: bool| {
            if let Some(target) = element(selector) {
                event.prevent_default();
                if click {
                    target.click();
                } else {
                    let _ = target.focus();
                }
            }
        };
        match key.as_str() {
            "?" => help_open.update(|open| *open = !*open),
            "j" | "k" => {
                let links = inbox_links();
                if links.is_empty() {
                    return;
                }
                let last = links.len() as u32 - 1;
                let next = match (selected.get_untracked(), key.as_str()) {
                    (None, _) => 0,
                    (Some(i), "j") => (i + 1).min(last),
                    (Some(i), _) => i.saturating_sub(1),
                };
                selected.set(Some(next));
                event.prevent_default();
                select(&links, next);
            }
            "o" => {
                if let Some(i) = selected.get_untracked() {
                    if let Some(link) = inbox_links().get(i as usize) {
                        event.prevent_default();
                        link.click();
                    }
                }
            }
            "r" => act("#reply-body", false),
            "n" => act("#note-body", false),
            "e" => act("#resolve-summary", false),
            "a" => act("[data-shortcut=assign-me]", true),
            "u" => act(".breadcrumbs a", true),
            _ => {}
        }
    }
}
