//! What ingestion accepts: field limits, and problems collected so a client learns about all
//! of them at once.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::data::DataError;
use crate::domain::channels::Direction;
use crate::error::AppError;

/// Longest message body accepted, in characters.
pub const MAX_BODY_CHARS: usize = 20_000;
pub(super) const MAX_KEY_CHARS: usize = 200;
pub(super) const MAX_NAME_CHARS: usize = 200;
pub(super) const MAX_SUBJECT_CHARS: usize = 300;
/// What a message's `direction` may say (a note is written in the workspace, never ingested).
pub const MESSAGE_DIRECTIONS: [&str; 2] = [Direction::Inbound.key(), Direction::Outbound.key()];

pub(super) const NOT_THIS_CUSTOMERS: &str = "this customer has no conversation with this id";
pub(super) const UNKNOWN_CUSTOMER: &str = "no customer has this reference; upsert the customer first";

/// `DataError::NotFound` from a conversation lookup means the id is not this customer's.
pub(super) fn not_this_customers_conversation(error: DataError) -> AppError {
    match error {
        DataError::NotFound => AppError::field_problem("conversation_id", NOT_THIS_CUSTOMERS),
        other => other.into(),
    }
}

/// Collects field problems so a client learns about all of them at once.
#[derive(Default)]
pub(super) struct Problems(pub(super) BTreeMap<String, String>);

impl Problems {
    pub(super) fn text(&mut self, field: &str, value: &str, max_chars: usize) {
        let chars = value.trim().chars().count();
        if let Some(character) = crate::domain::text_input::forbidden_control_character(value) {
            self.0.insert(field.into(), crate::domain::text_input::control_character_problem(character));
        } else if chars == 0 {
            self.0.insert(field.into(), "must not be empty".into());
        } else if chars > max_chars {
            self.0.insert(field.into(), format!("must be at most {max_chars} characters (got {chars})"));
        }
    }

    pub(super) fn optional_text(&mut self, field: &str, value: Option<&str>, max_chars: usize) {
        if let Some(value) = value {
            self.text(field, value, max_chars);
        }
    }

    pub(super) fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.0.insert(field.into(), format!("must be one of: {}", allowed.join(", ")));
        }
    }

    /// Reads one of the `allowed` words as its value (`None`, and the problem noted, when it
    /// is not one of them).
    pub(super) fn word<T>(&mut self, field: &str, value: &str, allowed: &[&str], parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        self.one_of(field, value, allowed);
        parse(value).filter(|_| allowed.contains(&value))
    }

    pub(super) fn not_in_future(&mut self, field: &str, at: Option<DateTime<Utc>>, now: DateTime<Utc>) {
        if at.is_some_and(|at| at > now + Duration::minutes(5)) {
            self.0.insert(field.into(), "must not be in the future".into());
        }
    }

    pub(super) fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid_fields(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::channels::Channel;

    #[test]
    fn problems_collect_every_field() {
        let mut problems = Problems::default();
        problems.text("body", "  ", 10);
        problems.text("subject", "x".repeat(11).as_str(), 10);
        problems.one_of("channel", "fax", Channel::KEYS);
        let Err(AppError::Invalid { fields, .. }) = problems.finish() else { panic!("expected field errors") };
        assert_eq!(fields["body"], "must not be empty");
        assert_eq!(fields["subject"], "must be at most 10 characters (got 11)");
        assert_eq!(fields["channel"], "must be one of: email, chat, social, phone, forum");
    }
}
