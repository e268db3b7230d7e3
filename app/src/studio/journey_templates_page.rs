//! `/studio/journeys`: the journey templates — the default one that starts by itself, and
//! others agents can choose — each an editable list of steps (delay, channel, text with
//! placeholders) with a preview on sample values. Plain forms: works without JavaScript.

use leptos::prelude::*;

use crate::shell::frame::StaffPage;
use crate::studio::journey_templates_api::journey_templates;

use crate::studio::journey_templates_api::DeleteJourneyTemplate;

use crate::domain::journeys::templates::{delay_for_form, TemplateView, MAX_BODY_CHARS, MAX_NAME_CHARS};
use crate::domain::journeys::{preview, Personalization, TemplateStep};
use crate::shell::notice::{form_error, loaded, FormError};
use crate::shell::row_action::RowAction;
use crate::studio::journey_templates_api::SaveJourneyTemplate;

/// Blank step rows under a template's steps, to add steps without JavaScript.
const BLANK_ROWS: usize = 2;

fn sample_values() -> Personalization {
    Personalization {
        customer_name: "Dana".into(),
        issue_summary: "Charged twice for one order".into(),
        what_changed: "We refunded the second charge and fixed the checkout bug behind it.".into(),
        agent_name: "Sam".into(),
    }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let save = ServerAction::<SaveJourneyTemplate>::new();
    let delete = ServerAction::<DeleteJourneyTemplate>::new();
    let data = Resource::new(move || (save.version().get(), delete.version().get()), |_| journey_templates());
    let save_error = form_error(save.value(), "journeys/save_template");
    let delete_error = form_error(delete.value(), "journeys/delete_template");
    view! {
        <StaffPage title="Journey templates" heading="Recovery journey templates" class="templates">
            <p class="meta">
                "A journey sends its steps one by one, each after its delay from the start, until the customer's trust is back. "
                "Texts may use " <code>"{customer_name}"</code> ", " <code>"{issue_summary}"</code> ", " <code>"{what_changed}"</code>
                " and " <code>"{agent_name}"</code> "; a step whose value is still unknown waits for an agent. "
                "The default template starts by itself on high risk or a bad rating; agents may choose any template when they start one by hand."
            </p>
            <FormError message=save_error/>
            <FormError message=delete_error/>
            {loaded(data, move |templates| view! {
                {templates.into_iter().map(|template| view! { <TemplateEditor template save delete/> }).collect_view()}
                <TemplateEditor
                    template=TemplateView { id: None, name: String::new(), is_default: false, steps: Vec::new() }
                    save delete new=true
                />
            }.into_any())}
        </StaffPage>
    }
}

#[component]
fn TemplateEditor(
    template: TemplateView,
    save: ServerAction<SaveJourneyTemplate>,
    delete: ServerAction<DeleteJourneyTemplate>,
    #[prop(optional)] new: bool,
) -> impl IntoView {
    let key = match (template.id, new) {
        (Some(id), _) => format!("template-{id}"),
        (None, true) => "template-new".to_string(),
        (None, false) => "template-built-in".to_string(),
    };
    let heading = if new {
        "New template".to_string()
    } else if template.is_default {
        format!("{} (default)", template.name)
    } else {
        template.name.clone()
    };
    let built_in = template.id.is_none() && !new;
    // The "new template" form starts blank again once a template was created from it.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    if new {
        Effect::new(move |_| {
            if let (Some(Ok(())), Some(form)) = (save.value().get(), form_ref.get()) {
                form.reset();
            }
        });
    }
    let mut rows: Vec<(String, &'static str, String)> = template
        .steps
        .iter()
        .map(|step| {
            let (delay, unit) = delay_for_form(step.delay_hours);
            (delay, unit, step.body_template.clone())
        })
        .collect();
    rows.extend((0..BLANK_ROWS).map(|_| (String::new(), "days", String::new())));
    let name = if built_in { "Apology, update, check-in".to_string() } else { template.name.clone() };
    let steps_for_preview = template.steps.clone();
    let section_id = key.clone();
    let title_id = format!("{key}-title");
    let labelled_by = title_id.clone();
    let name_id = format!("{key}-name");
    let name_for = name_id.clone();
    let rows_view = rows.into_iter().enumerate().map(|(index, (delay, unit, body))| {
        let field = |name: &str| format!("steps[{index}][{name}]");
        let id = format!("{key}-step-{index}");
        view! {
            <tr>
                <th scope="row">{index + 1}</th>
                <td class="template__delay">
                    <label class="visually-hidden" for=format!("{id}-delay")>{format!("Step {} delay", index + 1)}</label>
                    <input id=format!("{id}-delay") name=field("delay") value=delay inputmode="numeric" size="3"/>
                    <label class="visually-hidden" for=format!("{id}-unit")>{format!("Step {} delay unit", index + 1)}</label>
                    <select id=format!("{id}-unit") name=field("unit")>
                        <option value="hours" selected=unit == "hours">"hours"</option>
                        <option value="days" selected=unit == "days">"days"</option>
                    </select>
                </td>
                <td>"email"</td>
                <td>
                    <label class="visually-hidden" for=format!("{id}-body")>{format!("Step {} text", index + 1)}</label>
                    <textarea id=format!("{id}-body") name=field("body") rows="3" maxlength=MAX_BODY_CHARS>{crate::shell::raw_text::escaped_on_server(body)}</textarea>
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <section class="panel template" id=section_id aria-labelledby=labelled_by>
            <h2 id=title_id>{heading}</h2>
            {built_in.then(|| view! {
                <p class="meta">"Built in, used while no saved template is the default. Save it to change it."</p>
            })}
            {(!new).then(|| view! { <TemplatePreview steps=steps_for_preview/> })}
            <ActionForm action=save node_ref=form_ref attr:class="stack-form template__form">
                <input type="hidden" name="id" value=template.id.map(|id| id.to_string()).unwrap_or_default()/>
                <label for=name_for>"Name"</label>
                <input id=name_id name="name" value=name maxlength=MAX_NAME_CHARS required=true/>
                <label class="checkbox">
                    <input type="checkbox" name="make_default" value="yes" checked=template.is_default/>
                    " Default: start this journey by itself"
                </label>
                <table class="template__steps">
                    <caption class="meta">"Steps (clear a step's text to remove it)"</caption>
                    <thead><tr><th scope="col">"Step"</th><th scope="col">"Send after"</th><th scope="col">"Channel"</th><th scope="col">"Text"</th></tr></thead>
                    <tbody>
                        {rows_view}
                    </tbody>
                </table>
                <button type="submit" class="button button--small">{if new { "Create template" } else { "Save template" }}</button>
            </ActionForm>
            {template.id.map(|id| view! { <RowAction action=delete id label="Delete template" class="inline-form"/> })}
        </section>
    }
}

/// The steps as a customer would read them, with sample values.
#[component]
fn TemplatePreview(steps: Vec<TemplateStep>) -> impl IntoView {
    let values = sample_values();
    view! {
        <details class="template__preview">
            <summary>"Preview with sample values"</summary>
            <ol>
                {steps.into_iter().map(|step| {
                    let (delay, unit) = delay_for_form(step.delay_hours);
                    view! { <li><span class="meta">{format!("after {delay} {unit}: ")}</span>{preview(&step.body_template, &values)}</li> }
                }).collect_view()}
            </ol>
        </details>
    }
}
