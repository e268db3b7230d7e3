//! Channels: how what an agent writes reaches the customer on the conversation's channel, and
//! what each outgoing message's delivery state is. Email goes through the outbox and the mail
//! worker; a forum reply is posted in its thread; chat, social, SMS and phone live in other
//! systems, so their messages go to the integrator as the `message.outbound` webhook and the
//! integrator reports back (`POST /api/v1/messages/{id}/delivery`).
//!
//! This module is the rules (states, routes, the webhook's payload); storage is
//! `data::deliveries`, sending is the server's mail and webhook workers.

pub mod mail;
pub mod ratings;

use serde::{Deserialize, Serialize};

use super::keyed::keyed_enum;

keyed_enum! {
    /// How a customer reached us; answers go back the same way (`Channel::route`).
    pub enum Channel { Email = "email", Chat = "chat", Social = "social", Phone = "phone", Forum = "forum", }
}

impl Channel {
    /// How a reply on this channel reaches the customer.
    pub fn route(self) -> Route {
        match self {
            Channel::Email => Route::Mail,
            Channel::Forum => Route::Forum,
            Channel::Chat | Channel::Social | Channel::Phone => Route::Integration,
        }
    }

    /// Whether others can read the conversation (a forum thread, a social post).
    pub fn is_public(self) -> bool {
        matches!(self, Channel::Forum | Channel::Social)
    }
}

keyed_enum! {
    /// Who a message is from: the customer, us, or an agent writing for agents only.
    pub enum Direction {
        Inbound = "inbound",
        Outbound = "outbound",
        /// An internal note, never sent.
        Note = "note",
    }
}

/// Where an outgoing message is on its way to the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Waiting for the mail worker or the webhook worker.
    Queued,
    /// Handed over: accepted by the mail server, or by the integrator's endpoint.
    Sent,
    /// The integrator reports it reached the customer (a forum reply is delivered when posted).
    Delivered,
    /// It did not reach the customer; the note says why, and it can be sent again.
    Failed,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [Delivery::Queued, Delivery::Sent, Delivery::Delivered, Delivery::Failed];

    pub fn key(self) -> &'static str {
        match self {
            Delivery::Queued => "queued",
            Delivery::Sent => "sent",
            Delivery::Delivered => "delivered",
            Delivery::Failed => "failed",
        }
    }

    pub fn from_key(key: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|state| state.key() == key)
    }

    /// How the conversation page names the state.
    pub fn label(self) -> &'static str {
        match self {
            Delivery::Queued => "Queued",
            Delivery::Sent => "Sent",
            Delivery::Delivered => "Delivered",
            Delivery::Failed => "Not delivered",
        }
    }
}

/// How a reply on a channel reaches the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// An email from the outbox.
    Mail,
    /// A post in the conversation's forum thread.
    Forum,
    /// The `message.outbound` webhook to the system that owns the channel.
    Integration,
}

/// The subject of a reply in a conversation about `subject`.
pub fn reply_subject(subject: &str) -> String {
    let subject = subject.trim();
    if subject.is_empty() {
        "A reply from our team".to_string()
    } else if subject.get(..3).is_some_and(|start| start.eq_ignore_ascii_case("re:")) {
        subject.to_string()
    } else {
        format!("Re: {subject}")
    }
}

/// Why a message on an integration's channel could not be handed to anyone.
pub fn no_integration(channel: Channel) -> String {
    format!(
        "no integration receives {channel} messages: an admin subscribes a webhook to {} under Webhooks, then send it again",
        super::webhooks::WebhookEvent::MessageOutbound.name()
    )
}

/// Longest failure reason an integrator may report, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// What an integrator reports about a `message.outbound` delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    Delivered,
    Failed(String),
}

impl Report {
    /// The delivery state the report puts the message in.
    pub fn delivery(&self) -> Delivery {
        match self {
            Report::Delivered => Delivery::Delivered,
            Report::Failed(_) => Delivery::Failed,
        }
    }

    /// Reads a report: `status` is "delivered" or "failed"; a failure needs its reason.
    /// Problems are (field, message).
    pub fn parse(status: &str, reason: Option<&str>) -> Result<Report, (&'static str, String)> {
        if let Some(reason) = reason {
            if let Some(character) = crate::domain::text_input::forbidden_control_character(reason) {
                return Err(("reason", crate::domain::text_input::control_character_problem(character)));
            }
            let length = reason.trim().chars().count();
            if length == 0 {
                return Err(("reason", "must not be empty (leave it out when there is none)".into()));
            }
            if length > MAX_REASON_CHARS {
                return Err(("reason", format!("must be at most {MAX_REASON_CHARS} characters (got {length})")));
            }
        }
        let reason = reason.map(str::trim);
        match (status, reason) {
            ("delivered", _) => Ok(Report::Delivered),
            ("failed", Some(reason)) => Ok(Report::Failed(reason.to_string())),
            ("failed", None) => {
                Err(("reason", "is required when the status is failed: say why the message did not reach the customer".into()))
            }
            _ => Err(("status", "must be one of: delivered, failed".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_channel_has_its_route() {
        assert_eq!(Channel::Email.route(), Route::Mail);
        assert_eq!(Channel::Forum.route(), Route::Forum);
        for channel in [Channel::Chat, Channel::Social, Channel::Phone] {
            assert_eq!(channel.route(), Route::Integration);
        }
        assert_eq!(Channel::keys(), "email, chat, social, phone, forum");
    }

    #[test]
    fn replies_keep_one_re() {
        assert_eq!(reply_subject("Charged twice"), "Re: Charged twice");
        assert_eq!(reply_subject("RE: Charged twice"), "RE: Charged twice");
        assert_eq!(reply_subject(" "), "A reply from our team");
        assert_eq!(reply_subject("Ré"), "Re: Ré");
    }

    #[test]
    fn states_survive_their_keys() {
        for state in Delivery::ALL {
            assert_eq!(Delivery::from_key(state.key()), Some(state));
        }
        assert_eq!(Delivery::from_key("lost"), None);
    }

    #[test]
    fn reports_need_a_known_status_and_a_reason_for_failures() {
        assert_eq!(Report::parse("delivered", None), Ok(Report::Delivered));
        assert_eq!(Report::parse("failed", Some("  number unreachable ")), Ok(Report::Failed("number unreachable".into())));
        assert_eq!(Report::parse("failed", Some("  ")).unwrap_err().0, "reason");
        assert_eq!(Report::parse("delivered", Some(" ")).unwrap_err().0, "reason", "a blank reason is refused, not ignored");
        assert_eq!(Report::parse("failed", None).unwrap_err().0, "reason");
        assert_eq!(Report::parse("failed", Some("bad\u{7}")).unwrap_err().0, "reason");
        assert_eq!(Report::parse("read", None).unwrap_err().0, "status");
        assert_eq!(Report::parse("failed", Some(&"x".repeat(501))).unwrap_err().0, "reason");
    }
}
