//! The HTML document and every route of the app: the one place that knows all pages.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::account::AccountPage;
use crate::auth::pages::{SignInPage, SignUpPage};
use crate::portal::forum::new_thread::NewThreadPage;
use crate::portal::forum::pages::CategoryPage;
use crate::portal::forum::pages::ForumIndexPage;
use crate::portal::forum::pages::PortalHomePage;
use crate::portal::forum::pages::SearchPage;
use crate::portal::forum::profile::ProfilePage;
use crate::portal::forum::thread_page::ThreadPage;
use crate::shell::frame::{SiteFooter, SiteHeader};
#[cfg(feature = "ssr")]
use crate::shell::{content_policy, seo};
use crate::shell::{hydration, notice, raw_text, NotFound, Session};
use crate::studio::StudioPage;
use crate::webhooks::WebhooksPage;
use crate::workspace::{ConversationPage, InboxPage};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        content_policy::apply_to_page();
        crate::shell::page_render::PageRender::record_current();
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
                        <Route path=path!("/forum/moderation") view=crate::portal::forum::moderation::ModerationQueuePage ssr=SsrMode::Async/>
                        <Route path=path!("/u/:id") view=ProfilePage ssr=SsrMode::Async/>
                        <Route path=path!("/stories") view=crate::portal::stories::public_pages::StoriesPage/>
                        <Route path=path!("/stories/:id") view=crate::portal::stories::public_pages::StoryPage ssr=SsrMode::Async/>
                        <Route path=path!("/digest/unsubscribe/:customer/:token") view=crate::portal::stories::digest_api::DigestUnsubscribePage/>
                        <Route path=path!("/consent/:token") view=crate::portal::stories::customer_pages::ConsentLinkPage ssr=SsrMode::Async/>
                        <Route path=path!("/rate/:token/:score") view=crate::portal::rating_page::RatingPage ssr=SsrMode::Async/>
                        <Route path=path!("/wall") view=crate::portal::wall::WallPage/>
                        <Route path=path!("/search") view=SearchPage/>
                        <Route path=path!("/signin") view=SignInPage/>
                        <Route path=path!("/signup") view=SignUpPage/>
                        <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace") view=InboxPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/c/:id") view=ConversationPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/webhooks") view=WebhooksPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/outbox") view=crate::workspace::outbox::OutboxPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/mail") view=crate::workspace::received_mail::ReceivedMailPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/coaching") view=crate::workspace::coaching::CoachingPage ssr=SsrMode::Async/>
                        <Route path=path!("/workspace/kpis") view=crate::workspace::kpis_page::KpisPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio") view=StudioPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/stories") view=crate::studio::story_pages::StudioStoriesPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/stories/new") view=crate::studio::story_pages::StoryEditorPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/stories/:id") view=crate::studio::story_pages::StoryEditorPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/ripple") view=crate::studio::ripple_page::RipplePage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/quotes") view=crate::studio::quotes::StudioQuotesPage ssr=SsrMode::Async/>
                        <Route path=path!("/studio/journeys") view=crate::studio::journey_templates_page::TemplatesPage ssr=SsrMode::Async/>
                    </Routes>
                </ErrorBoundary>
            </main>
            <SiteFooter/>
        </Router>
    }
}
