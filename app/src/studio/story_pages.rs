//! `/studio/stories`: every story and where its consent stands; `/studio/stories/new` and
//! `/studio/stories/:id`: the editor with a preview exactly as published.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::shell::frame::StaffPage;
use crate::studio::stories_api::load_story_editor;

use crate::studio::stories_api::studio_stories;

use crate::studio::stories_api::AskStoryConsent;

use crate::studio::stories_api::ChangePublishing;

use crate::studio::stories_api::SaveStory;

use crate::domain::format::when;
use crate::domain::stories::draft::{MAX_NARRATIVE_CHARS, MAX_QUOTES, MAX_RESOLUTION_CHARS, MAX_TITLE_CHARS};
use crate::domain::stories::model::StoryCard;
use crate::portal::stories::public_pages::StoryCardItem;
use crate::shell::notice::{form_error, loaded, FormError};
use crate::studio::stories_api::StoryEditor;

#[component]
pub fn StudioStoriesPage() -> impl IntoView {
    let stories = Resource::new(|| (), |_| studio_stories());
    view! {
        <StaffPage title="Stories">
            <p class="meta">"Draft a story from a story candidate in the " <a href="/studio">"studio overview"</a>
                ". A story is published only with the customer's consent to its exact text; they can withdraw it at any time."</p>
            {loaded(stories, |stories| if stories.is_empty() {
                view! { <p class="empty">"No stories yet."</p> }.into_any()
            } else {
                view! {
                    <table class="dense">
                        <thead><tr><th scope="col">"Story"</th><th scope="col">"Customer"</th><th scope="col">"State"</th><th scope="col">"Version"</th><th scope="col">"Changed"</th></tr></thead>
                        <tbody>
                            {stories.into_iter().map(|story| {
                                let state = story.state_label();
                                view! {
                                    <tr>
                                        <td><a href=format!("/studio/stories/{}", story.id)>{story.draft.title.clone()}</a>{story.featured.then_some(" ★")}</td>
                                        <td>{story.customer_name.clone()}</td>
                                        <td>{state}</td>
                                        <td>{format!("v{}", story.version)}</td>
                                        <td>{when(story.updated_at)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
        </StaffPage>
    }
}

#[component]
pub fn StoryEditorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let save = ServerAction::<SaveStory>::new();
    let ask = ServerAction::<AskStoryConsent>::new();
    let publishing = ServerAction::<ChangePublishing>::new();
    let editor = Resource::new(
        move || {
            (
                params.read().get("id").and_then(|id| id.parse::<i64>().ok()),
                query.read().get("conversation").and_then(|id| id.parse::<i64>().ok()),
                save.version().get() + ask.version().get() + publishing.version().get(),
            )
        },
        |(id, conversation, _)| load_story_editor(id, conversation),
    );
    let save_error = form_error(save.value(), "stories/save");
    let ask_error = form_error(ask.value(), "stories/ask_consent");
    let publishing_error = form_error(publishing.value(), "stories/publishing");
    view! {
        <Title text="Story"/>
        <section class="workspace story-editor">
            <p class="meta"><a href="/studio/stories">"All stories"</a></p>
            <FormError message=save_error/>
            <FormError message=ask_error/>
            <FormError message=publishing_error/>
            {loaded(editor, move |editor| view! { <Editor editor save ask publishing/> }.into_any())}
        </section>
    }
}

#[component]
fn Editor(
    editor: StoryEditor,
    save: ServerAction<SaveStory>,
    ask: ServerAction<AskStoryConsent>,
    publishing: ServerAction<ChangePublishing>,
) -> impl IntoView {
    let story = editor.story.clone();
    let draft = story.as_ref().map(|s| s.draft.clone());
    let chosen = draft.as_ref().map(|d| d.quotes.clone()).unwrap_or_default();
    let naming = draft.as_ref().map(|d| d.naming.clone()).unwrap_or_else(|| "first_name_initial".into());
    let heading = match &story {
        Some(story) => format!("Story: {}", story.draft.title),
        None => format!("New story about {}", editor.customer_name),
    };
    let id_value = story.as_ref().map(|s| s.id.to_string()).unwrap_or_default();
    let save_label = if story.is_some() { "Save changes" } else { "Save draft" };
    let state_story = story.clone();
    let conversation_value = editor.conversation_id.map(|id| id.to_string()).unwrap_or_default();
    let naming_options = [("full_name", "Full name"), ("first_name_initial", "First name and initial"), ("anonymous", "Anonymous")];
    view! {
        <h1>{heading}</h1>
        {(!editor.conversation_subject.is_empty()).then(|| view! {
            <p class="meta">{format!("From the conversation “{}” with {}", editor.conversation_subject, editor.customer_name)}
                {editor.conversation_id.map(|id| view! { " · " <a href=format!("/workspace/c/{id}")>"open it"</a> })}</p>
        })}
        {state_story.map(|story| view! { <StoryState story ask publishing/> })}
        <ActionForm action=save attr:class="stacked-form">
            <input type="hidden" name="id" value=id_value/>
            <input type="hidden" name="conversation_id" value=conversation_value/>
            <label for="story-title">"Title"</label>
            <input id="story-title" name="title" required maxlength=MAX_TITLE_CHARS.to_string() value=draft.as_ref().map(|d| d.title.clone()).unwrap_or_default()/>
            <label for="story-narrative">"The story"</label>
            <textarea id="story-narrative" name="narrative" rows="6" required maxlength=MAX_NARRATIVE_CHARS.to_string()>{crate::shell::raw_text::escaped_on_server(draft.as_ref().map(|d| d.narrative.clone()).unwrap_or_default())}</textarea>
            <label for="story-resolution">"How it was resolved"</label>
            <textarea id="story-resolution" name="resolution" rows="3" required maxlength=MAX_RESOLUTION_CHARS.to_string()>{crate::shell::raw_text::escaped_on_server(draft.as_ref().map(|d| d.resolution.clone()).unwrap_or_default())}</textarea>
            <fieldset>
                <legend>{format!("Quotes from the customer (up to {MAX_QUOTES}, word for word)")}</legend>
                {if editor.sentences.is_empty() {
                    view! { <p class="muted">"The customer wrote nothing quotable in this conversation."</p> }.into_any()
                } else {
                    editor.sentences.iter().enumerate().map(|(index, sentence)| {
                        let checked = chosen.contains(sentence);
                        view! {
                            <label class="checkbox quote-choice">
                                <input type="checkbox" name=format!("quotes[{index}]") value=sentence.clone() checked=checked/>
                                {format!(" “{sentence}”")}
                            </label>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            <label for="story-naming">"Name the customer as"</label>
            <select id="story-naming" name="naming">
                {naming_options.into_iter().map(|(value, label)| view! {
                    <option value=value selected=naming == value>{label}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button">{save_label}</button>
        </ActionForm>
        {story.map(|story| {
            let card = StoryCard {
                id: story.id,
                title: story.draft.title.clone(),
                excerpt: crate::domain::stories::model::excerpt(&story.draft.narrative),
                told_by: story.told_by(),
                featured: story.featured,
                published_at: story.published_at.unwrap_or(story.updated_at),
            };
            view! {
                <section class="story-preview" aria-labelledby="preview-title">
                    <h2 id="preview-title">"Preview, exactly as published"</h2>
                    <ul class="story-ticker story-ticker--preview"><StoryCardItem card/></ul>
                    <h3>"What the customer is asked to approve"</h3>
                    <pre class="consent-text">{story.consent_text()}</pre>
                </section>
            }
        })}
    }
}

#[component]
fn StoryState(
    story: crate::domain::stories::model::StoryDetail,
    ask: ServerAction<AskStoryConsent>,
    publishing: ServerAction<ChangePublishing>,
) -> impl IntoView {
    use crate::domain::stories::consent::Decision;
    let decision = story.consent.as_ref().map(|c| c.decision);
    let published = story.status == crate::domain::stories::model::Publication::Published;
    let withdrawn = story.status == crate::domain::stories::model::Publication::Withdrawn;
    let may_ask = !published && !withdrawn && !matches!(decision, Some(Decision::Granted) | Some(Decision::Requested));
    let may_remind = !published && !withdrawn && decision == Some(Decision::Requested);
    let may_publish = !published && !withdrawn && decision == Some(Decision::Granted);
    let id = story.id;
    let record = story
        .consent
        .as_ref()
        .map(|c| format!("Consent record for v{}: {} via {}, {}", c.version, c.decision.as_str(), c.channel, when(c.recorded_at)));
    let publishing_button = move |action: &'static str, label: &'static str| {
        view! {
            <ActionForm action=publishing attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="action" value=action/>
                <button type="submit" class="button button--small">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="story-state" aria-label="Publishing">
            <p><strong>{format!("State: {} · version {}", story.state_label(), story.version)}</strong></p>
            {record.map(|record| view! { <p class="meta">{record}</p> })}
            <div class="actions">
                {(may_ask || may_remind).then(|| view! {
                    <ActionForm action=ask attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <button type="submit" class="button button--small">{if may_remind { "Ask again" } else { "Ask for consent" }}</button>
                    </ActionForm>
                })}
                {may_publish.then(|| publishing_button("publish", "Publish"))}
                {published.then(|| publishing_button(if story.featured { "unfeature" } else { "feature" }, if story.featured { "Unfeature" } else { "Feature" }))}
                {published.then(|| publishing_button("unpublish", "Unpublish"))}
            </div>
            {withdrawn.then(|| view! { <p class="notice notice--info">"The customer withdrew their consent. This story is gone from every page and cannot be shared again."</p> })}
        </section>
    }
}
