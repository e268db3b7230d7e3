//! The frame around every page: document shell, routes, header, footer and error views.

mod area_nav;
pub mod content_policy;
pub mod format;
pub mod hydration;
pub mod inline_json;
pub mod notice;
#[cfg(feature = "ssr")]
pub mod page_render;
pub mod paging;
pub mod pending_parts;
pub mod raw_text;
pub mod seo;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

use crate::account::AccountPage;
use crate::auth::api::{current_viewer, SignIn, SignOut, SignOutEverywhere, SignUp};
use crate::auth::model::{Viewer, STUDIO_ROLES, WORKSPACE_ROLES};
use crate::auth::pages::{SignInPage, SignUpPage};
use crate::community::new_thread::NewThreadPage;
use crate::community::pages::{
    CategoryPage, ForumIndexPage, PortalHomePage, SearchPage,
};
use crate::community::profile::ProfilePage;
use crate::community::thread_page::ThreadPage;
use crate::error::AppError;
use crate::studio::StudioPage;
use crate::webhooks::WebhooksPage;
use crate::workspace::{ConversationPage, InboxPage};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        content_policy::apply_to_page();
        page_render::PageRender::record_current();
    }
    let hydrates = request_path().is_none_or(|path| hydration::page_hydrates(&path));
    let client = if hydrates {
        view! { <HydrationScripts options=options.clone()/> }.into_any()
    } else {
        view! { <script type="module" src="/portal.js"></script> }.into_any()
    };
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                {client}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

fn request_path() -> Option<String> {
    #[cfg(feature = "ssr")]
    return use_context::<http::request::Parts>().map(|parts| parts.uri.path().to_string());
    #[cfg(not(feature = "ssr"))]
    None
}

/// Account actions and the signed-in viewer, shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct Session {
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
    pub sign_out_everywhere: ServerAction<SignOutEverywhere>,
    pub viewer: Resource<Result<Option<Viewer>, AppError>>,
}

impl Session {
    fn provide() -> Session {
        let sign_in = ServerAction::<SignIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let sign_out = ServerAction::<SignOut>::new();
        let sign_out_everywhere = ServerAction::<SignOutEverywhere>::new();
        let viewer = Resource::new(
            move || {
                (
                    sign_in.version().get(),
                    sign_up.version().get(),
                    sign_out.version().get(),
                    sign_out_everywhere.version().get(),
                )
            },
            |_| current_viewer(),
        );
        let session = Session {
            sign_in,
            sign_up,
            sign_out,
            sign_out_everywhere,
            viewer,
        };
        provide_context(session);
        session
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    provide_context(seo::PageMetaSent::default());
    Session::provide();

    view! {
        <Stylesheet id="leptos" href="/pkg/rapport.css"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Title formatter=|text: String| raw_text::escaped_on_server(if text.is_empty() { "Rapport".to_string() } else { format!("{text} · Rapport") })/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <ErrorBoundary fallback=|errors| view! { <notice::ErrorList errors/> }>
                    <Routes fallback=|| view! { <NotFound/> }>
                        <Route path=path!("/") view=PortalHomePage/>
                        <Route path=path!("/forum") view=ForumIndexPage/>
                        <Route path=path!("/forum/c/:slug") view=CategoryPage ssr=SsrMode::Async/>
                        <Route path=path!("/forum/t/:id") view=ThreadPage ssr=SsrMode::Async/>
                        <Route path=path!("/forum/new") view=NewThreadPage/>
                        <Route path=path!("/forum/moderation") view=crate::community::moderation::ModerationQueuePage ssr=SsrMode::Async/>
                        <Route path=path!("/u/:id") view=ProfilePage ssr=SsrMode::Async/>
                        <Route path=path!("/stories") view=crate::stories::public_pages::StoriesPage/>
                        <Route path=path!("/stories/:id") view=crate::stories::public_pages::StoryPage ssr=SsrMode::Async/>
                        <Route path=path!("/digest/unsubscribe/:customer/:token") view=crate::stories::digest_api::DigestUnsubscribePage/>
                        <Route path=path!("/consent/:token") view=crate::stories::customer_pages::ConsentLinkPage ssr=SsrMode::Async/>
                        <Route path=path!("/rate/:token/:score") view=crate::channels::rating_page::RatingPage ssr=SsrMode::Async/>
                        <Route path=path!("/wall") view=crate::stories::wall::WallPage/>
                        <Route path=path!("/search") view=SearchPage/>
                        <Route path=path!("/signin") view=SignInPage/>
                        <Route path=path!("/signup") view=SignUpPage/>
                        <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace") view=InboxPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/c/:id") view=ConversationPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/webhooks") view=WebhooksPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/outbox") view=crate::outbox::OutboxPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/mail") view=crate::channels::received_mail::ReceivedMailPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/coaching") view=crate::coaching::CoachingPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/kpis") view=crate::journeys::KpisPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio") view=StudioPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/stories") view=crate::stories::studio_pages::StudioStoriesPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/stories/new") view=crate::stories::studio_pages::StoryEditorPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/stories/:id") view=crate::stories::studio_pages::StoryEditorPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/ripple") view=crate::stories::ripple_page::RipplePage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/quotes") view=crate::stories::wall::StudioQuotesPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/journeys") view=crate::journeys::TemplatesPage ssr=SsrMode::Async/>
                    </Routes>
                </ErrorBoundary>
            </main>
            <SiteFooter/>
        </Router>
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
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
fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Rapport is open-source customer care that treats emotion as data. Stories and quotes appear only with the customer's consent."</p>
        </footer>
    }
}

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
