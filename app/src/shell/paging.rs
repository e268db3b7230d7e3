//! Reading ids and page numbers from the URL, and the pager under paginated lists.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A numeric route parameter (`/forum/t/:id`); 0 when missing or not a number, which the
/// server answers with "not found".
pub fn id_param(name: &'static str) -> impl Fn() -> i64 + Clone + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).and_then(|id| id.parse::<i64>().ok()).unwrap_or(0)
}

/// `?page=N`, 1 when absent or invalid.
pub fn page_query() -> impl Fn() -> i64 + Clone + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1)
}

/// Previous/next links with stable URLs (`{base}?page=N`, or `&page=N` when `base` has a query).
#[component]
pub fn Pager(base: String, page: i64, has_more: bool, previous_label: &'static str, next_label: &'static str) -> impl IntoView {
    let join = if base.contains('?') { '&' } else { '?' };
    let previous = (page > 1).then(|| format!("{base}{join}page={}", page - 1));
    let next = has_more.then(|| format!("{base}{join}page={}", page + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            {previous.map(|href| view! { <a href=href rel="prev">{previous_label}</a> })}
            <span>{format!("Page {page}")}</span>
            {next.map(|href| view! { <a href=href rel="next">{next_label}</a> })}
        </nav>
    }
}
