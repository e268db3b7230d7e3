//! The recovery journey on the conversation page: its state, each step with its time and
//! text (what is still missing stays visible), and the forms to fill in what changed, sign,
//! edit or skip a step before it goes, pause or resume. Works without JavaScript.

use leptos::prelude::*;

use crate::workspace::journeys_api::EditJourneyStep;

use crate::workspace::journeys_api::PauseJourney;

use crate::workspace::journeys_api::PersonalizeJourney;

use crate::workspace::journeys_api::SkipJourneyStep;

use crate::workspace::journeys_api::StartJourney as StartJourneyAction;

use crate::workspace::journeys_api::MAX_AGENT_NAME_CHARS;

use crate::domain::format::when;
use crate::domain::journeys::model::{JourneyStepView, JourneyView};
use crate::domain::journeys::templates::{TemplateView, MAX_BODY_CHARS};
use crate::domain::journeys::{preview, Personalization};
use crate::shell::notice::{form_error, FormError};
use crate::workspace::journeys_api::MAX_WHAT_CHANGED_CHARS;

/// Every journey action of the conversation page, created once per page.
#[derive(Clone, Copy)]
pub struct JourneyActions {
    pub personalize: ServerAction<PersonalizeJourney>,
    pub pause: ServerAction<PauseJourney>,
    pub start: ServerAction<StartJourneyAction>,
    pub edit_step: ServerAction<EditJourneyStep>,
    pub skip_step: ServerAction<SkipJourneyStep>,
}

impl JourneyActions {
    pub fn new() -> JourneyActions {
        JourneyActions {
            personalize: ServerAction::new(),
            pause: ServerAction::new(),
            start: ServerAction::new(),
            edit_step: ServerAction::new(),
            skip_step: ServerAction::new(),
        }
    }

    /// Changes whenever one of them completed (the page reloads its data then).
    pub fn version(&self) -> usize {
        self.personalize.version().get()
            + self.pause.version().get()
            + self.start.version().get()
            + self.edit_step.version().get()
            + self.skip_step.version().get()
    }
}

impl Default for JourneyActions {
    fn default() -> Self {
        JourneyActions::new()
    }
}

#[component]
pub fn JourneyPanel(conversation_id: i64, journey: JourneyView, actions: JourneyActions) -> impl IntoView {
    let personalize_error = form_error(actions.personalize.value(), "journeys/personalize");
    let pause_error = form_error(actions.pause.value(), "journeys/pause");
    let edit_error = form_error(actions.edit_step.value(), "journeys/edit_step");
    let skip_error = form_error(actions.skip_step.value(), "journeys/skip_step");
    let open = journey.is_open();
    let paused = journey.state == "paused";
    let values = journey.values.clone();
    let journey_id = journey.id;
    view! {
        <section class="panel journey" aria-labelledby="journey-title">
            <h2 id="journey-title">"Recovery journey"</h2>
            <p class="meta">
                <span class=format!("journey__state journey__state--{}", journey.state)>{journey.state.clone()}</span>
                {format!(" · started {}", when(journey.started_at))}
            </p>
            {journey.end_evidence.clone().map(|evidence| view! { <p class="journey__evidence">{evidence}</p> })}
            <FormError message=edit_error/>
            <FormError message=skip_error/>
            <ol class="journey__steps">
                {journey.steps.iter().map(|step| view! {
                    <JourneyStep conversation_id journey_id step=step.clone() values=values.clone() open actions/>
                }).collect_view()}
            </ol>
            {open.then(|| view! {
                <ActionForm action=actions.personalize attr:class="stack-form">
                    <input type="hidden" name="conversation_id" value=conversation_id/>
                    <input type="hidden" name="journey_id" value=journey_id/>
                    <FormError message=personalize_error/>
                    <label for="journey-what-changed">"What changed"</label>
                    <textarea id="journey-what-changed" name="what_changed" rows="2" maxlength=MAX_WHAT_CHANGED_CHARS
                        placeholder="What we fixed or are fixing, in a sentence the customer understands.">{crate::shell::raw_text::escaped_on_server(values.what_changed.clone())}</textarea>
                    <label for="journey-agent-name">"Signed by"</label>
                    <input id="journey-agent-name" name="agent_name" maxlength=MAX_AGENT_NAME_CHARS value=values.agent_name.clone() placeholder="Your name"/>
                    <button type="submit" class="button button--small">"Save"</button>
                </ActionForm>
                <ActionForm action=actions.pause attr:class="inline-form">
                    <input type="hidden" name="conversation_id" value=conversation_id/>
                    <input type="hidden" name="journey_id" value=journey_id/>
                    <input type="hidden" name="paused" value=if paused { "no" } else { "yes" }/>
                    <FormError message=pause_error/>
                    <button type="submit" class="button button--small button--secondary">{if paused { "Resume journey" } else { "Pause journey" }}</button>
                </ActionForm>
            })}
        </section>
    }
}

/// One step: when it goes (or went), its text as it will read, and — before it goes — forms
/// to change its text or skip it.
#[component]
fn JourneyStep(
    conversation_id: i64,
    journey_id: i64,
    step: JourneyStepView,
    values: Personalization,
    open: bool,
    actions: JourneyActions,
) -> impl IntoView {
    let status = match (step.status.as_str(), &step.held_reason) {
        ("paused", Some(_)) => "waiting for you".to_string(),
        ("sent", _) => format!("sent {}", step.sent_at.map(when).unwrap_or_default()),
        ("scheduled", _) => format!("due {}", when(step.due_at)),
        (other, _) => other.to_string(),
    };
    let unsent = open && matches!(step.status.as_str(), "scheduled" | "paused");
    let position = step.position;
    let field_id = format!("journey-step-{position}-text");
    view! {
        <li class=format!("journey__step journey__step--{}", step.status)>
            <p class="journey__status"><strong>{format!("Step {position}")}</strong>{format!(" · {} · {status}", step.channel)}</p>
            {step.held_reason.clone().map(|reason| view! { <p class="journey__held">{reason}</p> })}
            <p class="journey__body">{preview(&step.body, &values)}</p>
            {unsent.then(|| view! {
                <details class="journey__edit">
                    <summary>{format!("Edit step {position}")}</summary>
                    <ActionForm action=actions.edit_step attr:class="stack-form">
                        <input type="hidden" name="conversation_id" value=conversation_id/>
                        <input type="hidden" name="journey_id" value=journey_id/>
                        <input type="hidden" name="position" value=position/>
                        <label for=field_id.clone()>{format!("Text of step {position}")}</label>
                        <textarea id=field_id name="body" rows="4" maxlength=MAX_BODY_CHARS>{crate::shell::raw_text::escaped_on_server(step.body.clone())}</textarea>
                        <button type="submit" class="button button--small">"Save text"</button>
                    </ActionForm>
                </details>
                <ActionForm action=actions.skip_step attr:class="inline-form">
                    <input type="hidden" name="conversation_id" value=conversation_id/>
                    <input type="hidden" name="journey_id" value=journey_id/>
                    <input type="hidden" name="position" value=position/>
                    <button type="submit" class="link-button">{format!("Skip step {position}")}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// Shown when no journey runs for the conversation: the agent may start one by hand, from
/// the default template or another.
#[component]
pub fn StartJourney(conversation_id: i64, actions: JourneyActions, templates: Vec<TemplateView>, ended: bool) -> impl IntoView {
    let error = form_error(actions.start.value(), "journeys/start");
    let choice = (templates.len() > 1).then(|| {
        view! {
            <label for="journey-template">"Template"</label>
            <select id="journey-template" name="template_id">
                {templates.into_iter().map(|template| {
                    let value = template.id.map(|id| id.to_string()).unwrap_or_default();
                    let label = if template.is_default { format!("{} (default)", template.name) } else { template.name.clone() };
                    view! { <option value=value selected=template.is_default>{label}</option> }
                }).collect_view()}
            </select>
        }
    });
    view! {
        <section class="panel journey" aria-labelledby="journey-start-title">
            <h2 id="journey-start-title">{if ended { "Start another recovery journey" } else { "Recovery journey" }}</h2>
            <p class="meta">"Apology now, an update after 3 days, a check-in after 7 — until the customer's trust is back."</p>
            <ActionForm action=actions.start attr:class="inline-form">
                <input type="hidden" name="conversation_id" value=conversation_id/>
                <FormError message=error/>
                {choice}
                <button type="submit" class="button button--small button--secondary">"Start recovery journey"</button>
            </ActionForm>
        </section>
    }
}
