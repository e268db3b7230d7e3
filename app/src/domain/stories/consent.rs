//! The consent ledger's rules, free of storage: what the latest record for a story's current
//! version allows.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Requested,
    Granted,
    Declined,
    Withdrawn,
}

impl Decision {
    pub fn parse(value: &str) -> Option<Decision> {
        match value {
            "requested" => Some(Decision::Requested),
            "granted" => Some(Decision::Granted),
            "declined" => Some(Decision::Declined),
            "withdrawn" => Some(Decision::Withdrawn),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Requested => "requested",
            Decision::Granted => "granted",
            Decision::Declined => "declined",
            Decision::Withdrawn => "withdrawn",
        }
    }
}

/// The newest ledger record for a subject's current version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestConsent {
    pub decision: Decision,
    pub text_shown: String,
}

/// Why something may not be published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublishRefusal {
    NeverAsked,
    Waiting,
    Declined,
    Withdrawn,
    /// Consent was given to a different text (an edit after consent).
    TextChanged,
}

impl PublishRefusal {
    pub fn message(&self) -> &'static str {
        match self {
            PublishRefusal::NeverAsked => "This story has no consent yet: ask the customer first.",
            PublishRefusal::Waiting => "The customer has not answered the consent request yet.",
            PublishRefusal::Declined => "The customer declined to share this story; it cannot be published.",
            PublishRefusal::Withdrawn => "The customer withdrew their consent; this story cannot be published again.",
            PublishRefusal::TextChanged => "The text changed after the customer agreed: ask for consent to this version.",
        }
    }
}

/// Publishing needs the latest record for this version to be a grant of exactly `current_text`.
pub fn may_publish(latest: Option<&LatestConsent>, current_text: &str) -> Result<(), PublishRefusal> {
    match latest {
        None => Err(PublishRefusal::NeverAsked),
        Some(record) => match record.decision {
            Decision::Requested => Err(PublishRefusal::Waiting),
            Decision::Declined => Err(PublishRefusal::Declined),
            Decision::Withdrawn => Err(PublishRefusal::Withdrawn),
            Decision::Granted if record.text_shown != current_text => Err(PublishRefusal::TextChanged),
            Decision::Granted => Ok(()),
        },
    }
}

/// What a customer may answer, given the latest record: a request can be granted or declined,
/// a grant withdrawn. Anything else is refused with the reason.
pub fn may_answer(latest: Option<Decision>, answer: Decision) -> Result<(), &'static str> {
    match (latest, answer) {
        (Some(Decision::Requested), Decision::Granted | Decision::Declined) => Ok(()),
        (Some(Decision::Granted), Decision::Withdrawn) => Ok(()),
        (Some(Decision::Granted), Decision::Granted) => Err("You already agreed to share this story."),
        (Some(Decision::Declined), _) => Err("You declined to share this story; nothing more is needed."),
        (Some(Decision::Withdrawn), _) => Err("You withdrew your consent; this story is no longer shared."),
        (_, Decision::Withdrawn) => Err("There is no consent to withdraw."),
        _ => Err("There is no open consent request for this version of the story."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latest(decision: Decision, text: &str) -> LatestConsent {
        LatestConsent { decision, text_shown: text.into() }
    }

    #[test]
    fn publishing_needs_a_grant_of_the_exact_text() {
        assert_eq!(may_publish(None, "t"), Err(PublishRefusal::NeverAsked));
        assert_eq!(may_publish(Some(&latest(Decision::Requested, "t")), "t"), Err(PublishRefusal::Waiting));
        assert_eq!(may_publish(Some(&latest(Decision::Declined, "t")), "t"), Err(PublishRefusal::Declined));
        assert_eq!(may_publish(Some(&latest(Decision::Withdrawn, "t")), "t"), Err(PublishRefusal::Withdrawn));
        assert_eq!(may_publish(Some(&latest(Decision::Granted, "old")), "new"), Err(PublishRefusal::TextChanged));
        assert_eq!(may_publish(Some(&latest(Decision::Granted, "t")), "t"), Ok(()));
    }

    #[test]
    fn answers_follow_the_ledger() {
        assert!(may_answer(Some(Decision::Requested), Decision::Granted).is_ok());
        assert!(may_answer(Some(Decision::Requested), Decision::Declined).is_ok());
        assert!(may_answer(Some(Decision::Granted), Decision::Withdrawn).is_ok());
        assert!(may_answer(None, Decision::Granted).is_err());
        assert!(may_answer(Some(Decision::Withdrawn), Decision::Granted).is_err());
        assert!(may_answer(Some(Decision::Requested), Decision::Withdrawn).is_err());
        for decision in [Decision::Requested, Decision::Granted, Decision::Declined, Decision::Withdrawn] {
            assert_eq!(Decision::parse(decision.as_str()), Some(decision));
        }
    }
}
