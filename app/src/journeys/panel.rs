//! The recovery journey on the conversation page: its state, each step with its time and
//! text (what is still missing stays visible), and the forms to fill in what changed, sign,
//! pause or resume. Works without JavaScript.

use leptos::prelude::*;

use super::api::{PauseJourney, PersonalizeJourney, MAX_WHAT_CHANGED_CHARS};
use super::model::JourneyView;
use super::preview;
use crate::shell::format::when;
use crate::shell::notice::{form_error, FormError};

#[component]
pub fn JourneyPanel(
    conversation_id: i64,
    journey: JourneyView,
    personalize: ServerAction<PersonalizeJourney>,
    pause: ServerAction<PauseJourney>,
) -> impl IntoView {
    let personalize_error = form_error(personalize.value(), "journeys/personalize");
    let pause_error = form_error(pause.value(), "journeys/pause");
    let open = journey.is_open();
    let paused = journey.state == "paused";
    let values = journey.values.clone();
    view! {
        <section class="panel journey" aria-labelledby="journey-title">
            <h2 id="journey-title">"Recovery journey"</h2>
            <p class="meta">
                <span class=format!("journey__state journey__state--{}", journey.state)>{journey.state.clone()}</span>
                {format!(" · started {}", when(journey.started_at))}
            </p>
            {journey.end_evidence.clone().map(|evidence| view! { <p class="journey__evidence">{evidence}</p> })}
            <ol class="journey__steps">
                {journey.steps.iter().map(|step| {
                    let status = match (step.status.as_str(), &step.held_reason) {
                        ("paused", Some(_)) => "waiting for you".to_string(),
                        ("sent", _) => format!("sent {}", step.sent_at.map(when).unwrap_or_default()),
                        ("scheduled", _) => format!("due {}", when(step.due_at)),
                        (other, _) => other.to_string(),
                    };
                    view! {
                        <li class=format!("journey__step journey__step--{}", step.status)>
                            <p class="journey__status"><strong>{format!("Step {}", step.position)}</strong>{format!(" · {} · {status}", step.channel)}</p>
                            {step.held_reason.clone().map(|reason| view! { <p class="journey__held">{reason}</p> })}
                            <p class="journey__body">{preview(&step.body, &values)}</p>
                        </li>
                    }
                }).collect_view()}
            </ol>
            {open.then(|| view! {
                <ActionForm action=personalize attr:class="stack-form">
                    <input type="hidden" name="conversation_id" value=conversation_id/>
                    <input type="hidden" name="journey_id" value=journey.id/>
                    <FormError message=personalize_error/>
                    <label for="journey-what-changed">"What changed"</label>
                    <textarea id="journey-what-changed" name="what_changed" rows="2" maxlength=MAX_WHAT_CHANGED_CHARS
                        placeholder="What we fixed or are fixing, in a sentence the customer understands.">{values.what_changed.clone()}</textarea>
                    <label for="journey-agent-name">"Signed by"</label>
                    <input id="journey-agent-name" name="agent_name" value=values.agent_name.clone() placeholder="Your name"/>
                    <button type="submit" class="button button--small">"Save"</button>
                </ActionForm>
                <ActionForm action=pause attr:class="inline-form">
                    <input type="hidden" name="conversation_id" value=conversation_id/>
                    <input type="hidden" name="journey_id" value=journey.id/>
                    <input type="hidden" name="paused" value=if paused { "no" } else { "yes" }/>
                    <FormError message=pause_error/>
                    <button type="submit" class="button button--small button--secondary">{if paused { "Resume journey" } else { "Pause journey" }}</button>
                </ActionForm>
            })}
        </section>
    }
}

/// Shown when no journey runs for the conversation: the agent may start one by hand.
#[component]
pub fn StartJourney(conversation_id: i64, start: ServerAction<super::api::StartJourney>, ended: bool) -> impl IntoView {
    let error = form_error(start.value(), "journeys/start");
    view! {
        <section class="panel journey" aria-labelledby="journey-start-title">
            <h2 id="journey-start-title">{if ended { "Start another recovery journey" } else { "Recovery journey" }}</h2>
            <p class="meta">"Apology now, an update after 3 days, a check-in after 7 — until the customer's trust is back."</p>
            <ActionForm action=start attr:class="inline-form">
                <input type="hidden" name="conversation_id" value=conversation_id/>
                <FormError message=error/>
                <button type="submit" class="button button--small button--secondary">"Start recovery journey"</button>
            </ActionForm>
        </section>
    }
}
