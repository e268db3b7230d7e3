//! A person's own account: profile, sessions, and their data (export and erasure).

pub mod api;
pub mod device;
pub mod privacy;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::format::{day, when};
use crate::shell::notice::loaded;
use crate::shell::use_session;

#[component]
fn Welcome(welcome: api::Welcome) -> impl IntoView {
    view! {
        <section class="welcome" aria-labelledby="welcome-title">
            <h2 id="welcome-title">"Welcome to the community"</h2>
            <p>"Ask a question in the " <a href="/forum">"forum"</a> ", or see how others were helped:"</p>
            <crate::portal::forum::pages::HappinessStrip stats=welcome.stats/>
            <crate::portal::stories::public_pages::StoryTickerList cards=welcome.stories/>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let overview = Resource::new(move || session.sign_out_everywhere.version().get(), |_| api::load_account_overview());
    view! {
        <Title text="Your account"/>
        <section class="page narrow">
            {loaded(overview, move |account| view! {
                            <h1>{format!("Hello, {}", account.viewer.display_name)}</h1>
                            {account.welcome.map(|welcome| view! { <Welcome welcome/> })}
                            <dl class="facts">
                                <dt>"Email"</dt><dd>{account.viewer.email.clone()}</dd>
                                <dt>"Account type"</dt><dd>{account.viewer.role.label()}</dd>
                                <dt>"Member since"</dt><dd>{day(account.member_since)}</dd>
                            </dl>
                            <h2>"Where you're signed in"</h2>
                            <ul class="plain-list">
                                {account.sessions.into_iter().map(|s| view! {
                                    <li>{format!("{} — since {}", s.device, when(s.started_at))}</li>
                                }).collect_view()}
                            </ul>
                            <ActionForm action=session.sign_out_everywhere>
                                <button type="submit" class="button button--secondary">"Sign out everywhere"</button>
                            </ActionForm>
                        }.into_any())}
            // Siblings of the overview, not inside it: each loads on its own, and shows nothing
            // for accounts it does not concern.
            <crate::portal::stories::customer_pages::MyStories/>
            <crate::portal::stories::digest_api::DigestSettings/>
            <privacy::PrivacySettings/>
        </section>
    }
}
