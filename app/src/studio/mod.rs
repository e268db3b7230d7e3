//! The marketing studio: stories, quotes and consent.

pub mod api;
pub mod model;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::shell::format::when;
use crate::shell::notice::loaded;
use model::StatusCount;

#[component]
pub fn StudioPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| api::load_studio_overview());
    view! {
        <Title text="Studio"/>
        <section class="page">
            {loaded(overview, move |overview| view! {
                            <h1>"Marketing studio"</h1>
                            <div class="cards">
                                <StatusCard title="Stories" counts=overview.stories_by_status/>
                                <StatusCard title="Gratitude quotes" counts=overview.quotes_by_status/>
                                <section class="card">
                                    <h2>"Consent ledger"</h2>
                                    <p>{format!("{} granted · {} withdrawn", overview.consents_granted, overview.consents_withdrawn)}</p>
                                </section>
                            </div>
                            <h2>"Recent stories"</h2>
                            {if overview.recent_stories.is_empty() {
                                view! { <p class="empty">"No stories drafted yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="plain-list">
                                        {overview.recent_stories.into_iter().map(|story| view! {
                                            <li>
                                                <strong>{story.title}</strong>
                                                {format!(" · {} · {} (v{}) · {}", story.customer_name, story.status, story.version, when(story.updated_at))}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }.into_any())}
        </section>
    }
}

#[component]
fn StatusCard(title: &'static str, counts: Vec<StatusCount>) -> impl IntoView {
    let total: i64 = counts.iter().map(|c| c.count).sum();
    view! {
        <section class="card">
            <h2>{title}</h2>
            {if counts.is_empty() {
                view! { <p class="muted">"None yet."</p> }.into_any()
            } else {
                view! {
                    <p><strong>{total}</strong>" in total"</p>
                    <ul class="plain-list">
                        {counts.into_iter().map(|c| view! { <li>{format!("{}: {}", c.status.replace('_', " "), c.count)}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
