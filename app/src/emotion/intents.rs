//! What the customer intends or asks for: churn, escalation, urgency, repeat contact, praise.
//! Lexicon: `lexicon/intents.tsv`. Confidence is that of the strongest matching phrase.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::patterns::PatternSet;
use super::text::{Evidence, Token};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Cancellation or switching to a competitor.
    Churn,
    /// Legal steps, regulators, public complaints.
    Escalation,
    Urgency,
    /// "This is the third time I'm asking."
    RepeatContact,
    /// Praise and thanks.
    Praise,
}

impl Intent {
    pub const ALL: [Intent; 5] = [Intent::Churn, Intent::Escalation, Intent::Urgency, Intent::RepeatContact, Intent::Praise];

    pub fn label(self) -> &'static str {
        match self {
            Intent::Churn => "churn / cancellation",
            Intent::Escalation => "escalation threat",
            Intent::Urgency => "urgency",
            Intent::RepeatContact => "repeat contact",
            Intent::Praise => "praise / thanks",
        }
    }

    /// Stable name for data and APIs ("repeat_contact").
    pub fn key(self) -> &'static str {
        match self {
            Intent::Churn => "churn",
            Intent::Escalation => "escalation",
            Intent::Urgency => "urgency",
            Intent::RepeatContact => "repeat_contact",
            Intent::Praise => "praise",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntentMatch {
    pub intent: Intent,
    pub confidence: f64,
    pub evidence: Vec<Evidence>,
}

fn lexicon() -> &'static PatternSet {
    static LEXICON: OnceLock<PatternSet> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let labels: Vec<&str> = Intent::ALL.iter().map(|i| i.key()).collect();
        PatternSet::parse(include_str!("lexicon/intents.tsv"), &labels).expect("intents.tsv is well-formed")
    })
}

/// The intents of one message, most confident first. Praise inside a sarcastic phrase
/// (token ranges in `sarcasm`) is not praise.
pub fn detect(text: &str, tokens: &[Token<'_>], sarcasm: &[(usize, usize)]) -> Vec<IntentMatch> {
    let mut found: Vec<IntentMatch> = Vec::new();
    for m in lexicon().find(tokens) {
        let intent = Intent::ALL[m.label];
        let sarcastic = sarcasm.iter().any(|&(first, end)| m.first < end && first < m.end);
        if m.negated || (intent == Intent::Praise && sarcastic) {
            continue;
        }
        let evidence = Evidence::of(text, tokens[m.first].start, tokens[m.end - 1].end);
        match found.iter_mut().find(|f| f.intent == intent) {
            Some(existing) => {
                existing.confidence = existing.confidence.max(m.weight);
                existing.evidence.push(evidence);
            }
            None => found.push(IntentMatch { intent, confidence: m.weight, evidence: vec![evidence] }),
        }
    }
    found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    found
}

#[cfg(test)]
mod tests {
    use super::super::text::tokenize;
    use super::*;

    fn intents(text: &str) -> Vec<Intent> {
        detect(text, &tokenize(text), &[]).into_iter().map(|m| m.intent).collect()
    }

    #[test]
    fn recognises_each_intent() {
        assert_eq!(intents("Please cancel my subscription."), [Intent::Churn]);
        assert_eq!(intents("I'm switching to another provider"), [Intent::Churn]);
        assert_eq!(intents("I'll post this everywhere"), [Intent::Escalation]);
        assert_eq!(intents("My lawyer will hear about this"), [Intent::Escalation]);
        assert_eq!(intents("I need this fixed today, it's urgent"), [Intent::Urgency]);
        assert_eq!(intents("This is the third time I'm asking"), [Intent::RepeatContact]);
        assert_eq!(intents("I already explained this twice"), [Intent::RepeatContact]);
        assert_eq!(intents("Thanks, great support!"), [Intent::Praise]);
    }

    #[test]
    fn ignores_negated_intents_and_keeps_evidence() {
        assert!(intents("I don't want to cancel my account").is_empty());
        let text = "Cancel my plan. I am switching to a competitor";
        let found = detect(text, &tokenize(text), &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].evidence[0].text, "Cancel my plan");
        assert_eq!(found[0].evidence.len(), 2);
    }
}
