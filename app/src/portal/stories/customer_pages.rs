//! The customer's side: "Your stories" in their account, and the page an emailed consent
//! link opens. Agreeing, declining and withdrawing are one button each.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::portal::stories::consent_api::my_stories;

use crate::portal::stories::consent_api::story_by_link;

use crate::portal::stories::consent_api::AnswerByLink;

use crate::domain::format::when;
use crate::domain::stories::consent::Decision;
use crate::domain::stories::model::{CustomerStory, Publication};
use crate::portal::stories::consent_api::AnswerMyStory;
use crate::shell::notice::{form_error, loaded, FormError};

fn standing(story: &CustomerStory) -> &'static str {
    match (story.status, story.decision) {
        (Publication::Withdrawn, _) => "You withdrew your consent. The story is not shown anywhere.",
        (Publication::Published, _) => "You agreed, and the story is shared in the community.",
        (_, Some(Decision::Granted)) => "You agreed. The story is not published yet.",
        (_, Some(Decision::Declined)) => "You declined. The story is not shared.",
        (_, Some(Decision::Requested)) => "We are asking for your consent. Nothing is shared unless you agree.",
        _ => "Nothing is shared.",
    }
}

/// Which answers the customer can give now.
fn answers(story: &CustomerStory) -> Vec<(&'static str, &'static str)> {
    match story.decision {
        Some(Decision::Requested) => vec![("grant", "Yes, share it"), ("decline", "No, don't share it")],
        Some(Decision::Granted) if story.status != Publication::Withdrawn => vec![("withdraw", "Withdraw my consent")],
        _ => Vec::new(),
    }
}

#[component]
pub fn MyStories() -> impl IntoView {
    let answer = ServerAction::<AnswerMyStory>::new();
    let stories = Resource::new(move || answer.version().get(), |_| my_stories());
    let error = form_error(answer.value(), "stories/answer");
    view! {
        {crate::shell::notice::loaded_quietly(stories, move |stories| {
            if stories.is_empty() {
                return ().into_any();
            }
            view! {
                <section aria-labelledby="my-stories-title" class="my-stories">
                    <h2 id="my-stories-title">"Your stories and quotes"</h2>
                    <p class="meta">"Nothing is shared without your agreement, and you can take it back at any time."</p>
                    <FormError message=error/>
                    {stories.into_iter().map(|story| {
                        let buttons = answers(&story);
                        let id = story.id;
                        let kind = story.kind.clone();
                        let anchor = format!("{kind}-{id}");
                        view! {
                            <article class="card" id=anchor>
                                <h3>{story.title.clone()}</h3>
                                <p>{standing(&story)}</p>
                                <details open=story.decision == Some(Decision::Requested)>
                                    <summary>"Exactly what would be shown"</summary>
                                    <pre class="consent-text">{story.text_shown.clone()}</pre>
                                </details>
                                {story.decided_at.map(|at| view! { <p class="meta">{format!("Last change: {}", when(at))}</p> })}
                                <div class="actions">
                                    {buttons.into_iter().map(|(value, label)| { let kind = kind.clone(); view! {
                                        <ActionForm action=answer attr:class="inline-form">
                                            <input type="hidden" name="story_id" value=id.to_string()/>
                                            <input type="hidden" name="kind" value=kind/>
                                            <input type="hidden" name="answer" value=value/>
                                            <button type="submit" class=if value == "grant" { "button" } else { "button button--secondary" }>{label}</button>
                                        </ActionForm>
                                    }}).collect_view()}
                                </div>
                            </article>
                        }
                    }).collect_view()}
                </section>
            }.into_any()
        })}
    }
}

#[component]
pub fn ConsentLinkPage() -> impl IntoView {
    let params = use_params_map();
    let answer = ServerAction::<AnswerByLink>::new();
    let token = move || params.read().get("token").unwrap_or_default();
    let story = Resource::new(move || (token(), answer.version().get()), |(token, _)| story_by_link(token));
    let error = form_error(answer.value(), "stories/answer_link");
    view! {
        <Title text="Your story"/>
        <section class="page narrow">
            <FormError message=error/>
            {loaded(story, move |story| {
                let buttons = answers(&story);
                view! {
                    <h1>"May we share your story?"</h1>
                    <p>{standing(&story)}</p>
                    <h2>"Exactly what would be shown"</h2>
                    <pre class="consent-text">{story.text_shown.clone()}</pre>
                    <p class="meta">"Declining changes nothing about your support. If you agree, you can withdraw at any time, here or in your account, and the story disappears everywhere at once."</p>
                    <div class="actions">
                        {buttons.into_iter().map(|(value, label)| view! {
                            <ActionForm action=answer attr:class="inline-form">
                                <input type="hidden" name="token" value=token()/>
                                <input type="hidden" name="answer" value=value/>
                                <button type="submit" class=if value == "grant" { "button" } else { "button button--secondary" }>{label}</button>
                            </ActionForm>
                        }).collect_view()}
                    </div>
                }.into_any()
            })}
        </section>
    }
}
