//! Coaching: the emotional labour of an agent, made visible to them and their lead — how
//! customers' mood moved after their replies, which tone-check flags they took up or let
//! through, and the recovery journeys of their conversations. Framed for coaching, not
//! ranking: an agent sees only their own numbers; a lead (admin) sees each agent's, listed
//! by name. This module is the pure part; `data::coaching` reads the facts.

use serde::{Deserialize, Serialize};

use crate::emotion::tone::ToneIssue;

/// One reply of the agent, with the customer's mood just before and just after it (their
/// last message before the reply and their first after it, in the same conversation).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ReplyRecord {
    pub sentiment_before: Option<f64>,
    pub sentiment_after: Option<f64>,
    /// Tone flags the agent saw while writing (space-separated keys), when known.
    pub tone_flags_seen: Option<String>,
    /// Tone flags still in the text when it was sent.
    pub tone_flags_sent: Option<String>,
}

/// Coaching reads at most this many of an agent's latest replies in a range (each costs two
/// index probes); the page says so when the range holds more.
pub const MAX_REPLIES: i64 = 5_000;

/// A mood change at most this small counts as "no change".
pub const STEADY: f64 = 0.05;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlagTally {
    pub label: String,
    /// Seen while writing and gone from the sent reply.
    pub taken_up: usize,
    /// Still in the sent reply.
    pub sent_anyway: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CoachingNumbers {
    pub replies: usize,
    /// Replies the customer answered (so the mood after is known).
    pub answered: usize,
    /// Mean change of the customer's sentiment from before to after a reply.
    pub mean_mood_change: Option<f64>,
    pub lifted: usize,
    pub steady: usize,
    pub lowered: usize,
    pub flags: Vec<FlagTally>,
    pub journeys_started: i64,
    pub journeys_healed: i64,
}

fn keys(text: &Option<String>) -> Vec<ToneIssue> {
    text.as_deref().unwrap_or_default().split_whitespace().filter_map(ToneIssue::parse).collect()
}

/// The numbers of one agent from their replies and their conversations' journeys.
pub fn coaching_numbers(replies: &[ReplyRecord], journeys_started: i64, journeys_healed: i64) -> CoachingNumbers {
    let mut numbers = CoachingNumbers { replies: replies.len(), journeys_started, journeys_healed, ..CoachingNumbers::default() };
    let changes: Vec<f64> = replies.iter().filter_map(|reply| Some(reply.sentiment_after? - reply.sentiment_before?)).collect();
    numbers.answered = replies.iter().filter(|reply| reply.sentiment_after.is_some()).count();
    numbers.mean_mood_change = (!changes.is_empty()).then(|| changes.iter().sum::<f64>() / changes.len() as f64);
    for change in &changes {
        match change {
            c if *c > STEADY => numbers.lifted += 1,
            c if *c < -STEADY => numbers.lowered += 1,
            _ => numbers.steady += 1,
        }
    }
    for issue in ToneIssue::ALL {
        let (mut taken_up, mut sent_anyway) = (0, 0);
        for reply in replies {
            let sent = keys(&reply.tone_flags_sent).contains(&issue);
            if sent {
                sent_anyway += 1;
            } else if keys(&reply.tone_flags_seen).contains(&issue) {
                taken_up += 1;
            }
        }
        if taken_up + sent_anyway > 0 {
            numbers.flags.push(FlagTally { label: issue.label().to_string(), taken_up, sent_anyway });
        }
    }
    numbers
}

/// The tone flags as stored: known keys, space-separated, each once, in a fixed order.
/// Unknown keys are refused (the form only sends what the browser's check produced).
pub fn stored_flags(keys: &str) -> Result<String, String> {
    let mut issues = Vec::new();
    for key in keys.split([' ', ',']).filter(|key| !key.is_empty()) {
        let issue = ToneIssue::parse(key).ok_or_else(|| format!("Unknown tone flag \"{key}\"."))?;
        if !issues.contains(&issue) {
            issues.push(issue);
        }
    }
    issues.sort_by_key(|issue| ToneIssue::ALL.iter().position(|known| known == issue));
    Ok(issues.iter().map(|issue| issue.key()).collect::<Vec<_>>().join(" "))
}

/// One agent's numbers with who they are, for the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentCoaching {
    pub agent_id: i64,
    pub agent_name: String,
    pub numbers: CoachingNumbers,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoachingView {
    pub days: i64,
    /// The agent in focus.
    pub focus: AgentCoaching,
    /// For a lead: every agent, by name (empty for an agent, who sees only their own).
    pub team: Vec<AgentCoaching>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(before: Option<f64>, after: Option<f64>, seen: &str, sent: &str) -> ReplyRecord {
        ReplyRecord {
            sentiment_before: before,
            sentiment_after: after,
            tone_flags_seen: Some(seen.into()),
            tone_flags_sent: Some(sent.into()),
        }
    }

    #[test]
    fn mood_after_replies_and_tone_flags_taken_up_or_sent_anyway() {
        let replies = [
            reply(Some(-0.6), Some(0.4), "blaming missing_acknowledgement", ""),
            reply(Some(-0.2), Some(-0.5), "dismissive", "dismissive"),
            reply(Some(0.1), Some(0.12), "", ""),
            reply(Some(-0.3), None, "blaming", ""),
        ];
        let numbers = coaching_numbers(&replies, 3, 2);
        assert_eq!((numbers.replies, numbers.answered), (4, 3));
        assert_eq!((numbers.lifted, numbers.steady, numbers.lowered), (1, 1, 1));
        assert!((numbers.mean_mood_change.unwrap() - (1.0 - 0.3 + 0.02) / 3.0).abs() < 1e-9);
        let tally = |label: &str| numbers.flags.iter().find(|f| f.label == label).map(|f| (f.taken_up, f.sent_anyway));
        assert_eq!(tally("Blaming"), Some((2, 0)));
        assert_eq!(tally("Dismissive"), Some((0, 1)));
        assert_eq!(tally("No acknowledgement"), Some((1, 0)));
        assert_eq!(tally("Over-promising"), None);
        assert_eq!((numbers.journeys_started, numbers.journeys_healed), (3, 2));
    }

    #[test]
    fn no_replies_means_no_numbers() {
        let numbers = coaching_numbers(&[], 0, 0);
        assert_eq!((numbers.mean_mood_change, numbers.flags.len()), (None, 0));
    }

    #[test]
    fn flags_are_stored_known_once_and_in_order() {
        assert_eq!(stored_flags("blaming dismissive,blaming").unwrap(), "dismissive blaming");
        assert_eq!(stored_flags("").unwrap(), "");
        assert!(stored_flags("rude").unwrap_err().contains("rude"));
    }
}
