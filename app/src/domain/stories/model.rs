//! What the studio, the customer's account and the portal see of a story.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::consent::Decision;
use super::draft::StoryDraft;
use crate::domain::keyed::keyed_enum;

keyed_enum! {
    /// Where a story or a gratitude quote is on its way to the public pages.
    pub enum Publication {
        /// A story being written (not asked about yet, or changed since).
        Draft = "draft",
        /// A quote chosen by marketing, not asked about yet.
        Proposed = "proposed",
        AwaitingConsent = "awaiting_consent",
        Published = "published",
        /// The customer withdrew consent: never shown or asked again.
        Withdrawn = "withdrawn",
    }
}

impl Publication {
    /// How a list names it ("awaiting consent").
    pub fn label(self) -> String {
        self.key().replace('_', " ")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryDetail {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub conversation_id: Option<i64>,
    pub draft: StoryDraft,
    pub version: i64,
    pub status: Publication,
    pub featured: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The newest ledger record for this version.
    pub consent: Option<ConsentEntry>,
}

impl StoryDetail {
    pub fn told_by(&self) -> String {
        self.draft.told_by(&self.customer_name)
    }

    pub fn consent_text(&self) -> String {
        self.draft.consent_text(&self.customer_name)
    }

    /// A short state for lists: "published", "consent granted", "waiting for consent", ...
    pub fn state_label(&self) -> &'static str {
        match (self.status, self.consent.as_ref().map(|c| c.decision)) {
            (Publication::Published, _) => "published",
            (Publication::Withdrawn, _) => "consent withdrawn",
            (_, Some(Decision::Granted)) => "consent granted — ready to publish",
            (_, Some(Decision::Requested)) => "waiting for consent",
            (_, Some(Decision::Declined)) => "declined by the customer",
            _ => "draft",
        }
    }
}

/// One record of the consent ledger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsentEntry {
    pub decision: Decision,
    pub version: i64,
    pub channel: String,
    pub text_shown: String,
    pub recorded_at: DateTime<Utc>,
}

/// A story card as every public surface shows it (pages, live ticker, embeds, search).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryCard {
    pub id: i64,
    pub title: String,
    pub excerpt: String,
    pub told_by: String,
    pub featured: bool,
    pub published_at: DateTime<Utc>,
}

/// A published story in full, for its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicStory {
    pub card: StoryCard,
    pub narrative: String,
    pub resolution: String,
    pub quotes: Vec<String>,
    /// "This gave me hope" reactions.
    pub reactions: i64,
}

/// What a customer sees in their account: their stories and where consent stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerStory {
    /// "story" or "quote".
    pub kind: String,
    pub id: i64,
    pub version: i64,
    pub status: Publication,
    pub title: String,
    /// The exact text they were asked about (or agreed to).
    pub text_shown: String,
    pub decision: Option<Decision>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The first ~200 characters of a narrative, cut at a word.
pub fn excerpt(narrative: &str) -> String {
    const LIMIT: usize = 200;
    if narrative.chars().count() <= LIMIT {
        return narrative.to_string();
    }
    let cut: String = narrative.chars().take(LIMIT).collect();
    let at_word = cut.rfind(' ').map(|space| &cut[..space]).unwrap_or(&cut);
    format!("{}…", at_word.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("Short story."), "Short story.");
        let long = "word ".repeat(60);
        let cut = excerpt(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= 201);
    }
}
