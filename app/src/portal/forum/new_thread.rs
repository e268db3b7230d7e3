//! Starting a thread: a question, a discussion, or "share your experience" of being helped.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::api::current_viewer;
use crate::domain::community::model::THREAD_KINDS;
use crate::domain::community::{BODY_CHARS, TITLE_CHARS};
use crate::portal::forum::api::forum_categories;
use crate::portal::forum::posting::StartThread;
use crate::shell::notice::{form_error, loaded, FormError};

#[component]
pub fn NewThreadPage() -> impl IntoView {
    let action = ServerAction::<StartThread>::new();
    let error = form_error(action.value(), "community/start_thread");
    let query = use_query_map();
    let chosen = move || query.read_untracked().get("category").unwrap_or_default();
    let chosen_kind = move || query.read_untracked().get("kind").unwrap_or_else(|| "question".into());
    let page = Resource::new(|| (), |_| async { Ok::<_, crate::error::AppError>((current_viewer().await?, forum_categories().await?)) });
    view! {
        <Title text="New thread"/>
        <section class="page narrow">
            <h1>"Start a thread"</h1>
            {loaded(page, move |(viewer, categories)| match viewer {
                None => view! {
                    <p class="notice"><a href="/signin?next=/forum/new">"Sign in"</a>" or "<a href="/signup">"create an account"</a>" to start a thread."</p>
                }.into_any(),
                Some(_) => view! {
                    <ActionForm action attr:class="stacked-form">
                        <FormError message=error/>
                        <label for="thread-category">"Category"</label>
                        <select id="thread-category" name="category" required>
                            {categories.into_iter().map(|c| {
                                let selected = c.slug == chosen();
                                view! { <option value=c.slug selected=selected>{c.name}</option> }
                            }).collect_view()}
                        </select>
                        <fieldset class="choice">
                            <legend>"What kind of thread?"</legend>
                            {THREAD_KINDS.iter().map(|(key, label)| view! {
                                <label><input type="radio" name="kind" value=*key checked=chosen_kind() == *key/>" "{*label}</label>
                            }).collect_view()}
                        </fieldset>
                        <label for="thread-title">"Title"</label>
                        <input id="thread-title" name="title" required minlength=TITLE_CHARS.0 maxlength=TITLE_CHARS.1
                            placeholder="What do you need help with, or what happened?"/>
                        <label for="thread-body">"Details (Markdown works: **bold**, `code`, lists, links)"</label>
                        <textarea id="thread-body" name="body" rows="10" required maxlength=BODY_CHARS.1></textarea>
                        <button type="submit" class="button">"Post thread"</button>
                    </ActionForm>
                }.into_any(),
            })}
        </section>
    }
}
