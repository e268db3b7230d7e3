//! The portal's story surfaces: the stories page, a story's own page and the live ticker on
//! the portal home. All server-rendered; `/portal.js` keeps them live (see `realtime`).

use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::hooks::use_params_map;

use crate::portal::stories::api::load_public_story;

use crate::portal::stories::api::published_stories;

use crate::domain::format::day;
use crate::domain::stories::model::StoryCard;
use crate::portal::stories::api::ReactToStory;
use crate::shell::notice::loaded;
use crate::shell::seo::PageMeta;

/// How many stories the home page's ticker shows.
pub const TICKER_STORIES: u32 = 5;

/// One story card; `/portal.js` builds the same markup for stories that arrive live.
#[component]
pub fn StoryCardItem(card: StoryCard) -> impl IntoView {
    let class = if card.featured { "story-card story-card--featured" } else { "story-card" };
    view! {
        <li class=class data-story-id=card.id.to_string()>
            <h3>
                <a href=format!("/stories/{}", card.id)>{card.title}</a>
                {card.featured.then(|| view! { " " <span class="badge badge--featured">"Featured"</span> })}
            </h3>
            <p>{card.excerpt}</p>
            <p class="meta">{format!("Shared by {}", card.told_by)}</p>
        </li>
    }
}

/// The home page's live ticker: nothing at all while no story is shared.
#[component]
pub fn StoryTicker() -> impl IntoView {
    let stories = Resource::new(|| (), |_| published_stories(TICKER_STORIES));
    view! { {loaded(stories, move |cards| view! { <StoryTickerList cards/> }.into_any())} }
}

/// The ticker's markup for cards already loaded.
#[component]
pub fn StoryTickerList(cards: Vec<StoryCard>) -> impl IntoView {
    let hidden = cards.is_empty();
    view! {
                <section class="story-ticker-section" aria-labelledby="ticker-title" data-live-section="" hidden=hidden>
                    <h2 id="ticker-title">"Resolved just now"</h2>
                    <p class="meta">"Real problems, solved well — shared by the customers themselves, with their consent."</p>
                    <ul class="story-ticker" data-live-stories="ticker" data-limit=TICKER_STORIES.to_string() aria-live="polite">
                        {cards.into_iter().map(|card| view! { <StoryCardItem card/> }).collect_view()}
                    </ul>
                    <p><a href="/stories">"All resolved stories"</a></p>
                </section>
    }
}

#[component]
pub fn StoriesPage() -> impl IntoView {
    let stories = Resource::new(|| (), |_| published_stories(50));
    view! {
        <Title text="Resolved stories"/>
        <PageMeta title="Resolved stories" description="How customers' problems were solved well, told with their consent."/>
        <Link rel="alternate" type_="application/atom+xml" title="Resolved stories" href=crate::portal::stories::FEED_PATH/>
        <section class="page">
            <h1>"Resolved stories"</h1>
            <p class="lede">"How customers' problems were solved, shared by the customers themselves. Each one is public only while its customer agrees."</p>
            <p class="meta"><a href=crate::portal::stories::FEED_PATH rel="alternate" type="application/atom+xml">"Follow in a feed reader (Atom)"</a></p>
            {loaded(stories, move |cards| {
                let empty = cards.is_empty();
                view! {
                    <ul class="story-list" data-live-stories="list" aria-live="polite">
                        {cards.into_iter().map(|card| view! { <StoryCardItem card/> }).collect_view()}
                    </ul>
                    <p class="empty" data-live-empty="" hidden=!empty>"No stories are shared right now. Stories appear here only when a customer agrees to share theirs."</p>
                }.into_any()
            })}
        </section>
    }
}

#[component]
pub fn StoryPage() -> impl IntoView {
    let params = use_params_map();
    let react = ServerAction::<ReactToStory>::new();
    let react_error = crate::shell::notice::form_error(react.value(), "stories/react");
    let story = Resource::new(
        move || (params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0), react.version().get()),
        |(id, _)| load_public_story(id),
    );
    view! {
        {loaded(story, move |story| {
            let card = story.card;
            let description = card.excerpt.clone();
            view! {
                <Title text=card.title.clone()/>
                <PageMeta title=card.title.clone() description kind="article"/>
                <article class="page narrow story" data-story-page="" data-story-id=card.id.to_string()>
                    <p class="meta"><a href="/stories">"Resolved stories"</a></p>
                    <h1>{card.title.clone()}</h1>
                    <p class="meta">{format!("Shared by {} · {}", card.told_by, day(card.published_at))}</p>
                    {story.narrative.split("\n\n").map(|paragraph| view! { <p>{paragraph.to_string()}</p> }).collect_view()}
                    {story.quotes.into_iter().map(|quote| view! {
                        <blockquote class="story__quote"><p>{format!("“{quote}”")}</p><footer>{card.told_by.clone()}</footer></blockquote>
                    }).collect_view()}
                    <h2>"How it was resolved"</h2>
                    <p>{story.resolution}</p>
                    <crate::shell::notice::FormError message=react_error/>
                    <ActionForm action=react attr:class="inline-form story__reaction">
                        <input type="hidden" name="story_id" value=card.id.to_string()/>
                        <button type="submit" class="button button--secondary">{format!("♥ This gave me hope · {}", story.reactions)}</button>
                    </ActionForm>
                    <nav class="story__next" aria-labelledby="story-next-title" data-story-onward="">
                        <h2 id="story-next-title">"What next?"</h2>
                        <ul>
                            <li><a href="/forum/new">"Ask the community about your own problem"</a></li>
                            <li><a href="/forum">"Browse the forum: customers helping each other"</a></li>
                            <li><a href="/search">"Search answers and help"</a></li>
                        </ul>
                    </nav>
                </article>
            }.into_any()
        })}
    }
}
