//! Recovery journeys: a disappointed customer gets a short, ordered series of messages —
//! acknowledge, show how the issue is being fixed, check in — instead of a coupon. The rules:
//! templates, personalization, the plan of dated steps, healing and KPIs, shared with the
//! browser; storage is `data::journeys`, timing is `journeys::scheduler`.

pub mod candidates;
pub mod healing;
pub mod kpis;
pub mod model;
pub mod templates;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// One step of a template: after `delay_hours` from the journey's start, send `body` on
/// `channel`. Bodies may use the placeholders of [`Personalization`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateStep {
    pub delay_hours: u32,
    pub channel: String,
    pub body_template: String,
}

/// What a step's text may name, as `{customer_name}`, `{issue_summary}`, `{what_changed}`
/// and `{agent_name}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Personalization {
    pub customer_name: String,
    pub issue_summary: String,
    pub what_changed: String,
    pub agent_name: String,
}

pub const PLACEHOLDERS: [&str; 4] = ["customer_name", "issue_summary", "what_changed", "agent_name"];

/// The classic three steps: acknowledgement and apology now, how the issue is being
/// addressed after three days, a check-in asking how they feel after seven.
pub fn default_template() -> Vec<TemplateStep> {
    vec![
        TemplateStep {
            delay_hours: 0,
            channel: "email".into(),
            body_template: "Hi {customer_name}, I'm sorry about “{issue_summary}”. That should not have happened, \
                            and I'm personally looking after it. — {agent_name}"
                .into(),
        },
        TemplateStep {
            delay_hours: 72,
            channel: "email".into(),
            body_template: "Hi {customer_name}, an update on “{issue_summary}”: {what_changed} \
                            I'll keep an eye on it. — {agent_name}"
                .into(),
        },
        TemplateStep {
            delay_hours: 168,
            channel: "email".into(),
            body_template: "Hi {customer_name}, it's been a week since “{issue_summary}”. How do things feel now? \
                            Just reply to this message; I read every answer. — {agent_name}"
                .into(),
        },
    ]
}

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum TemplateError {
    #[error("a journey needs at least one step")]
    NoSteps,
    #[error("step {step}: unknown placeholder {{{name}}} (use {{customer_name}}, {{issue_summary}}, {{what_changed}} or {{agent_name}})")]
    UnknownPlaceholder { step: usize, name: String },
    #[error("step {step}: {{{name}}} has no value for this customer")]
    MissingValue { step: usize, name: String },
    #[error("step {step}: the text is empty")]
    EmptyBody { step: usize },
    #[error("step {step}: steps must not come before the previous one")]
    OutOfOrder { step: usize },
    #[error("step {step}: give the delay as a whole number of hours or days, at most 90 days")]
    BadDelay { step: usize },
    #[error("step {step}: keep the text under {max} characters")]
    TooLong { step: usize, max: usize },
    #[error("a journey can have at most {max} steps")]
    TooManySteps { max: usize },
}

/// The placeholders a text uses, in order (`{name}` with a lowercase name).
fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_lowercase() || c == '_') && close > 0 => {
                found.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    found
}

/// Checks a template as an editor saves it: steps in time order, texts not empty, only
/// known placeholders. Steps are numbered from 1 in errors.
pub fn check_template(steps: &[TemplateStep]) -> Result<(), TemplateError> {
    if steps.is_empty() {
        return Err(TemplateError::NoSteps);
    }
    for (index, step) in steps.iter().enumerate() {
        let number = index + 1;
        check_step_text(number, &step.body_template)?;
        if index > 0 && step.delay_hours < steps[index - 1].delay_hours {
            return Err(TemplateError::OutOfOrder { step: number });
        }
    }
    Ok(())
}

/// Checks one step's text (as saved in a template, or edited on a running journey): not
/// empty, only known placeholders.
pub fn check_step_text(step: usize, text: &str) -> Result<(), TemplateError> {
    if text.trim().is_empty() {
        return Err(TemplateError::EmptyBody { step });
    }
    if let Some(name) = placeholders(text).into_iter().find(|name| !PLACEHOLDERS.contains(name)) {
        return Err(TemplateError::UnknownPlaceholder { step, name: name.into() });
    }
    Ok(())
}

/// A step's text for one customer. Every placeholder the text uses must have a value: a
/// message that says "Hi ," is worse than none.
pub fn render(step: usize, text: &str, values: &Personalization) -> Result<String, TemplateError> {
    let mut rendered = text.to_string();
    for name in placeholders(text) {
        let value = match name {
            "customer_name" => &values.customer_name,
            "issue_summary" => &values.issue_summary,
            "what_changed" => &values.what_changed,
            "agent_name" => &values.agent_name,
            other => return Err(TemplateError::UnknownPlaceholder { step, name: other.into() }),
        };
        if value.trim().is_empty() {
            return Err(TemplateError::MissingValue { step, name: name.into() });
        }
        rendered = rendered.replace(&format!("{{{name}}}"), value.trim());
    }
    Ok(rendered)
}

/// The text with the values known so far filled in; placeholders without a value stay as
/// they are, so an agent sees what is still missing.
pub fn preview(text: &str, values: &Personalization) -> String {
    let mut shown = text.to_string();
    for (name, value) in [
        ("customer_name", &values.customer_name),
        ("issue_summary", &values.issue_summary),
        ("what_changed", &values.what_changed),
        ("agent_name", &values.agent_name),
    ] {
        if !value.trim().is_empty() {
            shown = shown.replace(&format!("{{{name}}}"), value.trim());
        }
    }
    shown
}

/// A step ready to store: its time fixed, its text still with placeholders (they are filled
/// in when it is sent, with what is known then).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedStep {
    pub position: i64,
    pub channel: String,
    pub body: String,
    pub due_at: DateTime<Utc>,
}

/// The dated steps of a journey starting at `started_at`.
pub fn plan(steps: &[TemplateStep], started_at: DateTime<Utc>) -> Result<Vec<PlannedStep>, TemplateError> {
    check_template(steps)?;
    Ok(steps
        .iter()
        .enumerate()
        .map(|(index, step)| PlannedStep {
            position: index as i64 + 1,
            channel: step.channel.clone(),
            body: step.body_template.clone(),
            due_at: started_at + Duration::hours(i64::from(step.delay_hours)),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn values() -> Personalization {
        Personalization {
            customer_name: "Dana".into(),
            issue_summary: "the double charge".into(),
            what_changed: "the refund went out today.".into(),
            agent_name: "Sam".into(),
        }
    }

    #[test]
    fn the_default_journey_acknowledges_now_explains_after_three_days_checks_in_after_seven() {
        let start = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let steps = plan(&default_template(), start).unwrap();
        assert_eq!(steps.iter().map(|s| s.due_at - start).collect::<Vec<_>>(), [Duration::zero(), Duration::days(3), Duration::days(7)]);
        assert_eq!(
            render(1, &steps[0].body, &values()).unwrap(),
            "Hi Dana, I'm sorry about “the double charge”. That should not have happened, and I'm personally looking after it. — Sam"
        );
        assert!(render(2, &steps[1].body, &values()).unwrap().contains("the refund went out today."));
        assert_eq!(steps.iter().map(|s| s.position).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn templates_are_checked_as_they_are_saved() {
        let step = |hours, text: &str| TemplateStep { delay_hours: hours, channel: "email".into(), body_template: text.into() };
        assert_eq!(check_template(&[]), Err(TemplateError::NoSteps));
        assert_eq!(
            check_template(&[step(0, "Hi {customer}")]),
            Err(TemplateError::UnknownPlaceholder { step: 1, name: "customer".into() })
        );
        assert_eq!(check_template(&[step(5, "a"), step(2, "b")]), Err(TemplateError::OutOfOrder { step: 2 }));
        assert_eq!(check_template(&[step(0, "  ")]), Err(TemplateError::EmptyBody { step: 1 }));
        assert_eq!(check_template(&[step(0, "Prices in {EUR} and {} stay as written")]), Ok(()));
    }

    #[test]
    fn a_preview_shows_what_is_still_missing() {
        let mut values = values();
        values.what_changed.clear();
        assert_eq!(preview("{customer_name}: {what_changed}", &values), "Dana: {what_changed}");
    }

    #[test]
    fn a_missing_value_is_an_error_not_an_empty_greeting() {
        let mut values = values();
        values.agent_name = " ".into();
        assert_eq!(render(1, "Thanks — {agent_name}", &values), Err(TemplateError::MissingValue { step: 1, name: "agent_name".into() }));
        assert_eq!(render(1, "No placeholders", &values).unwrap(), "No placeholders");
    }
}
