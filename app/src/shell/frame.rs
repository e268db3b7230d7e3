//! The site's header (with the menu and the viewer's links), its footer, and the frame of a
//! staff page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{area_nav, notice, pending_parts, use_session};
use crate::domain::accounts::{Viewer, STUDIO_ROLES, WORKSPACE_ROLES};

#[component]
pub fn SiteHeader() -> impl IntoView {
    let session = use_session();
    pending_parts::track(session.viewer);
    let menu_open = RwSignal::new(false);
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true">"◖◗"</span>
                    " Rapport"
                </A>
                <button
                    type="button"
                    class="menu-toggle"
                    aria-controls="site-nav"
                    aria-expanded=move || if menu_open.get() { "true" } else { "false" }
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    {move || if menu_open.get() { "Close menu" } else { "Menu" }}
                </button>
                <nav id="site-nav" class="site-nav" class:site-nav--open=move || menu_open.get() aria-label="Main">
                    <A href="/forum">"Forum"</A>
                    <A href="/stories">"Stories"</A>
                    <A href="/wall">"Gratitude wall"</A>
                    <A href="/search">"Search"</A>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let viewer = session.viewer.await;
                            if !notice::page_is_live() {
                                return ().into_any();
                            }
                            match viewer {
                                Ok(Some(viewer)) => view! { <ViewerLinks viewer/> }.into_any(),
                                _ => view! {
                                    <A href="/signin">"Sign in"</A>
                                    <A href="/signup" attr:class="button button--small">"Join"</A>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                </nav>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let viewer = session.viewer.await.ok().flatten();
                    viewer.filter(|_| notice::page_is_live()).map(|viewer| view! { <area_nav::AreaNav viewer/> })
                })}
            </Transition>
        </header>
    }
}

#[component]
fn ViewerLinks(viewer: Viewer) -> impl IntoView {
    let session = use_session();
    let workspace = viewer.may_enter(WORKSPACE_ROLES);
    let studio = viewer.may_enter(STUDIO_ROLES);
    view! {
        // One link per staff area; each area's own pages are in its bar (`area_nav`).
        {workspace.then(|| view! { <A href="/workspace">"Workspace"</A> })}
        {studio.then(|| view! { <A href="/studio">"Studio"</A> })}
        {viewer.role.is_staff().then(|| view! { <A href="/forum/moderation">"Moderation"</A> })}
        <A href="/account" attr:class="viewer-name">{viewer.display_name.clone()}</A>
        <ActionForm action=session.sign_out attr:class="inline-form">
            <button type="submit" class="link-button">"Sign out"</button>
        </ActionForm>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Rapport is open-source customer care that treats emotion as data. Stories and quotes appear only with the customer's consent."</p>
        </footer>
    }
}

/// A staff page: its document title, the dense workspace section and its heading.
#[component]
pub fn StaffPage(
    /// The document title (the shell adds " · Rapport").
    title: &'static str,
    /// The heading, when it says more than the title.
    #[prop(optional)]
    heading: Option<&'static str>,
    /// The page's own class beside `workspace`, for its styles.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let classes = if class.is_empty() { "workspace".to_string() } else { format!("workspace {class}") };
    view! {
        <Title text=title/>
        <section class=classes>
            <h1>{heading.unwrap_or(title)}</h1>
            {children()}
        </section>
    }
}
