//! The in-process event hub: a broadcast channel for listeners plus a ring buffer for replay.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;
use tokio::sync::broadcast;

/// How many recent events a reconnecting browser can catch up on.
const REPLAY: usize = 1_024;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InboxEvent {
    pub id: u64,
    /// "message" (new inbound or outbound message), "risk" (risk changed), "update" (assign,
    /// priority, resolve, note).
    pub kind: &'static str,
    pub conversation_id: i64,
}

pub struct Hub {
    sender: broadcast::Sender<InboxEvent>,
    recent: Mutex<VecDeque<InboxEvent>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(REPLAY).0,
            recent: Mutex::new(VecDeque::with_capacity(REPLAY)),
        }
    }
}

/// What a (re)connecting listener gets before live events.
pub enum Replay {
    /// These events, in order.
    Events(Vec<InboxEvent>),
    /// The listener missed more than the buffer holds: it should reload everything.
    Resync,
}

impl Hub {
    pub fn publish(&self, kind: &'static str, conversation_id: i64) {
        // The lock keeps ids and buffer order in step even with concurrent publishers.
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let id = recent.back().map_or(1, |last| last.id + 1);
        let event = InboxEvent {
            id,
            kind,
            conversation_id,
        };
        if recent.len() == REPLAY {
            recent.pop_front();
        }
        recent.push_back(event.clone());
        // No listeners is fine.
        let _ = self.sender.send(event);
    }

    /// Subscribes, with the events after `last_seen` (a `Last-Event-ID`) to replay first.
    pub fn subscribe(&self, last_seen: Option<u64>) -> (Replay, broadcast::Receiver<InboxEvent>) {
        let recent = self
            .recent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let receiver = self.sender.subscribe();
        let replay = match last_seen {
            None => Replay::Events(Vec::new()),
            Some(seen) => {
                let oldest = recent.front().map_or(seen + 1, |e| e.id);
                let newest = recent.back().map_or(0, |e| e.id);
                if seen > newest {
                    // The server restarted since: ids began again.
                    Replay::Resync
                } else if seen + 1 < oldest {
                    Replay::Resync
                } else {
                    Replay::Events(recent.iter().filter(|e| e.id > seen).cloned().collect())
                }
            }
        };
        (replay, receiver)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_what_a_listener_missed() {
        let hub = Hub::default();
        hub.publish("message", 1);
        hub.publish("risk", 1);
        hub.publish("update", 2);
        let (replay, _) = hub.subscribe(Some(1));
        let Replay::Events(events) = replay else {
            panic!("expected events")
        };
        assert_eq!(events.iter().map(|e| e.id).collect::<Vec<_>>(), [2, 3]);
        assert!(
            matches!(hub.subscribe(Some(99)).0, Replay::Resync),
            "ids from before a restart"
        );
        let Replay::Events(none) = hub.subscribe(None).0 else {
            panic!()
        };
        assert!(none.is_empty());
    }

    #[test]
    fn asks_for_a_resync_beyond_the_buffer() {
        let hub = Hub::default();
        for n in 0..(REPLAY as i64 + 10) {
            hub.publish("message", n);
        }
        assert!(matches!(hub.subscribe(Some(3)).0, Replay::Resync));
        let (_, mut live) = hub.subscribe(None);
        hub.publish("message", 7);
        assert_eq!(live.try_recv().unwrap().conversation_id, 7);
    }
}
