//! The emotion engine: pure Rust (no I/O, no database, no web), compiled into the server and
//! the browser client.
//!
//! - [`vader`]: reference-exact VADER sentiment (`compound`, `pos`, `neu`, `neg`).
//! - [`extended`]: our customer-service sentiment, reported beside the reference.
//! - [`emotions`], [`intents`], [`situation`]: what a message feels, wants and is about,
//!   each with the words it is based on, from documented lexicons in `lexicon/`.
//! - [`state`], [`risk`], [`traits`]: a customer over time.
//! - [`tone`]: the tone check of an agent's draft reply.
//!
//! Lexicons are parsed once, on first use, and shared by all callers.

pub mod accuracy;
pub mod emotions;
pub mod extended;
pub mod intents;
mod patterns;
pub mod risk;
mod settings;
pub mod situation;
pub mod state;
pub mod text;
pub mod tone;
pub mod traits;
pub mod vader;

pub use settings::EngineSettings;

use serde::{Deserialize, Serialize};

use emotions::EmotionScore;
use intents::IntentMatch;
use situation::{Guidance, SituationMatch};
use vader::Polarity;

/// Everything the engine reads in one message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Reference-exact VADER scores.
    pub polarity: Polarity,
    /// Our improved compound score, −1 … 1.
    pub extended: f64,
    pub emotions: Vec<EmotionScore>,
    pub intents: Vec<IntentMatch>,
    pub situation: Option<SituationMatch>,
    pub guidance: Guidance,
}

impl Analysis {
    pub fn intensity_of(&self, emotion: emotions::Emotion) -> f64 {
        self.emotions.iter().find(|e| e.emotion == emotion).map_or(0.0, |e| e.intensity)
    }

    pub fn has_intent(&self, intent: intents::Intent) -> bool {
        self.intents.iter().any(|i| i.intent == intent)
    }
}

/// Analyses one message.
pub fn analyze(text: &str) -> Analysis {
    let tokens = text::tokenize(text);
    let (extended, sarcasm) = extended::extended_compound_with_tokens(text, &tokens);
    let emotions = emotions::detect(text, &tokens, &sarcasm);
    let intents = intents::detect(text, &tokens, &sarcasm);
    let situation = situation::detect(text, &tokens);
    let guidance = situation::guidance(situation.as_ref(), &emotions, extended);
    Analysis { polarity: vader::polarity_scores(text), extended, emotions, intents, situation, guidance }
}

#[cfg(test)]
mod tests {
    use super::emotions::Emotion;
    use super::intents::Intent;
    use super::situation::{Approach, Situation};
    use super::*;

    #[test]
    fn reads_a_complaint_end_to_end() {
        let analysis = analyze(
            "You charged my card twice! This is the third time I'm asking. \
             Fix it today or I cancel my subscription.",
        );
        assert!(analysis.extended < analysis.polarity.compound);
        assert!(analysis.extended < -0.3);
        assert!(analysis.has_intent(Intent::RepeatContact));
        assert!(analysis.has_intent(Intent::Churn));
        assert!(analysis.has_intent(Intent::Urgency));
        let situation = analysis.situation.as_ref().unwrap();
        assert_eq!(situation.situation, Situation::Billing);
        assert_eq!(analysis.guidance.approach, Approach::ResolveFirst);
    }

    #[test]
    fn reads_sarcasm_as_anger_not_joy() {
        let analysis = analyze("Great, another delay. Still waiting for my parcel.");
        assert!(analysis.extended < -0.3, "{}", analysis.extended);
        assert!(analysis.intensity_of(Emotion::Anger) > 0.3);
        assert_eq!(analysis.intensity_of(Emotion::Joy), 0.0);
        assert!(!analysis.has_intent(Intent::Praise));
        assert_eq!(analysis.guidance.approach, Approach::AcknowledgeFirst);
    }

    #[test]
    fn reads_thanks_as_a_moment_to_celebrate() {
        let analysis = analyze("Thank you so much, Sam fixed it in minutes. You made my day!");
        assert!(analysis.intensity_of(Emotion::Gratitude) > 0.5);
        assert!(analysis.has_intent(Intent::Praise));
        assert_eq!(analysis.guidance.approach, Approach::Celebrate);
    }
}
