use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <section class="page narrow">
            <h1>"We couldn't find that page"</h1>
            <p>"The address may be mistyped, or the page was moved. These might help:"</p>
            <ul class="plain-list">
                <li><A href="/">"Community home"</A></li>
                <li><A href="/forum">"Browse the forum"</A></li>
                <li><A href="/search">"Search"</A></li>
            </ul>
        </section>
    }
}
