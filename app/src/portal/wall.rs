//! The gratitude wall (`/wall`): thank-you quotes customers agreed to share, word for word, put
//! on the wall by marketing (`studio::quotes`). The wall says how quotes were selected.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::domain::community::model::PublishedQuote;
use crate::error::AppError;
use crate::shell::notice::loaded;
use crate::shell::seo::PageMeta;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WallView {
    pub quotes: Vec<PublishedQuote>,
    pub plans: Vec<String>,
    pub channels: Vec<String>,
    pub note: String,
}

#[server(prefix = "/api", endpoint = "wall/quotes")]
pub async fn load_wall(#[server(default)] plan: String, #[server(default)] channel: String) -> Result<WallView, AppError> {
    use crate::auth::guard::{authorize, Access};
    use crate::data::quotes;
    authorize(Access::Public).await?;
    let state = crate::state::app_state()?;
    let db = state.db.clone();
    let (plans, channels) = quotes::wall_facets(&db).await?;
    let counted = db.clone();
    let (shown, thank_yous) = state
        .community_counts
        .wall_selection(|| async move { quotes::selection(&counted, chrono::Utc::now() - chrono::Duration::days(30)).await })
        .await?;
    let quotes = quotes::wall(&db, Some(plan.trim()), Some(channel.trim()), 200).await?;
    Ok(WallView { quotes, plans, channels, note: crate::domain::stories::quotes::selection_note(shown, thank_yous) })
}

#[component]
pub fn WallPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || (query.read().get("plan").unwrap_or_default(), query.read().get("channel").unwrap_or_default());
    let wall = Resource::new(filters, |(plan, channel)| load_wall(plan, channel));
    view! {
        <Title text="Gratitude wall"/>
        <PageMeta title="Gratitude wall" description="Thank-you messages from customers, shown with their consent and never edited."/>
        <section class="page">
            <h1>"Gratitude wall"</h1>
            <p class="lede">"Thank-you notes from customers, shown with their consent and never edited."</p>
            {loaded(wall, move |wall| {
                let (plan, channel) = filters();
                view! {
                    <p class="meta wall__note">{wall.note.clone()}</p>
                    {(!wall.plans.is_empty() || !wall.channels.is_empty()).then(|| view! {
                        <Form method="GET" action="/wall" attr:class="filters" attr:aria-label="Filter the wall">
                            <label for="wall-plan">"Product"</label>
                            <select id="wall-plan" name="plan">
                                <option value="">"All"</option>
                                {wall.plans.iter().map(|p| view! { <option value=p.clone() selected=*p == plan>{p.clone()}</option> }).collect_view()}
                            </select>
                            <label for="wall-channel">"Channel"</label>
                            <select id="wall-channel" name="channel">
                                <option value="">"All"</option>
                                {wall.channels.iter().map(|c| view! { <option value=c.clone() selected=*c == channel>{c.clone()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button button--small">"Filter"</button>
                        </Form>
                    })}
                    {if wall.quotes.is_empty() {
                        view! { <p class="empty">"No thank-you notes are shown here yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="wall">
                                {wall.quotes.into_iter().map(|quote| view! {
                                    <li data-quote-id=quote.id.to_string()><blockquote><p>{format!("“{}”", quote.quote)}</p><footer>{quote.said_by}</footer></blockquote></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <details class="embed-help">
                        <summary>"Show this wall on your own site"</summary>
                        <p>"Paste this where the wall should appear (no cookies, no trackers; quotes disappear from it when a customer withdraws):"</p>
                        <pre>{"<iframe src=\"/embed/wall\" title=\"Gratitude wall\" sandbox=\"allow-scripts allow-popups\" loading=\"lazy\" style=\"border:0;width:100%;height:420px\"></iframe>"}</pre>
                    </details>
                }.into_any()
            })}
        </section>
    }
}
