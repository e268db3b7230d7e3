//! The event hub: a broadcast channel for listeners plus a ring buffer for replay.
//!
//! On SQLite an event goes straight to this process's listeners. On Postgres it goes out as
//! `NOTIFY` (in publishing order, from one task) and every instance — this one included —
//! hears it through `LISTEN`, so an inbox open on any instance sees a change made on any other.
//!
//! Event ids are `<instance>-<n>`: each instance numbers the events it hands out itself, so a
//! browser that reconnects to a different instance (or to a restarted one) is told to resync
//! instead of being replayed someone else's numbering.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::{broadcast, mpsc};

use crate::data::Db;
use crate::domain::workspace::InboxChange;

/// How many recent events a reconnecting browser can catch up on.
const REPLAY: usize = 1_024;
pub(super) const CHANNEL: &str = "rapport_inbox";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InboxEvent {
    pub id: u64,
    /// What changed; `Resync` (with conversation 0) when events may have been missed.
    pub kind: InboxChange,
    pub conversation_id: i64,
}

pub struct Hub {
    /// Names this process's numbering of events (random per start).
    instance: String,
    sender: broadcast::Sender<InboxEvent>,
    recent: Mutex<VecDeque<InboxEvent>>,
    /// Postgres: events wait here for the task that sends them as `NOTIFY`.
    relay: Option<mpsc::UnboundedSender<(InboxChange, i64)>>,
}

/// What a (re)connecting listener gets before live events.
pub enum Replay {
    /// These events, in order.
    Events(Vec<InboxEvent>),
    /// The listener missed more than the buffer holds, or its ids come from another instance
    /// (or from before a restart): it should reload everything.
    Resync,
}

fn encode(kind: InboxChange, conversation_id: i64) -> String {
    format!("{}:{conversation_id}", kind.name())
}

fn decode(payload: &str) -> Option<(InboxChange, i64)> {
    let (kind, id) = payload.split_once(':')?;
    Some((InboxChange::parse(kind)?, id.parse().ok()?))
}

impl Hub {
    /// A hub for this process only (SQLite, tests).
    pub fn local() -> Hub {
        Hub {
            instance: crate::auth::session::new_token()[..8].to_string(),
            sender: broadcast::channel(REPLAY).0,
            recent: Mutex::new(VecDeque::with_capacity(REPLAY)),
            relay: None,
        }
    }

    /// The hub for a server on `db`; on Postgres it starts the task that sends `NOTIFY` (call
    /// inside the tokio runtime; `realtime::start` also listens).
    pub fn start(db: &Db) -> Arc<Hub> {
        let Db::Postgres(pool) = db else {
            return Arc::new(Hub::local());
        };
        let (relay, outgoing) = mpsc::unbounded_channel();
        let hub = Arc::new(Hub { relay: Some(relay), ..Hub::local() });
        tokio::spawn(notify_postgres(hub.clone(), pool.clone(), outgoing));
        hub
    }

    /// An event some instance announced through `NOTIFY`.
    pub(super) fn hear(&self, payload: &str) {
        if let Some((kind, conversation_id)) = decode(payload) {
            self.publish_here(kind, conversation_id);
        }
    }

    /// Tells this instance's listeners to reload: other instances' events may have been missed.
    pub(super) fn missed_some(&self) {
        self.publish_here(InboxChange::Resync, 0);
    }

    /// Announces that a conversation changed, to every instance. Call after the commit.
    pub fn publish(&self, kind: InboxChange, conversation_id: i64) {
        match &self.relay {
            Some(relay) if relay.send((kind, conversation_id)).is_ok() => {}
            _ => self.publish_here(kind, conversation_id),
        }
    }

    /// Hands an event to this process's listeners.
    fn publish_here(&self, kind: InboxChange, conversation_id: i64) {
        // The lock keeps ids and buffer order in step even with concurrent publishers.
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let id = recent.back().map_or(1, |last| last.id + 1);
        let event = InboxEvent { id, kind, conversation_id };
        if recent.len() == REPLAY {
            recent.pop_front();
        }
        recent.push_back(event.clone());
        // No listeners is fine.
        let _ = self.sender.send(event);
    }

    /// The SSE id of an event: this instance's name and the event's number.
    pub fn event_id(&self, event: &InboxEvent) -> String {
        format!("{}-{}", self.instance, event.id)
    }

    /// Subscribes, with the events after `last_seen` (a `Last-Event-ID`) to replay first.
    pub fn subscribe(&self, last_seen: Option<&str>) -> (Replay, broadcast::Receiver<InboxEvent>) {
        let recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let receiver = self.sender.subscribe();
        let replay = match last_seen.map(str::trim) {
            None | Some("") => Replay::Events(Vec::new()),
            Some(seen) => match seen
                .split_once('-')
                .filter(|(instance, _)| *instance == self.instance)
                .and_then(|(_, number)| number.parse::<u64>().ok())
            {
                None => Replay::Resync,
                Some(seen) => {
                    let oldest = recent.front().map_or(seen + 1, |e| e.id);
                    let newest = recent.back().map_or(0, |e| e.id);
                    if seen > newest || seen + 1 < oldest {
                        Replay::Resync
                    } else {
                        Replay::Events(recent.iter().filter(|e| e.id > seen).cloned().collect())
                    }
                }
            },
        };
        (replay, receiver)
    }
}

async fn notify_postgres(hub: Arc<Hub>, pool: sqlx::PgPool, mut outgoing: mpsc::UnboundedReceiver<(InboxChange, i64)>) {
    while let Some((kind, conversation_id)) = outgoing.recv().await {
        let sent = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(encode(kind, conversation_id)).execute(&pool).await;
        if let Err(error) = sent {
            // This instance's own browsers still hear it.
            tracing::warn!(%error, "could not NOTIFY an inbox event; publishing it locally only");
            hub.publish_here(kind, conversation_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(replay: Replay) -> Vec<u64> {
        match replay {
            Replay::Events(events) => events.iter().map(|e| e.id).collect(),
            Replay::Resync => panic!("expected events, not a resync"),
        }
    }

    #[test]
    fn replays_what_a_listener_missed() {
        let hub = Hub::local();
        hub.publish(InboxChange::Message, 1);
        hub.publish(InboxChange::Risk, 1);
        hub.publish(InboxChange::Update, 2);
        let first = hub.subscribe(None).1.try_recv();
        assert!(first.is_err(), "a new listener hears only what comes after it");
        let (_, mut live) = hub.subscribe(None);
        hub.publish(InboxChange::Message, 4);
        let event = live.try_recv().unwrap();
        let seen = hub.event_id(&InboxEvent { id: 1, kind: InboxChange::Message, conversation_id: 1 });
        assert_eq!(numbers(hub.subscribe(Some(&seen)).0), [2, 3, 4]);
        assert_eq!(numbers(hub.subscribe(Some(&hub.event_id(&event))).0), Vec::<u64>::new());
        assert!(numbers(hub.subscribe(None).0).is_empty());
    }

    #[test]
    fn ids_from_another_instance_or_a_restart_ask_for_a_resync() {
        let hub = Hub::local();
        hub.publish(InboxChange::Message, 1);
        let other = Hub::local();
        other.publish(InboxChange::Message, 1);
        let foreign = other.event_id(&InboxEvent { id: 1, kind: InboxChange::Message, conversation_id: 1 });
        assert!(matches!(hub.subscribe(Some(&foreign)).0, Replay::Resync));
        let ahead = hub.event_id(&InboxEvent { id: 99, kind: InboxChange::Message, conversation_id: 1 });
        assert!(matches!(hub.subscribe(Some(&ahead)).0, Replay::Resync));
        assert!(matches!(hub.subscribe(Some("garbage")).0, Replay::Resync));
    }

    #[test]
    fn asks_for_a_resync_beyond_the_buffer() {
        let hub = Hub::local();
        for n in 0..(REPLAY as i64 + 10) {
            hub.publish(InboxChange::Message, n);
        }
        let early = hub.event_id(&InboxEvent { id: 3, kind: InboxChange::Message, conversation_id: 3 });
        assert!(matches!(hub.subscribe(Some(&early)).0, Replay::Resync));
        let (_, mut live) = hub.subscribe(None);
        hub.publish(InboxChange::Message, 7);
        assert_eq!(live.try_recv().unwrap().conversation_id, 7);
    }

    #[test]
    fn events_survive_the_notify_payload() {
        for kind in InboxChange::ALL {
            assert_eq!(decode(&encode(kind, 42)), Some((kind, 42)));
        }
        assert_eq!(decode("delete:1"), None, "only known kinds");
        assert_eq!(decode("message:x"), None);
    }
}
