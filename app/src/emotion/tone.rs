//! The tone check of an agent's draft reply. Runs in the browser on every keystroke, so it
//! uses only the small `lexicon/tone.tsv` (not the sentiment lexicons).
//!
//! It flags dismissive and blaming phrases, over-promising, cold boilerplate, and a missing
//! acknowledgement when the customer is upset; each flag says why it matters. It suggests
//! acknowledgement lines that fit the situation.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::patterns::PatternSet;
use super::situation::Situation;
use super::text::{tokenize, Evidence};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToneIssue {
    Dismissive,
    Blaming,
    OverPromising,
    ColdBoilerplate,
    MissingAcknowledgement,
}

impl ToneIssue {
    pub const ALL: [ToneIssue; 5] = [
        ToneIssue::Dismissive,
        ToneIssue::Blaming,
        ToneIssue::OverPromising,
        ToneIssue::ColdBoilerplate,
        ToneIssue::MissingAcknowledgement,
    ];

    /// A stable key, as stored with a sent reply.
    pub fn key(self) -> &'static str {
        match self {
            ToneIssue::Dismissive => "dismissive",
            ToneIssue::Blaming => "blaming",
            ToneIssue::OverPromising => "over_promising",
            ToneIssue::ColdBoilerplate => "cold_boilerplate",
            ToneIssue::MissingAcknowledgement => "missing_acknowledgement",
        }
    }

    pub fn parse(key: &str) -> Option<ToneIssue> {
        ToneIssue::ALL.into_iter().find(|issue| issue.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            ToneIssue::Dismissive => "Dismissive",
            ToneIssue::Blaming => "Blaming",
            ToneIssue::OverPromising => "Over-promising",
            ToneIssue::ColdBoilerplate => "Cold boilerplate",
            ToneIssue::MissingAcknowledgement => "No acknowledgement",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            ToneIssue::Dismissive => {
                "Tells the customer their feelings or question are not valid; upset people hear it as \"you are not worth my time\"."
            }
            ToneIssue::Blaming => {
                "Puts the fault on the customer. Even when true, it turns the conversation into a dispute; say what will fix it instead."
            }
            ToneIssue::OverPromising => {
                "A promise you cannot be sure to keep: if it slips, trust drops further than before. Commit to the next concrete step and a time you control."
            }
            ToneIssue::ColdBoilerplate => {
                "Template language sounds like nobody read their message. Say it in your own words and name their actual problem."
            }
            ToneIssue::MissingAcknowledgement => {
                "The customer is upset and the reply does not acknowledge it. Name what went wrong and own it before explaining the fix."
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToneFlag {
    pub issue: ToneIssue,
    /// The phrase that raised the flag; `None` for something missing.
    pub evidence: Option<Evidence>,
    pub explanation: String,
}

/// What the tone check knows about the conversation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ToneContext {
    /// The customer's latest messages show anger, worry or sadness.
    pub customer_upset: bool,
    pub situation: Option<Situation>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ToneReport {
    pub flags: Vec<ToneFlag>,
    pub acknowledges: bool,
    /// Acknowledgement lines the agent can insert.
    pub suggestions: Vec<String>,
}

impl ToneContext {
    /// The context from the analyses of the customer's latest messages (oldest first): upset
    /// when one of the last three shows strong anger, worry or sadness or reads clearly
    /// negative; the situation of the latest message that has one.
    pub fn from_latest(analyses: &[super::Analysis]) -> ToneContext {
        let recent = &analyses[analyses.len().saturating_sub(3)..];
        let customer_upset =
            recent.iter().any(|a| a.extended <= -0.3 || a.emotions.iter().any(|e| e.emotion.is_negative() && e.intensity >= 0.35));
        let situation = analyses.iter().rev().find_map(|a| a.situation.as_ref().map(|s| s.situation));
        ToneContext { customer_upset, situation }
    }
}

const LABELS: [&str; 5] = ["dismissive", "blaming", "over_promising", "boilerplate", "acknowledgement"];
const ACKNOWLEDGEMENT: usize = 4;

fn lexicon() -> &'static PatternSet {
    static LEXICON: OnceLock<PatternSet> = OnceLock::new();
    LEXICON.get_or_init(|| PatternSet::parse(include_str!("lexicon/tone.tsv"), &LABELS).expect("tone.tsv is well-formed"))
}

pub fn check(draft: &str, context: &ToneContext) -> ToneReport {
    let tokens = tokenize(draft);
    let mut report = ToneReport::default();
    for found in lexicon().find(&tokens) {
        if found.label == ACKNOWLEDGEMENT {
            report.acknowledges = true;
            continue;
        }
        let issue = match found.label {
            0 => ToneIssue::Dismissive,
            1 => ToneIssue::Blaming,
            2 => ToneIssue::OverPromising,
            _ => ToneIssue::ColdBoilerplate,
        };
        // "I don't guarantee" is not a promise; "don't panic" stays dismissive.
        if found.negated && issue == ToneIssue::OverPromising {
            continue;
        }
        report.flags.push(ToneFlag {
            issue,
            evidence: Some(Evidence::of(draft, tokens[found.first].start, tokens[found.end - 1].end)),
            explanation: issue.explanation().to_string(),
        });
    }
    let substantial = tokens.len() >= 4;
    if context.customer_upset && substantial && !report.acknowledges {
        report.flags.push(ToneFlag {
            issue: ToneIssue::MissingAcknowledgement,
            evidence: None,
            explanation: ToneIssue::MissingAcknowledgement.explanation().to_string(),
        });
    }
    if context.customer_upset && !report.acknowledges {
        report.suggestions = suggestions(context.situation);
    }
    report
}

/// Acknowledgement lines for the situation, most specific first.
pub fn suggestions(situation: Option<Situation>) -> Vec<String> {
    let specific = match situation {
        Some(Situation::Billing) => "I'm sorry we charged you wrongly; that's our mistake, and I'm correcting it now.",
        Some(Situation::Fraud) => "I understand how worrying this is; I'm securing your account right now, before anything else.",
        Some(Situation::Delivery) => "I'm sorry your order is late; I know you were counting on it arriving on time.",
        Some(Situation::Defect) => "I'm sorry it arrived like this; that's not the quality you paid for, and I'll make it right.",
        Some(Situation::Account) => "I'm sorry you're locked out; I know how stressful it is not to reach your own account.",
        Some(Situation::HowTo) => "I can see why this is confusing; let me walk you through it step by step.",
        Some(Situation::Praise) | None => "I'm sorry this has been so frustrating for you.",
    };
    vec![
        specific.to_string(),
        "You're right to expect better from us, and thank you for your patience.".to_string(),
        "I've read your whole message and I'm taking this on personally until it's fixed.".to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(draft: &str, upset: bool) -> Vec<ToneIssue> {
        check(draft, &ToneContext { customer_upset: upset, situation: Some(Situation::Billing) })
            .flags
            .into_iter()
            .map(|f| f.issue)
            .collect()
    }

    #[test]
    fn flags_each_issue_with_its_phrase_and_reason() {
        let report = check("Please calm down. As I already said, you should have read the terms.", &ToneContext::default());
        let phrases: Vec<&str> = report.flags.iter().map(|f| f.evidence.as_ref().unwrap().text.as_str()).collect();
        assert_eq!(phrases, ["calm down", "As I already said", "you should have"]);
        assert!(report.flags.iter().all(|f| !f.explanation.is_empty()));
        assert_eq!(issues("I guarantee this will never happen again.", false), [ToneIssue::OverPromising, ToneIssue::OverPromising]);
        assert_eq!(issues("We apologize for any inconvenience caused.", false), [ToneIssue::ColdBoilerplate]);
        assert!(issues("I can't guarantee a date yet, but I'll update you on Friday.", false).is_empty());
    }

    #[test]
    fn asks_for_acknowledgement_when_the_customer_is_upset() {
        assert_eq!(issues("The refund was issued today.", true), [ToneIssue::MissingAcknowledgement]);
        assert!(issues("I'm sorry about the double charge. The refund was issued today.", true).is_empty());
        assert!(issues("The refund was issued today.", false).is_empty());
        let report = check("Refund issued.", &ToneContext { customer_upset: true, situation: Some(Situation::Billing) });
        assert!(report.suggestions[0].contains("charged you wrongly"));
        assert!(check("", &ToneContext::default()).flags.is_empty());
        let latest =
            [crate::emotion::analyze("Thanks!"), crate::emotion::analyze("Still waiting, this is unacceptable. Where is my parcel?")];
        let context = ToneContext::from_latest(&latest);
        assert!(context.customer_upset);
        assert_eq!(context.situation, Some(Situation::Delivery));
        assert!(!ToneContext::from_latest(&latest[..1]).customer_upset);
    }
}
