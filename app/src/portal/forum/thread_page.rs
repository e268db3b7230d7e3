//! A forum thread: posts with sanitized Markdown, reactions, the accepted answer, quoting,
//! flags, the reply form and staff moderation. Every action is a plain form, so the page
//! works without JavaScript; with it, the page updates in place.

use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::hooks::use_query_map;

use crate::portal::forum::api::forum_categories;

use crate::domain::community::model::{PostView, ThreadPage as ThreadData};
use crate::domain::format::{count, when};
use crate::portal::forum::api::forum_thread;
use crate::portal::forum::posting::quote;
use crate::portal::forum::posting::AcceptAnswer;
use crate::portal::forum::posting::FlagPost;
use crate::portal::forum::posting::ModeratePost;
use crate::portal::forum::posting::ModerateThread;
use crate::portal::forum::posting::ReactToPost;
use crate::portal::forum::posting::ReplyToThread;
use crate::portal::forum::seo::qa_page_json_ld;
use crate::portal::forum::seo::thread_description;
use crate::shell::notice::{form_error, loaded, FormError};
use crate::shell::paging::id_param;
use crate::shell::seo::PageMeta;

/// The actions of a thread page; the page reloads its data after each.
#[derive(Clone, Copy)]
struct Actions {
    reply: ServerAction<ReplyToThread>,
    react: ServerAction<ReactToPost>,
    accept: ServerAction<AcceptAnswer>,
    flag: ServerAction<FlagPost>,
    hide: ServerAction<ModeratePost>,
    moderate: ServerAction<ModerateThread>,
}

#[component]
pub fn ThreadPage() -> impl IntoView {
    let id = id_param("id");
    let canonical = format!("/forum/t/{}", untrack(&id));
    let actions = Actions {
        reply: ServerAction::new(),
        react: ServerAction::new(),
        accept: ServerAction::new(),
        flag: ServerAction::new(),
        hide: ServerAction::new(),
        moderate: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            (
                id(),
                actions.reply.version().get(),
                actions.react.version().get(),
                actions.accept.version().get(),
                actions.flag.version().get(),
                actions.hide.version().get(),
                actions.moderate.version().get(),
            )
        },
        |(id, ..)| forum_thread(id),
    );
    let query = use_query_map();
    view! {
        // Outside the suspended content: leptos_meta tags inside it do not hydrate.
        <Link rel="canonical" href=canonical/>
        <article class="page thread">
            {loaded(data, move |page| {
                let quoting = query.read_untracked().get("quote").and_then(|q| q.parse::<i64>().ok());
                let flagged = query.read_untracked().get("flagged").and_then(|q| q.parse::<i64>().ok());
                view! { <Thread page quoting flagged actions/> }.into_any()
            })}
        </article>
    }
}

#[component]
fn Thread(page: ThreadData, quoting: Option<i64>, flagged: Option<i64>, actions: Actions) -> impl IntoView {
    let thread = page.thread.clone();
    let thread_id = thread.id;
    let locked = thread.state == "locked";
    let first_post_id = page.posts.first().map(|p| p.id);
    let quoted = quoting
        .and_then(|id| page.posts.iter().find(|p| p.id == id))
        .map(|p| quote(p.author_name.as_deref().unwrap_or("Deleted user"), &p.body_markdown))
        .unwrap_or_default();
    let accepted = page.accepted_post_id;
    view! {
        <Title text=thread.title.clone()/>
        <PageMeta title=thread.title.clone() description=thread_description(&page) kind="article"/>
        {qa_page_json_ld(&page).map(|json| view! { <script type="application/ld+json" inner_html=json></script> })}
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href="/forum">"Forum"</a>" › "
            <a href=format!("/forum/c/{}", thread.category_slug)>{thread.category_name.clone()}</a>
        </nav>
        <h1>{thread.title.clone()}</h1>
        <p class="meta">
            <StateBadge state=thread.state.clone()/>" "
            {kind_label(&thread.kind)}" · "{count(thread.post_count, "post", "posts")}
            {accepted.map(|id| view! { " · " <a href=format!("#post-{id}")>"Jump to the accepted answer"</a> })}
        </p>
        {flagged.map(|_| view! { <p class="notice" role="status">"Thanks — the moderators will look at the post you flagged."</p> })}
        <ol class="posts">
            {page.posts.into_iter().map(|post| {
                let is_accepted = accepted == Some(post.id);
                let can_accept = page.can_accept && !locked && !is_accepted && Some(post.id) != first_post_id;
                view! {
                    <Post post thread_id is_accepted can_accept signed_in=page.signed_in can_moderate=page.can_moderate actions/>
                }
            }).collect_view()}
        </ol>
        <Reply thread_id locked signed_in=page.signed_in quoted actions/>
        {page.can_moderate.then(|| view! {
            <Moderation thread_id locked pinned=thread.pinned hidden=page.hidden_posts actions/>
        })}
    }
}

fn kind_label(kind: &str) -> &'static str {
    crate::domain::community::model::THREAD_KINDS.iter().find(|(key, _)| *key == kind).map(|(_, label)| *label).unwrap_or("Discussion")
}

#[component]
fn Post(
    post: PostView,
    thread_id: i64,
    is_accepted: bool,
    can_accept: bool,
    signed_in: bool,
    can_moderate: bool,
    actions: Actions,
) -> impl IntoView {
    let post_id = post.id;
    let react_error = form_error(actions.react.value(), "community/react");
    let helped_mine = post.mine.iter().any(|k| k == "helped");
    let heart_mine = post.mine.iter().any(|k| k == "heart");
    let author = post.author_name.clone().unwrap_or_else(|| "Deleted user".to_string());
    view! {
        <li class="post" class:post--staff=post.is_staff class:post--accepted=is_accepted id=format!("post-{post_id}")>
            <header class="post__header">
                {match post.author_id {
                    Some(id) => view! { <a class="post__author" href=format!("/u/{id}")>{author.clone()}</a> }.into_any(),
                    None => view! { <strong>{author.clone()}</strong> }.into_any(),
                }}
                {post.is_staff.then(|| view! { <span class="badge badge--staff">"Staff"</span> })}
                {is_accepted.then(|| view! { <span class="badge badge--solved">"✓ Accepted answer"</span> })}
                {post.held.then(|| view! { <span class="badge badge--held">"Awaiting approval: only you and the moderators see this"</span> })}
                <time datetime=post.created_at.to_rfc3339()>{when(post.created_at)}</time>
            </header>
            <div class="post__body" inner_html=post.body_html></div>
            <footer class="post__actions">
                <ActionForm action=actions.react attr:class="inline-form">
                    <input type="hidden" name="thread_id" value=thread_id/>
                    <input type="hidden" name="post_id" value=post_id/>
                    <input type="hidden" name="kind" value="helped"/>
                    <button type="submit" class="reaction" aria-pressed=helped_mine.to_string() disabled=!signed_in
                        title=if signed_in { "This helped me" } else { "Sign in to react" }>
                        "Helped me "<span class="reaction__count">{post.helped}</span>
                    </button>
                </ActionForm>
                <ActionForm action=actions.react attr:class="inline-form">
                    <input type="hidden" name="thread_id" value=thread_id/>
                    <input type="hidden" name="post_id" value=post_id/>
                    <input type="hidden" name="kind" value="heart"/>
                    <button type="submit" class="reaction" aria-pressed=heart_mine.to_string() disabled=!signed_in
                        aria-label=format!("Heart ({})", post.hearts)>
                        "♥ "<span class="reaction__count">{post.hearts}</span>
                    </button>
                </ActionForm>
                {can_accept.then(|| view! {
                    <ActionForm action=actions.accept attr:class="inline-form">
                        <input type="hidden" name="thread_id" value=thread_id/>
                        <input type="hidden" name="post_id" value=post_id/>
                        <button type="submit" class="button button--small">"Accept as answer"</button>
                    </ActionForm>
                })}
                {signed_in.then(|| view! {
                    // A full page load: the reply box is filled on the server.
                    <a class="post__quote" rel="external" href=format!("/forum/t/{thread_id}?quote={post_id}#reply")>"Quote"</a>
                    <details class="post__flag">
                        <summary>"Flag"</summary>
                        <ActionForm action=actions.flag attr:class="inline-form">
                            <input type="hidden" name="thread_id" value=thread_id/>
                            <input type="hidden" name="post_id" value=post_id/>
                            <label for=format!("flag-{post_id}")>"What is wrong with this post?"</label>
                            <input id=format!("flag-{post_id}") name="reason" required minlength="3" maxlength="500"/>
                            <button type="submit" class="button button--small">"Send to moderators"</button>
                        </ActionForm>
                    </details>
                })}
                {can_moderate.then(|| view! {
                    <ActionForm action=actions.hide attr:class="inline-form">
                        <input type="hidden" name="post_id" value=post_id/>
                        <input type="hidden" name="hide" value="true"/>
                        <button type="submit" class="button button--small button--quiet">"Hide"</button>
                    </ActionForm>
                })}
            </footer>
            <FormError message=react_error/>
        </li>
    }
}

#[component]
fn Reply(thread_id: i64, locked: bool, signed_in: bool, quoted: String, actions: Actions) -> impl IntoView {
    if locked {
        return view! { <p class="notice" id="reply">"This thread is locked: it takes no new replies."</p> }.into_any();
    }
    if !signed_in {
        let next = format!("/signin?next=/forum/t/{thread_id}");
        return view! {
            <p class="notice" id="reply"><a href=next>"Sign in"</a>" to reply, react or flag a post."</p>
        }
        .into_any();
    }
    let reply_error = form_error(actions.reply.value(), "community/reply");
    let accept_error = form_error(actions.accept.value(), "community/accept");
    let flag_error = form_error(actions.flag.value(), "community/flag");
    view! {
        <section class="reply" aria-labelledby="reply-title" id="reply">
            <h2 id="reply-title">"Your reply"</h2>
            <FormError message=accept_error/>
            <FormError message=flag_error/>
            <ActionForm action=actions.reply attr:class="stacked-form">
                <input type="hidden" name="thread_id" value=thread_id/>
                <FormError message=reply_error/>
                <label for="reply-body">"Reply (Markdown: **bold**, `code`, > quote, [link](https://…))"</label>
                <textarea id="reply-body" name="body" rows="6" required maxlength="20000">{crate::shell::raw_text::escaped_on_server(quoted)}</textarea>
                <button type="submit" class="button">"Post reply"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn Moderation(thread_id: i64, locked: bool, pinned: bool, hidden: Vec<PostView>, actions: Actions) -> impl IntoView {
    let categories = Resource::new(|| (), |_| forum_categories());
    let moderate_error = form_error(actions.moderate.value(), "community/moderate_thread");
    let change_button = move |change: &'static str, label: &'static str| {
        view! {
            <ActionForm action=actions.moderate attr:class="inline-form">
                <input type="hidden" name="thread_id" value=thread_id/>
                <input type="hidden" name="change" value=change/>
                <input type="hidden" name="category" value=""/>
                <button type="submit" class="button button--small">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="panel moderation" aria-labelledby="moderation-title">
            <h2 id="moderation-title">"Moderation"</h2>
            <FormError message=moderate_error/>
            <div class="moderation__row">
                {if locked { change_button("unlock", "Unlock") } else { change_button("lock", "Lock") }}
                {if pinned { change_button("unpin", "Unpin") } else { change_button("pin", "Pin") }}
                {loaded(categories, move |categories| view! {
                    <ActionForm action=actions.moderate attr:class="inline-form">
                        <input type="hidden" name="thread_id" value=thread_id/>
                        <input type="hidden" name="change" value="move"/>
                        <label for="move-to">"Move to"</label>
                        <select id="move-to" name="category">
                            {categories.into_iter().map(|c| view! { <option value=c.slug>{c.name}</option> }).collect_view()}
                        </select>
                        <button type="submit" class="button button--small">"Move"</button>
                    </ActionForm>
                }.into_any())}
            </div>
            {(!hidden.is_empty()).then(|| view! {
                <h3>"Hidden posts"</h3>
                <ul class="hidden-posts">
                    {hidden.into_iter().map(|post| view! {
                        <li>
                            <div class="post__body" inner_html=post.body_html></div>
                            {if post.held {
                                view! { <a href=format!("/forum/moderation#held-{}", post.id)>"Awaiting approval: decide in the moderation queue"</a> }.into_any()
                            } else {
                                view! {
                                    <ActionForm action=actions.hide attr:class="inline-form">
                                        <input type="hidden" name="post_id" value=post.id/>
                                        <input type="hidden" name="hide" value="false"/>
                                        <button type="submit" class="button button--small">"Restore"</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
pub fn StateBadge(state: String) -> impl IntoView {
    let label = match state.as_str() {
        "solved" => "Solved",
        "locked" => "Locked",
        _ => "Open",
    };
    view! { <span class=format!("badge badge--{state}")>{label}</span> }
}
