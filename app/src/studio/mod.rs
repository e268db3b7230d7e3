//! The marketing studio: stories, quotes and consent, the ripple report and journey templates.

pub mod api;
pub mod journey_templates_api;
pub mod journey_templates_page;
pub mod quotes;
pub mod ripple_api;
pub mod ripple_page;
pub mod stories_api;
pub mod story_pages;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::format::when;
use crate::domain::studio::StatusCount;
use crate::shell::notice::loaded;

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
                            <h2>"Story candidates from healed journeys"</h2>
                            <p class="meta">{format!(
                                "Customers who were upset and whose mood rose by at least {:+.1} after a recovery journey. A story needs their consent before it is published.",
                                crate::domain::journeys::candidates::STRONG_REBOUND
                            )}</p>
                            {if overview.story_candidates.is_empty() {
                                view! { <p class="empty">"No healed journey with a strong rebound yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="plain-list story-candidates">
                                        {overview.story_candidates.into_iter().map(|candidate| {
                                            let rebound = candidate.rebound().unwrap_or_default();
                                            view! {
                                                <li>
                                                    <strong>{candidate.subject.clone()}</strong>
                                                    {format!(" · {} · mood {:+.2} → {:+.2} ({rebound:+.2}) · healed {}",
                                                        candidate.customer_name,
                                                        candidate.sentiment_before.unwrap_or_default(),
                                                        candidate.sentiment_after.unwrap_or_default(),
                                                        when(candidate.ended_at))}
                                                    <br/><span class="meta">{candidate.evidence.clone()}</span>
                                                    {candidate.conversation_id.map(|id| view! {
                                                        " " <a class="button button--small" href=format!("/studio/stories/new?conversation={id}")>"Draft a story"</a>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <h2>"Resolved conversations that turned around"</h2>
                            <p class="meta">"The customer's first message was negative and their last one at least +0.5 better; the line is the mood of each of their messages."</p>
                            {if overview.resolved_turnarounds.is_empty() {
                                view! { <p class="empty">"No resolved conversation with such a turnaround in the last 90 days."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="plain-list story-candidates">
                                        {overview.resolved_turnarounds.into_iter().map(|candidate| {
                                            let rebound = candidate.rebound().unwrap_or_default();
                                            let points = crate::domain::stories::candidates::sparkline_points(&candidate.timeline, 120.0, 24.0);
                                            let label = format!("Mood of {} messages, from {:+.2} to {:+.2}", candidate.timeline.len(),
                                                candidate.timeline.first().copied().unwrap_or_default(), candidate.timeline.last().copied().unwrap_or_default());
                                            let title = label.clone();
                                            view! {
                                                <li>
                                                    <svg class="sparkline" viewBox="0 0 120 24" width="120" height="24" role="img" aria-label=label>
                                                        <title>{title}</title>
                                                        <line x1="0" x2="120" y1="12" y2="12" class="sparkline__zero"/>
                                                        <polyline points=points class="sparkline__line"/>
                                                    </svg>
                                                    " " <strong>{candidate.subject.clone()}</strong>
                                                    {format!(" · {} · {rebound:+.2} · resolved {}", candidate.customer_name, when(candidate.resolved_at))}
                                                    " " <a class="button button--small" href=format!("/studio/stories/new?conversation={}", candidate.conversation_id)>"Draft a story"</a>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <h2>"Recent stories"</h2>
                            <p><a href="/studio/stories">"All stories and their consent"</a></p>
                            {if overview.recent_stories.is_empty() {
                                view! { <p class="empty">"No stories drafted yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="plain-list">
                                        {overview.recent_stories.into_iter().map(|story| view! {
                                            <li>
                                                <a href=format!("/studio/stories/{}", story.id)><strong>{story.title}</strong></a>
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
