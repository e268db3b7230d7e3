//! Storing ingested messages. A batch costs a fixed handful of set-based statements, not a
//! few per message: on SQLite every statement is a round trip to the connection's worker
//! thread, and those hand-offs, not SQLite's own work, bounded throughput.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::ingest_effects::{record_effects, Cause, NewEffect, PendingEffect};
use super::{on_pool, BeginWrite, DataError, Db, ReserveIds};
use crate::domain::channels::{Channel, Direction};
use crate::domain::workspace::ConversationStatus;

/// Rows per multi-row statement; keeps every statement far below both backends' bind limits.
const ROWS_PER_STATEMENT: usize = 250;

pub struct IngestMessage<'a> {
    pub idempotency_key: &'a str,
    pub customer_id: i64,
    /// An existing conversation of this customer; `None` opens a new one with `subject`.
    pub conversation_id: Option<i64>,
    pub subject: Option<&'a str>,
    pub channel: Channel,
    pub direction: Direction,
    pub body: &'a str,
    pub sentiment: Option<f64>,
    pub analysis_json: Option<String>,
    pub situation: Option<&'static str>,
    pub guidance: Option<&'static str>,
    pub excerpt: &'a str,
    pub sent_at: DateTime<Utc>,
}

impl IngestMessage<'_> {
    pub fn is_inbound(&self) -> bool {
        self.direction == Direction::Inbound
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StoredMessage {
    pub message_id: i64,
    pub conversation_id: i64,
    pub created: bool,
}

/// A stored batch: one result per message, and the effects its new messages still need.
#[derive(Debug)]
pub struct StoredBatch {
    pub messages: Vec<StoredMessage>,
    pub effects: Vec<PendingEffect>,
}

/// Why a batch of ingested messages was not stored (nothing of it was written).
#[derive(Debug, thiserror::Error)]
pub enum IngestBatchError {
    /// The message at this index names a conversation that is not its customer's.
    #[error("message {0}: not this customer's conversation")]
    NotOwned(usize),
    #[error(transparent)]
    Data(#[from] DataError),
}

impl From<sqlx::Error> for IngestBatchError {
    fn from(error: sqlx::Error) -> Self {
        IngestBatchError::Data(error.into())
    }
}

/// What a batch's messages change on one conversation that existed before the batch,
/// folded in batch order, so that each conversation is updated once.
#[derive(Debug, PartialEq)]
struct ConversationChange<'a> {
    conversation_id: i64,
    ends_inbound: bool,
    had_inbound: bool,
    had_outbound: bool,
    /// The first inbound message after the batch's last outbound one: the customer has been
    /// waiting since then.
    waiting_from: Option<DateTime<Utc>>,
    last_at: DateTime<Utc>,
    excerpt: &'a str,
    situation: Option<&'static str>,
    guidance: Option<&'static str>,
}

impl<'a> ConversationChange<'a> {
    fn new(message: &IngestMessage<'a>, conversation_id: i64) -> Self {
        let mut change = ConversationChange {
            conversation_id,
            ends_inbound: false,
            had_inbound: false,
            had_outbound: false,
            waiting_from: None,
            last_at: message.sent_at,
            excerpt: message.excerpt,
            situation: None,
            guidance: None,
        };
        change.apply(message);
        change
    }

    /// An inbound message reopens the conversation and starts the waiting clock (unless it
    /// already runs); an outbound one stops it. The latest known situation wins.
    fn apply(&mut self, message: &IngestMessage<'a>) {
        if message.is_inbound() {
            self.had_inbound = true;
            self.ends_inbound = true;
            self.waiting_from = self.waiting_from.or(Some(message.sent_at));
            self.situation = message.situation.or(self.situation);
            self.guidance = message.guidance.or(self.guidance);
        } else {
            self.had_outbound = true;
            self.ends_inbound = false;
            self.waiting_from = None;
        }
        self.last_at = message.sent_at;
        self.excerpt = message.excerpt;
    }
}

/// Folds the messages (index, conversation) into one change per conversation, in order of
/// each conversation's first message.
fn fold_changes<'a>(messages: &[IngestMessage<'a>], targets: impl IntoIterator<Item = (usize, i64)>) -> Vec<ConversationChange<'a>> {
    let mut changes: Vec<ConversationChange<'a>> = Vec::new();
    let mut position: HashMap<i64, usize> = HashMap::new();
    for (index, conversation_id) in targets {
        let message = &messages[index];
        match position.get(&conversation_id) {
            Some(&at) => changes[at].apply(message),
            None => {
                position.insert(conversation_id, changes.len());
                changes.push(ConversationChange::new(message, conversation_id));
            }
        }
    }
    changes
}

/// How each message of a batch is to be handled, before anything is written.
enum Plan {
    /// Stored before (by an earlier request): report that.
    Known(StoredMessage),
    /// Repeats the key of an earlier message in this batch: report that one's result.
    RepeatOf(usize),
    /// Write it.
    Fresh,
}

/// Stores ingested messages, each exactly once per idempotency key, opening conversations
/// where needed, all in one transaction (all or nothing). An inbound message reopens its
/// conversation and starts the waiting clock; an outbound one stops it. A key seen before
/// (also earlier in the same batch) writes nothing and reports the first result.
///
/// Each conversation that got new messages also gets a pending effect (see
/// `ingest_effects`), written in the same transaction and leased to the caller for `lease`
/// from the moment the transaction has the database.
pub async fn ingest_messages(
    db: &Db,
    messages: &[IngestMessage<'_>],
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> Result<StoredBatch, IngestBatchError> {
    if messages.is_empty() {
        return Ok(StoredBatch { messages: Vec::new(), effects: Vec::new() });
    }
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let effects_due = Utc::now() + lease;

        let mut first_with_key: HashMap<&str, usize> = HashMap::new();
        for (index, message) in messages.iter().enumerate() {
            first_with_key.entry(message.idempotency_key).or_insert(index);
        }
        let mut known: HashMap<String, StoredMessage> = HashMap::new();
        let keys: Vec<&str> = first_with_key.keys().copied().collect();
        for chunk in keys.chunks(ROWS_PER_STATEMENT) {
            let mut select = QueryBuilder::new(
                "SELECT idempotency_key, id, conversation_id FROM messages WHERE idempotency_key IN (",
            );
            let mut list = select.separated(", ");
            for key in chunk {
                list.push_bind(*key);
            }
            select.push(")");
            let rows: Vec<(String, i64, i64)> = select.build_query_as().fetch_all(&mut *tx).await?;
            known.extend(rows.into_iter().map(|(key, message_id, conversation_id)| {
                (key, StoredMessage { message_id, conversation_id, created: false })
            }));
        }
        let mut plans: Vec<Plan> = messages
            .iter()
            .enumerate()
            .map(|(index, message)| match known.get(message.idempotency_key) {
                Some(stored) => Plan::Known(*stored),
                None if first_with_key[message.idempotency_key] != index => {
                    Plan::RepeatOf(first_with_key[message.idempotency_key])
                }
                None => Plan::Fresh,
            })
            .collect();
        let fresh: Vec<usize> = (0..messages.len()).filter(|&i| matches!(plans[i], Plan::Fresh)).collect();

        // Every named conversation must be its message's customer's.
        let named: Vec<i64> = fresh.iter().filter_map(|&i| messages[i].conversation_id)
            .collect::<HashSet<_>>().into_iter().collect();
        let mut owner_of: HashMap<i64, i64> = HashMap::new();
        for chunk in named.chunks(ROWS_PER_STATEMENT) {
            let mut select = QueryBuilder::new("SELECT id, customer_id FROM conversations WHERE id IN (");
            let mut list = select.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            select.push(")");
            let rows: Vec<(i64, i64)> = select.build_query_as().fetch_all(&mut *tx).await?;
            owner_of.extend(rows);
        }
        if let Some(&index) = fresh.iter().find(|&&i| {
            messages[i].conversation_id
                .is_some_and(|id| owner_of.get(&id) != Some(&messages[i].customer_id))
        }) {
            return Err(IngestBatchError::NotOwned(index));
        }

        // Conversations opened by this batch get their ids up front, so that their rows and
        // their first messages can be written in bulk.
        let openers: Vec<usize> = fresh.iter().copied().filter(|&i| messages[i].conversation_id.is_none()).collect();
        let opened_ids = tx.reserve_ids("conversations", openers.len()).await?;
        let mut conversation_of: HashMap<usize, i64> = fresh.iter()
            .filter_map(|&i| messages[i].conversation_id.map(|id| (i, id)))
            .collect();
        conversation_of.extend(openers.iter().copied().zip(opened_ids.iter().copied()));
        let openings: Vec<(usize, i64)> = openers.iter().copied().zip(opened_ids.iter().copied()).collect();
        for chunk in openings.chunks(ROWS_PER_STATEMENT) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO conversations (id, customer_id, subject, channel, status, priority, situation, guidance, \
                 waiting_since, last_message_at, last_excerpt, created_at) ",
            );
            insert.push_values(chunk, |mut row, &(index, id)| {
                let m = &messages[index];
                row.push_bind(id)
                    .push_bind(m.customer_id)
                    .push_bind(m.subject.unwrap_or("(no subject)"))
                    .push_bind(m.channel.key())
                    .push_bind(if m.is_inbound() { ConversationStatus::Open } else { ConversationStatus::Pending }.key())
                    .push_bind("normal")
                    .push_bind(m.situation)
                    .push_bind(m.guidance)
                    .push_bind(m.is_inbound().then_some(m.sent_at))
                    .push_bind(m.sent_at)
                    .push_bind(m.excerpt)
                    .push_bind(m.sent_at);
            });
            insert.build().execute(&mut *tx).await?;
        }

        let mut message_id_of: HashMap<String, i64> = HashMap::new();
        for chunk in fresh.chunks(ROWS_PER_STATEMENT) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO messages (conversation_id, direction, author_customer_id, body, sentiment, analysis, idempotency_key, created_at) ",
            );
            insert.push_values(chunk, |mut row, &index| {
                let m = &messages[index];
                row.push_bind(conversation_of[&index])
                    .push_bind(m.direction.key())
                    .push_bind(m.is_inbound().then_some(m.customer_id))
                    .push_bind(m.body)
                    .push_bind(m.sentiment)
                    .push_bind(m.analysis_json.as_deref())
                    .push_bind(m.idempotency_key)
                    .push_bind(m.sent_at);
            });
            insert.push(" ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key, id");
            let rows: Vec<(String, i64)> = insert.build_query_as().fetch_all(&mut *tx).await?;
            message_id_of.extend(rows);
        }

        // A concurrent request with the same key committed first (Postgres): report its
        // result and take back the conversation opened for this one.
        let lost: Vec<usize> = fresh.iter().copied()
            .filter(|&i| !message_id_of.contains_key(messages[i].idempotency_key)).collect();
        if !lost.is_empty() {
            let mut select = QueryBuilder::new(
                "SELECT idempotency_key, id, conversation_id FROM messages WHERE idempotency_key IN (",
            );
            let mut list = select.separated(", ");
            for &index in &lost {
                list.push_bind(messages[index].idempotency_key);
            }
            select.push(")");
            let rows: Vec<(String, i64, i64)> = select.build_query_as().fetch_all(&mut *tx).await?;
            let winners: HashMap<String, StoredMessage> = rows.into_iter()
                .map(|(key, message_id, conversation_id)| (key, StoredMessage { message_id, conversation_id, created: false }))
                .collect();
            let abandoned: Vec<i64> = lost.iter()
                .filter(|&&i| messages[i].conversation_id.is_none())
                .map(|i| conversation_of[i]).collect();
            if !abandoned.is_empty() {
                let mut delete = QueryBuilder::new("DELETE FROM conversations WHERE id IN (");
                let mut list = delete.separated(", ");
                for id in &abandoned {
                    list.push_bind(*id);
                }
                delete.push(")");
                delete.build().execute(&mut *tx).await?;
            }
            for &index in &lost {
                let winner = winners.get(messages[index].idempotency_key)
                    .ok_or_else(|| DataError::Inconsistent("a conflicting message vanished"))?;
                plans[index] = Plan::Known(*winner);
            }
        }

        // Conversations opened above already hold their first message's state.
        let changes = fold_changes(
            messages,
            fresh.iter().copied()
                .filter(|&i| matches!(plans[i], Plan::Fresh))
                .filter_map(|i| messages[i].conversation_id.map(|id| (i, id))),
        );
        for chunk in changes.chunks(ROWS_PER_STATEMENT) {
            let mut update = QueryBuilder::new(
                "UPDATE conversations SET \
                 status = CASE WHEN v.column2 = 1 THEN 'open' WHEN v.column3 = 1 THEN 'pending' \
                     WHEN conversations.status = 'open' THEN 'pending' ELSE conversations.status END, \
                 resolved_at = CASE WHEN v.column3 = 1 THEN NULL ELSE conversations.resolved_at END, \
                 waiting_since = CASE WHEN v.column2 = 0 THEN NULL WHEN v.column4 = 1 THEN v.column5 \
                     ELSE COALESCE(conversations.waiting_since, v.column5) END, \
                 last_message_at = v.column6, last_excerpt = v.column7, \
                 situation = COALESCE(v.column8, conversations.situation), \
                 guidance = COALESCE(v.column9, conversations.guidance) FROM (",
            );
            update.push_values(chunk, |mut row, change| {
                row.push_bind(change.conversation_id)
                    .push_bind(i64::from(change.ends_inbound))
                    .push_bind(i64::from(change.had_inbound))
                    .push_bind(i64::from(change.had_outbound))
                    .push_bind(change.waiting_from)
                    .push_bind(change.last_at)
                    .push_bind(change.excerpt)
                    .push_bind(change.situation)
                    .push_bind(change.guidance);
            });
            update.push(") AS v WHERE conversations.id = v.column1");
            update.build().execute(&mut *tx).await?;
        }
        let wanted = effects_to_record(messages, &plans, &conversation_of);
        let effects = record_effects!(tx, &wanted, now, effects_due)?;
        tx.commit().await?;

        let mut stored: Vec<StoredMessage> = Vec::with_capacity(messages.len());
        for (index, plan) in plans.iter().enumerate() {
            let result = match plan {
                Plan::Known(known) => *known,
                Plan::RepeatOf(first) => StoredMessage { created: false, ..stored[*first] },
                Plan::Fresh => StoredMessage {
                    message_id: message_id_of[messages[index].idempotency_key],
                    conversation_id: conversation_of[&index],
                    created: true,
                },
            };
            stored.push(result);
        }
        Ok(StoredBatch { messages: stored, effects })
    })
}

/// One pending effect per conversation with new messages, in order of first message.
fn effects_to_record(messages: &[IngestMessage<'_>], plans: &[Plan], conversation_of: &HashMap<usize, i64>) -> Vec<NewEffect> {
    let mut effects: Vec<NewEffect> = Vec::new();
    let mut position: HashMap<i64, usize> = HashMap::new();
    for (index, plan) in plans.iter().enumerate() {
        if !matches!(plan, Plan::Fresh) {
            continue;
        }
        let conversation_id = conversation_of[&index];
        match position.get(&conversation_id) {
            Some(&at) => effects[at].new_inbound |= messages[index].is_inbound(),
            None => {
                position.insert(conversation_id, effects.len());
                effects.push(NewEffect {
                    conversation_id,
                    new_inbound: messages[index].is_inbound(),
                    journey_always: false,
                    cause: Cause::Messages,
                });
            }
        }
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn message(inbound: bool, minute: u32, excerpt: &'static str, situation: Option<&'static str>) -> IngestMessage<'static> {
        IngestMessage {
            idempotency_key: excerpt,
            customer_id: 1,
            conversation_id: Some(7),
            subject: None,
            channel: Channel::Email,
            direction: if inbound { Direction::Inbound } else { Direction::Outbound },
            body: excerpt,
            sentiment: None,
            analysis_json: None,
            situation,
            guidance: None,
            excerpt,
            sent_at: Utc.with_ymd_and_hms(2026, 11, 23, 12, minute, 0).unwrap(),
        }
    }

    #[test]
    fn waiting_restarts_after_the_last_reply_and_the_latest_situation_wins() {
        let messages = [
            message(true, 1, "a", Some("billing")),
            message(false, 2, "b", None),
            message(true, 3, "c", None),
            message(true, 4, "d", Some("fraud")),
            message(true, 5, "e", None),
        ];
        let changes = fold_changes(&messages, (0..5).map(|i| (i, 7)));
        assert_eq!(changes.len(), 1);
        let change = &changes[0];
        assert!(change.ends_inbound && change.had_inbound && change.had_outbound);
        assert_eq!(change.waiting_from, Some(messages[2].sent_at));
        assert_eq!(change.last_at, messages[4].sent_at);
        assert_eq!(change.excerpt, "e");
        assert_eq!(change.situation, Some("fraud"));
    }

    #[test]
    fn a_batch_ending_with_a_reply_stops_the_clock() {
        let messages = [message(true, 1, "a", None), message(false, 2, "b", None)];
        let changes = fold_changes(&messages, [(0, 7), (1, 7)]);
        assert!(!changes[0].ends_inbound);
        assert!(changes[0].had_inbound);
        assert_eq!(changes[0].waiting_from, None);
        assert_eq!(changes[0].excerpt, "b");
    }

    #[test]
    fn each_conversation_is_changed_once_in_order_of_appearance() {
        let messages = [message(true, 1, "a", None), message(true, 2, "b", None), message(false, 3, "c", None)];
        let changes = fold_changes(&messages, [(0, 9), (1, 7), (2, 9)]);
        assert_eq!(changes.iter().map(|c| c.conversation_id).collect::<Vec<_>>(), [9, 7]);
        assert!(!changes[0].ends_inbound);
        assert!(changes[1].ends_inbound);
    }
}
