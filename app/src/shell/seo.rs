//! The description and link-preview tags (Open Graph, Twitter card) of public pages.
//!
//! Only the server renders them: crawlers and link previews read the first response, and
//! a `leptos_meta` tag registered while suspended content hydrates cannot find its place
//! in the `<head>` (hydration stops). A page whose tags come from loaded data must be an
//! `SsrMode::Async` route, or the tags are registered after the `<head>` was sent.

use leptos::prelude::*;

/// Set once a page's tags were sent: an `SsrMode::Async` page runs its components once to
/// find its resources and again to render them, and both runs would send tags.
#[cfg(feature = "ssr")]
#[derive(Clone, Default)]
pub struct PageMetaSent(std::sync::Arc<std::sync::atomic::AtomicBool>);

#[component]
pub fn PageMeta(
    /// The page's own title, without the site name.
    #[prop(into)]
    title: String,
    #[prop(into)] description: String,
    /// Open Graph type: "website" unless a page says otherwise ("article").
    #[prop(optional)]
    kind: Option<&'static str>,
) -> impl IntoView {
    // Rendering the tags sends them to the server's `<head>`; in the body this component is
    // nothing, on the server as in the browser, so hydration sees the same (empty) markup.
    #[cfg(feature = "ssr")]
    if use_context::<PageMetaSent>().is_none_or(|sent| !sent.0.swap(true, std::sync::atomic::Ordering::Relaxed)) {
        use leptos::tachys::view::RenderHtml;
        use leptos_meta::Meta;
        let tags = view! {
            <Meta name="description" content=description.clone()/>
            <Meta property="og:site_name" content="Rapport"/>
            <Meta property="og:type" content=kind.unwrap_or("website")/>
            <Meta property="og:title" content=title/>
            <Meta property="og:description" content=description/>
            <Meta name="twitter:card" content="summary"/>
        };
        let _head_only = tags.to_html();
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (title, description, kind);
    }
}
