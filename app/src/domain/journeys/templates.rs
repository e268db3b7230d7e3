//! Journey templates as editors write them: a name and ordered steps, each sent after a
//! delay (hours or days) with a text that may use placeholders. Pure: the form is turned
//! into checked steps here; storage is `data::journey_templates`.

use serde::{Deserialize, Serialize};

use super::{check_template, TemplateError, TemplateStep};

/// Channels a step can use. Only email is delivered (through the outbox and SMTP).
pub const CHANNELS: [&str; 1] = ["email"];
pub const MAX_STEPS: usize = 10;
pub const MAX_BODY_CHARS: usize = 2_000;
pub const MAX_NAME_CHARS: usize = 80;
/// The longest delay a step may have: 90 days.
pub const MAX_DELAY_HOURS: u32 = 90 * 24;

/// A stored template, as the editor and the start menu show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateView {
    /// `None` for the built-in template (used while no stored template is the default).
    pub id: Option<i64>,
    pub name: String,
    pub is_default: bool,
    pub steps: Vec<TemplateStep>,
}

/// One step row of the editor form, as typed (blank rows are left out).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub delay: String,
    /// "hours" or "days".
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub body: String,
}

/// The checked steps of a submitted form. Rows without text are left out (that is how an
/// editor removes a step); steps are numbered from 1 among the rows kept.
pub fn steps_from_form(rows: &[StepForm]) -> Result<Vec<TemplateStep>, TemplateError> {
    let kept: Vec<&StepForm> = rows.iter().filter(|row| !row.body.trim().is_empty()).collect();
    if kept.len() > MAX_STEPS {
        return Err(TemplateError::TooManySteps { max: MAX_STEPS });
    }
    let mut steps = Vec::with_capacity(kept.len());
    for (index, row) in kept.into_iter().enumerate() {
        let step = index + 1;
        // No delay typed: at the start.
        let amount: u32 = match row.delay.trim() {
            "" => 0,
            typed => typed.parse().map_err(|_| TemplateError::BadDelay { step })?,
        };
        let hours = match row.unit.as_str() {
            "hours" => Some(amount),
            "days" => amount.checked_mul(24),
            _ => None,
        }
        .filter(|hours| *hours <= MAX_DELAY_HOURS)
        .ok_or(TemplateError::BadDelay { step })?;
        if row.body.chars().count() > MAX_BODY_CHARS {
            return Err(TemplateError::TooLong { step, max: MAX_BODY_CHARS });
        }
        steps.push(TemplateStep { delay_hours: hours, channel: CHANNELS[0].to_string(), body_template: row.body.trim().to_string() });
    }
    check_template(&steps)?;
    Ok(steps)
}

/// A step's delay as the editor shows it: whole days when it is a multiple of 24 hours.
pub fn delay_for_form(hours: u32) -> (String, &'static str) {
    if hours > 0 && hours.is_multiple_of(24) {
        ((hours / 24).to_string(), "days")
    } else {
        (hours.to_string(), "hours")
    }
}

/// A template name as saved: trimmed, not empty, not too long.
pub fn checked_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Give the template a name, e.g. “Billing mistake”.".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("Keep the name under {MAX_NAME_CHARS} characters."));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(delay: &str, unit: &str, body: &str) -> StepForm {
        StepForm { delay: delay.into(), unit: unit.into(), body: body.into() }
    }

    #[test]
    fn a_form_becomes_checked_steps_and_blank_rows_are_dropped() {
        let steps = steps_from_form(&[
            row("0", "hours", "Sorry, {customer_name}."),
            row("", "days", "   "),
            row("", "hours", "Right away, {agent_name}."),
            row("3", "days", "Update: {what_changed}"),
        ])
        .unwrap();
        assert_eq!(steps.iter().map(|s| s.delay_hours).collect::<Vec<_>>(), [0, 0, 72]);
        assert_eq!(steps[2].body_template, "Update: {what_changed}");
        assert_eq!(delay_for_form(72), ("3".to_string(), "days"));
        assert_eq!(delay_for_form(5), ("5".to_string(), "hours"));
        assert_eq!(delay_for_form(0), ("0".to_string(), "hours"));
    }

    #[test]
    fn bad_rows_are_named_by_their_step() {
        assert_eq!(steps_from_form(&[row("soon", "days", "Hi")]), Err(TemplateError::BadDelay { step: 1 }));
        assert_eq!(steps_from_form(&[row("1", "weeks", "Hi")]), Err(TemplateError::BadDelay { step: 1 }));
        assert_eq!(steps_from_form(&[row("0", "hours", "Hi"), row("91", "days", "Later")]), Err(TemplateError::BadDelay { step: 2 }));
        assert_eq!(steps_from_form(&[row("2", "days", "b"), row("1", "days", "a")]), Err(TemplateError::OutOfOrder { step: 2 }));
        assert_eq!(steps_from_form(&[row("", "", "")]), Err(TemplateError::NoSteps));
        assert_eq!(
            steps_from_form(&[row("0", "hours", "Hello {name}")]),
            Err(TemplateError::UnknownPlaceholder { step: 1, name: "name".into() })
        );
        let many: Vec<StepForm> = (0..11).map(|n| row(&n.to_string(), "days", "x")).collect();
        assert_eq!(steps_from_form(&many), Err(TemplateError::TooManySteps { max: MAX_STEPS }));
        assert!(checked_name("  ").is_err());
        assert_eq!(checked_name(" Billing ").unwrap(), "Billing");
    }
}
