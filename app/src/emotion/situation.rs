//! What a conversation is about, and how the agent should meet it.
//!
//! Some situations want fast resolution, not emotional dialogue: fraud, failed or double
//! payments, costly defects. There a quick fix is the empathy. Upset customers in other
//! situations are acknowledged first; happy ones are celebrated.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::emotions::{Emotion, EmotionScore};
use super::patterns::PatternSet;
use super::text::{money_amounts, Evidence, Token};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Situation {
    /// Billing and payment.
    Billing,
    /// Fraud and security.
    Fraud,
    Delivery,
    /// Product defect.
    Defect,
    /// Account access.
    Account,
    /// How-to question.
    HowTo,
    /// Feedback and praise.
    Praise,
}

impl Situation {
    pub const ALL: [Situation; 7] = [
        Situation::Billing,
        Situation::Fraud,
        Situation::Delivery,
        Situation::Defect,
        Situation::Account,
        Situation::HowTo,
        Situation::Praise,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Situation::Billing => "billing",
            Situation::Fraud => "fraud",
            Situation::Delivery => "delivery",
            Situation::Defect => "defect",
            Situation::Account => "account",
            Situation::HowTo => "howto",
            Situation::Praise => "praise",
        }
    }

    pub fn from_key(key: &str) -> Option<Situation> {
        Situation::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Situation::Billing => "billing / payment",
            Situation::Fraud => "fraud / security",
            Situation::Delivery => "delivery",
            Situation::Defect => "product defect",
            Situation::Account => "account access",
            Situation::HowTo => "how-to",
            Situation::Praise => "feedback / praise",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SituationMatch {
    pub situation: Situation,
    /// 0 … 1.
    pub confidence: f64,
    /// Fraud, failed or double payment, costly defect: speed matters most.
    pub needs_fast_fix: bool,
    pub evidence: Vec<Evidence>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approach {
    ResolveFirst,
    AcknowledgeFirst,
    Celebrate,
}

impl Approach {
    pub fn label(self) -> &'static str {
        match self {
            Approach::ResolveFirst => "resolve first",
            Approach::AcknowledgeFirst => "acknowledge first",
            Approach::Celebrate => "celebrate",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Approach::ResolveFirst => "resolve_first",
            Approach::AcknowledgeFirst => "acknowledge_first",
            Approach::Celebrate => "celebrate",
        }
    }

    pub fn from_key(key: &str) -> Option<Approach> {
        [Approach::ResolveFirst, Approach::AcknowledgeFirst, Approach::Celebrate].into_iter().find(|a| a.key() == key)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Guidance {
    pub approach: Approach,
    /// One sentence for the agent.
    pub reason: String,
}

/// A single amount at least this large makes a defect costly.
const COSTLY_AMOUNT: f64 = 200.0;
/// Below this total weight, nothing is said about the situation.
const MIN_WEIGHT: f64 = 0.5;

fn lexicon() -> &'static PatternSet {
    static LEXICON: OnceLock<PatternSet> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut labels = Vec::new();
        for situation in Situation::ALL {
            labels.push(situation.key().to_string());
            labels.push(format!("{}!", situation.key()));
        }
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        PatternSet::parse(include_str!("lexicon/situations.tsv"), &labels).expect("situations.tsv is well-formed")
    })
}

pub fn detect(text: &str, tokens: &[Token<'_>]) -> Option<SituationMatch> {
    let mut weights = [0.0_f64; 7];
    let mut urgent = [false; 7];
    let mut evidence: [Vec<Evidence>; 7] = Default::default();
    for m in lexicon().find(tokens) {
        let (slot, fast) = (m.label / 2, m.label % 2 == 1);
        weights[slot] += m.weight;
        urgent[slot] |= fast;
        evidence[slot].push(Evidence::of(text, tokens[m.first].start, tokens[m.end - 1].end));
    }
    let defect = Situation::Defect as usize;
    if weights[defect] > 0.0 && money_amounts(text).iter().any(|a| *a >= COSTLY_AMOUNT) {
        urgent[defect] = true;
    }
    let total: f64 = weights.iter().sum();
    let (best, &weight) = weights.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    (weight >= MIN_WEIGHT).then(|| SituationMatch {
        situation: Situation::ALL[best],
        confidence: ((weight / total) * 100.0).round() / 100.0,
        needs_fast_fix: urgent[best],
        evidence: std::mem::take(&mut evidence[best]),
    })
}

/// How the agent should meet the message, with the reason in one sentence.
pub fn guidance(situation: Option<&SituationMatch>, emotions: &[EmotionScore], extended: f64) -> Guidance {
    let strongest = |wanted: &[Emotion]| emotions.iter().filter(|e| wanted.contains(&e.emotion)).map(|e| e.intensity).fold(0.0, f64::max);
    let upset = strongest(&[Emotion::Anger, Emotion::Anxiety, Emotion::Sadness]);
    let happy = strongest(&[Emotion::Gratitude, Emotion::Joy]);
    let (approach, reason) = match situation {
        Some(s) if s.needs_fast_fix && s.situation == Situation::Fraud => (
            Approach::ResolveFirst,
            "Possible fraud or a security breach: secure the account and stop the damage first; reassurance comes with the fix.",
        ),
        Some(s) if s.needs_fast_fix && s.situation == Situation::Billing => {
            (Approach::ResolveFirst, "Money is stuck or taken wrongly: correct the payment now, a fast fix says more than an apology.")
        }
        Some(s) if s.needs_fast_fix => {
            (Approach::ResolveFirst, "A costly product has failed: arrange the repair or replacement first, then explain.")
        }
        _ if upset >= 0.35 || extended <= -0.5 => {
            (Approach::AcknowledgeFirst, "The customer is upset: name what went wrong and own it before you solve it.")
        }
        Some(s) if s.situation == Situation::Praise => {
            (Approach::Celebrate, "The customer is happy: thank them personally and share the joy; this may become a story.")
        }
        _ if (happy >= 0.35 && extended >= 0.3) || (happy > 0.0 && extended >= 0.6) => {
            (Approach::Celebrate, "The customer is pleased: thank them warmly and make the good moment last.")
        }
        _ => (Approach::ResolveFirst, "A practical request without strong feelings: a clear, quick answer is the best care."),
    };
    Guidance { approach, reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::super::text::tokenize;
    use super::*;

    fn situation(text: &str) -> Option<SituationMatch> {
        detect(text, &tokenize(text))
    }

    #[test]
    fn recognises_each_situation() {
        let cases = [
            ("I was charged twice on my invoice", Situation::Billing, true),
            ("Someone logged into my account, I think I was hacked", Situation::Fraud, true),
            ("My parcel never arrived, the tracking is stuck", Situation::Delivery, false),
            ("The blender arrived cracked and doesn't work", Situation::Defect, false),
            ("I'm locked out, the password reset link fails", Situation::Account, false),
            ("How do I export my contacts to CSV?", Situation::HowTo, false),
            ("Thank you, amazing help, well done!", Situation::Praise, false),
        ];
        for (text, expected, fast) in cases {
            let found = situation(text).unwrap_or_else(|| panic!("{text:?}: no situation"));
            assert_eq!(found.situation, expected, "{text:?}");
            assert_eq!(found.needs_fast_fix, fast, "{text:?}");
            assert!(!found.evidence.is_empty());
        }
        assert_eq!(situation("Hello there"), None);
    }

    #[test]
    fn costly_defects_need_a_fast_fix() {
        let found = situation("My $1,499 laptop is broken after a week").unwrap();
        assert_eq!(found.situation, Situation::Defect);
        assert!(found.needs_fast_fix);
    }

    #[test]
    fn guidance_follows_situation_then_feelings() {
        let fraud = situation("Unauthorized transaction on my card, I've been hacked");
        assert_eq!(guidance(fraud.as_ref(), &[], -0.8).approach, Approach::ResolveFirst);
        let upset = [EmotionScore { emotion: Emotion::Anger, intensity: 0.7, evidence: vec![] }];
        let delivery = situation("Where is my parcel");
        assert_eq!(guidance(delivery.as_ref(), &upset, -0.6).approach, Approach::AcknowledgeFirst);
        let praise = situation("Thanks so much, amazing support");
        assert_eq!(guidance(praise.as_ref(), &[], 0.9).approach, Approach::Celebrate);
        let question = situation("How do I change my plan?");
        let plain = guidance(question.as_ref(), &[], 0.0);
        assert_eq!(plain.approach, Approach::ResolveFirst);
        assert!(plain.reason.ends_with('.'));
        assert_eq!(Approach::from_key("celebrate"), Some(Approach::Celebrate));
        assert_eq!(Situation::from_key("fraud"), Some(Situation::Fraud));
    }
}
