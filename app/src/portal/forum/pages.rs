//! Portal pages. Server-rendered and readable without JavaScript.

use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::portal::forum::api::forum_categories;

use crate::portal::forum::api::forum_category;

use crate::portal::forum::api::load_portal_home;

use crate::domain::community::model::{CategorySummary, PortalStats, SearchHit, ThreadSummary, THREAD_SORTS};
use crate::domain::format::{count, duration, thousands, when};
use crate::portal::forum::api::search_forum;
use crate::portal::forum::thread_page::StateBadge;
use crate::shell::notice::loaded;
use crate::shell::paging::{page_query, Pager};
use crate::shell::seo::PageMeta;

#[component]
pub fn PortalHomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| load_portal_home());
    let erased = leptos_router::hooks::use_query_map().read_untracked().get("account").as_deref() == Some("erased");
    view! {
        <Title text=""/>
        {erased.then(|| view! { <p class="notice notice--info" role="status">"Your account and your data were erased. Thank you for having been part of the community."</p> })}
        <PageMeta title="Rapport community" description="Ask other customers, share how your problem was solved, and see people being helped well: questions, answers and resolved stories."/>
        <section class="hero">
            <h1>"Help from people who've been there"</h1>
            <p class="lede">"Ask the community, share how your problem was solved, and see others being helped."</p>
            <Form method="GET" action="/search" attr:class="hero-search" attr:role="search">
                <label for="home-search" class="visually-hidden">"Search the community"</label>
                <input id="home-search" type="search" name="q" placeholder="Search questions and answers"/>
                <button type="submit" class="button">"Search"</button>
            </Form>
        </section>
        {loaded(home, move |home| view! {
                        <HappinessStrip stats=home.stats/>
                        <crate::portal::stories::public_pages::StoryTicker/>
                        <div class="columns">
                            <section aria-labelledby="latest-title">
                                <h2 id="latest-title">"Latest discussions"</h2>
                                <ThreadList threads=home.latest_threads empty="No discussions yet. Start the first one!"/>
                                {(!home.popular_threads.is_empty()).then(|| view! {
                                    <h2 id="popular-title">"Popular this month"</h2>
                                    <ThreadList threads=home.popular_threads empty=""/>
                                })}
                            </section>
                            <aside aria-labelledby="categories-title">
                                <h2 id="categories-title">"Categories"</h2>
                                <CategoryList categories=home.categories/>
                                {(!home.recently_solved.is_empty()).then(|| view! {
                                    <h2>"Recently solved"</h2>
                                    <ThreadList threads=home.recently_solved empty=""/>
                                })}
                            </aside>
                        </div>
                    }.into_any())}
    }
}

/// Real numbers only: a figure with no data behind it is left out, not shown as zero.
#[component]
pub fn HappinessStrip(stats: PortalStats) -> impl IntoView {
    let happiness = stats.happiness;
    let first_reply = match (happiness.median_first_response_secs, happiness.unanswered) {
        (Some(median), _) => Some(
            view! {
                <p>
                    <strong>{duration(median)}</strong>" median first reply today"
                    <span class="happiness-strip__detail">{format!(" ({} answered", thousands(happiness.answered))}
                    {(happiness.unanswered > 0).then(|| format!(", {} waiting", thousands(happiness.unanswered)))}")"</span>
                </p>
            }
            .into_any(),
        ),
        (None, waiting) if waiting > 0 => Some(
            view! {
                <p><strong>{thousands(waiting)}</strong>" new conversations today, waiting for a first reply"</p>
            }
            .into_any(),
        ),
        _ => None,
    };
    view! {
        <section class="happiness-strip" aria-label="Community at a glance">
            {first_reply}
            {happiness.csat_average.map(|average| view! {
                <p>
                    <strong>{format!("{average:.1} / 5")}</strong>" satisfaction this week"
                    <span class="happiness-strip__detail">{format!(" ({})", count(happiness.csat_answers, "rating", "ratings"))}</span>
                </p>
            })}
            {(happiness.stories_shared > 0).then(|| view! {
                <p><strong>{thousands(happiness.stories_shared)}</strong>" stories shared"</p>
            })}
            <p><strong>{thousands(stats.solved_threads)}</strong>" questions solved"</p>
            <p><strong>{thousands(stats.threads)}</strong>" threads, "<strong>{thousands(stats.posts)}</strong>" posts"</p>
        </section>
    }
}

#[component]
pub fn ForumIndexPage() -> impl IntoView {
    let categories = Resource::new(|| (), |_| forum_categories());
    view! {
        <Title text="Forum"/>
        <PageMeta title="Forum" description="Questions and answers from customers helping each other, by category."/>
        <section class="page">
            <h1>"Forum"</h1>
            {loaded(categories, move |categories| view! { <CategoryList categories/> }.into_any())}
        </section>
    }
}

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let page = page_query();
    let query = use_query_map();
    let key = move || (params.read().get("slug").unwrap_or_default(), page(), query.read().get("sort").unwrap_or_default());
    let canonical = {
        let (slug, page, sort) = untrack(&key);
        let sort = if sort.is_empty() { "latest".to_string() } else { sort };
        format!("/forum/c/{slug}?sort={sort}&page={page}")
    };
    let data = Resource::new(key, |(slug, page, sort)| forum_category(slug, page, sort));
    view! {
        // Outside the suspended content: leptos_meta tags inside it do not hydrate.
        <Link rel="canonical" href=canonical/>
        <section class="page">
            {loaded(data, move |page| {
                            let slug = page.category.slug.clone();
                            view! {
                                <Title text=page.category.name.clone()/>
                                <PageMeta title=page.category.name.clone() description=page.category.description.clone()/>
                                <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/forum">"Forum"</a></nav>
                                <h1>{page.category.name.clone()}</h1>
                                <p class="lede">{page.category.description.clone()}</p>
                                <div class="listing-bar">
                                    <nav class="sort-tabs" aria-label="Sort threads">
                                        {THREAD_SORTS.iter().map(|(key, label)| {
                                            let current = page.sort == *key;
                                            view! {
                                                <a href=format!("/forum/c/{slug}?sort={key}") aria-current=current.then_some("page")>{*label}</a>
                                            }
                                        }).collect_view()}
                                    </nav>
                                    <a class="button" href=format!("/forum/new?category={slug}")>"New thread"</a>
                                </div>
                                <ThreadList threads=page.threads empty="No threads here yet."/>
                                <Pager base=format!("/forum/c/{slug}?sort={}", page.sort) page=page.page has_more=page.has_more previous_label="← Previous" next_label="Next →"/>
                            }.into_any()
                        })}
        </section>
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let key = move || {
        let q = query.read();
        (q.get("q").unwrap_or_default(), q.get("category").unwrap_or_default(), q.get("solved").is_some_and(|v| v == "1" || v == "on"))
    };
    let results = Resource::new(key, |(q, category, solved)| search_forum(q, category, solved));
    let categories = Resource::new(|| (), |_| forum_categories());
    view! {
        <Title text="Search"/>
        <PageMeta title="Search the community" description="Search questions, answers and shared experiences of the Rapport community."/>
        <section class="page">
            <h1>"Search the community"</h1>
            <Form method="GET" action="/search" attr:class="search-form" attr:role="search">
                <label for="search-q" class="visually-hidden">"Search"</label>
                <input id="search-q" type="search" name="q" value=move || key().0 placeholder="Search questions and answers"/>
                <label for="search-category">"In"</label>
                <select id="search-category" name="category">
                    <option value="">"All categories"</option>
                    <Suspense>
                        {move || categories.get().and_then(Result::ok).map(|categories| {
                            let chosen = key().1;
                            categories.into_iter().map(|c| {
                                let selected = c.slug == chosen;
                                view! { <option value=c.slug selected=selected>{c.name}</option> }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
                <label class="checkbox"><input type="checkbox" name="solved" value="1" checked=move || key().2/>" Solved only"</label>
                <button type="submit" class="button">"Search"</button>
            </Form>
            {loaded(results, move |data| match data {
                results if results.query.is_empty() => view! {
                    <p class="muted">"Type a few words to search threads and answers."</p>
                }.into_any(),
                results => view! {
                    <p class="muted" role="status">{format!("{} for “{}”", count(results.hits.len() as i64, "result", "results"), results.query)}</p>
                    {(!results.stories.is_empty()).then(|| view! {
                        <section aria-labelledby="story-hits-title" class="story-hits">
                            <h2 id="story-hits-title">"Resolved stories"</h2>
                            <ul class="story-list">
                                {results.stories.into_iter().map(|card| view! { <crate::portal::stories::public_pages::StoryCardItem card/> }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <SearchHits hits=results.hits/>
                }.into_any(),
            })}
        </section>
    }
}

#[component]
fn SearchHits(hits: Vec<SearchHit>) -> impl IntoView {
    if hits.is_empty() {
        return view! { <p class="empty">"Nothing matched. Try fewer or different words."</p> }.into_any();
    }
    view! {
        <ol class="search-hits">
            {hits.into_iter().map(|hit| view! {
                <li class="search-hit">
                    <a class="search-hit__title" href=format!("/forum/t/{}#post-{}", hit.thread_id, hit.post_id)>{hit.title}</a>
                    <p class="meta"><StateBadge state=hit.state/>" "{hit.category_name}</p>
                    <p class="search-hit__snippet">
                        {hit.snippet.into_iter().map(|part| if part.matched {
                            view! { <mark>{part.text}</mark> }.into_any()
                        } else {
                            part.text.into_any()
                        }).collect_view()}
                    </p>
                </li>
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn CategoryList(categories: Vec<CategorySummary>) -> impl IntoView {
    if categories.is_empty() {
        return view! { <p class="empty">"No forum categories yet."</p> }.into_any();
    }
    view! {
        <ul class="category-list">
            {categories.into_iter().map(|category| view! {
                <li>
                    <a href=format!("/forum/c/{}", category.slug)><strong>{category.name}</strong></a>
                    <span class="muted">{format!(" · {}", count(category.thread_count, "thread", "threads"))}</span>
                    <p>{category.description}</p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ThreadList(threads: Vec<ThreadSummary>, empty: &'static str) -> impl IntoView {
    if threads.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="thread-list">
            {threads.into_iter().map(|thread| view! {
                <li class="thread-row">
                    <a href=format!("/forum/t/{}", thread.id) class="thread-row__title">
                        {thread.pinned.then(|| view! { <span class="badge">"Pinned"</span>" " })}
                        {thread.title}
                    </a>
                    <p class="meta">
                        <StateBadge state=thread.state/>
                        {format!(" {} · {} · {} · last activity {}",
                            thread.category_name,
                            thread.author_name.unwrap_or_else(|| "Deleted user".to_string()),
                            count(thread.post_count, "post", "posts"),
                            when(thread.last_post_at))}
                    </p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
