//! Messages as integrations and our own portal send them: validated, scored by the emotion
//! engine on the way in, stored idempotently, and followed by their side effects.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::validation::MESSAGE_DIRECTIONS;
use super::validation::{Problems, MAX_BODY_CHARS, MAX_KEY_CHARS, MAX_SUBJECT_CHARS, NOT_THIS_CUSTOMERS, UNKNOWN_CUSTOMER};
use super::{effects, risk, Ingestion};
use crate::data::customers;
use crate::data::ingestion::{self, IngestBatchError, IngestMessage};
use crate::domain::channels::{Channel, Direction};
use crate::emotion::risk::RiskAssessment;
use crate::emotion::{analyze, Analysis};
use crate::error::AppError;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct MessageIn {
    /// A retried request with the same key returns the first result and writes nothing.
    pub idempotency_key: String,
    pub customer_ref: String,
    /// An existing conversation of this customer; without it a new one is opened.
    pub conversation_id: Option<i64>,
    /// Required when a new conversation is opened.
    pub subject: Option<String>,
    /// email, chat, social, phone or forum (a phone call is sent as its transcript).
    pub channel: String,
    /// inbound (from the customer) or outbound (from your team).
    pub direction: String,
    pub body: String,
    /// When the message was written; default: now.
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageIngested {
    pub message_id: i64,
    pub conversation_id: i64,
    /// False when this idempotency key was seen before (nothing was written).
    pub created: bool,
    /// The engine's reading of an inbound message: `polarity` (reference VADER), `extended`,
    /// `emotions`, `intents`, `situation` and `guidance`, each finding with its evidence.
    #[schema(value_type = Option<Object>)]
    pub analysis: Option<Analysis>,
    /// The conversation's emotional risk now: `score` 0–100, `level`, `factors`.
    #[schema(value_type = Object)]
    pub risk: RiskAssessment,
}

/// A message's own field problems, before it is queued with others (see `queue`).
pub(super) fn validate_message(request: &MessageIn) -> Result<(), AppError> {
    let mut problems = Problems::default();
    check_message(&mut problems, request, Utc::now());
    problems.finish()
}

/// Ingests a message written by a signed-up customer in our own portal (the forum bridge):
/// the same scoring, storage and risk as the API, without an external reference.
pub async fn ingest_from_portal(ingestion: &Ingestion, customer_id: i64, request: MessageIn) -> Result<MessageIngested, AppError> {
    let known = HashMap::from([(request.customer_ref.trim().to_string(), customer_id)]);
    let mut ingested = ingest_many(ingestion, vec![request], &known, |_| String::new()).await?;
    Ok(ingested.remove(0))
}

/// Most messages accepted in one batch request.
pub const MAX_BATCH_MESSAGES: usize = 500;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct MessageBatchIn {
    /// 1 to 500 messages, stored all or none; each keeps its own idempotency key.
    pub messages: Vec<MessageIn>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageBatchIngested {
    /// One result per message, in request order.
    pub messages: Vec<MessageIngested>,
}

/// Ingests many messages in one transaction: validation problems are reported for all of
/// them at once (`messages[i].field`), and a single bad message stores none of the batch.
pub async fn ingest_message_batch(ingestion: &Ingestion, request: MessageBatchIn) -> Result<MessageBatchIngested, AppError> {
    let count = request.messages.len();
    if count == 0 || count > MAX_BATCH_MESSAGES {
        return Err(AppError::field_problem("messages", format!("must hold 1 to {MAX_BATCH_MESSAGES} messages (got {count})")));
    }
    let messages = ingest_many(ingestion, request.messages, &HashMap::new(), |index| format!("messages[{index}].")).await?;
    Ok(MessageBatchIngested { messages })
}

/// Notes the message's problems; its channel and direction, read, when they are right.
fn check_message(problems: &mut Problems, request: &MessageIn, now: DateTime<Utc>) -> Option<(Channel, Direction)> {
    problems.text("idempotency_key", &request.idempotency_key, MAX_KEY_CHARS);
    problems.text("customer_ref", &request.customer_ref, MAX_KEY_CHARS);
    let channel = problems.word("channel", &request.channel, Channel::KEYS, Channel::parse);
    let direction = problems.word("direction", &request.direction, &MESSAGE_DIRECTIONS, Direction::parse);
    problems.text("body", &request.body, MAX_BODY_CHARS);
    problems.not_in_future("sent_at", request.sent_at, now);
    match (&request.conversation_id, &request.subject) {
        (None, None) => {
            problems.0.insert("subject".into(), "is required when no conversation_id is given".into());
        }
        (_, Some(subject)) => problems.text("subject", subject, MAX_SUBJECT_CHARS),
        _ => {}
    }
    channel.zip(direction)
}

/// Validates, scores and stores messages with their pending effects (one transaction), then
/// carries the effects out (`effects::settle`). `known_customers` maps the references of
/// customers the caller has already found (the portal's signed-in customer, a mail's sender);
/// other references are looked up. `field_prefix(i)` names message `i` in error fields.
pub(super) async fn ingest_many(
    ingestion: &Ingestion,
    requests: Vec<MessageIn>,
    known_customers: &HashMap<String, i64>,
    field_prefix: impl Fn(usize) -> String,
) -> Result<Vec<MessageIngested>, AppError> {
    let now = Utc::now();
    let mut problems = BTreeMap::new();
    let mut words = Vec::with_capacity(requests.len());
    for (index, request) in requests.iter().enumerate() {
        let mut own = Problems::default();
        words.push(check_message(&mut own, request, now));
        let prefix = field_prefix(index);
        problems.extend(own.0.into_iter().map(|(field, problem)| (format!("{prefix}{field}"), problem)));
    }
    let mut customer_ids: HashMap<String, i64> = known_customers.clone();
    let mut references: Vec<&str> =
        requests.iter().map(|r| r.customer_ref.trim()).filter(|r| !r.is_empty() && !known_customers.contains_key(*r)).collect();
    references.sort_unstable();
    references.dedup();
    if !references.is_empty() {
        customer_ids.extend(customers::ids_by_refs(&ingestion.db, &references).await?);
    }
    for (index, request) in requests.iter().enumerate() {
        let reference = request.customer_ref.trim();
        if !reference.is_empty() && !customer_ids.contains_key(reference) {
            problems.insert(format!("{}customer_ref", field_prefix(index)), UNKNOWN_CUSTOMER.into());
        }
    }
    if !problems.is_empty() {
        return Err(AppError::invalid_fields(problems));
    }
    // Without problems, every message's channel and direction were read.
    let words: Vec<(Channel, Direction)> = words.into_iter().collect::<Option<_>>().ok_or(AppError::Internal)?;

    // Scoring is CPU work: off the async workers, so other requests keep flowing.
    let texts: Vec<Option<String>> = requests
        .iter()
        .zip(&words)
        .map(|(r, (_, direction))| (*direction == Direction::Inbound).then(|| r.body.trim().to_string()))
        .collect();
    let analyses: Vec<Option<(Analysis, String)>> = tokio::task::spawn_blocking(move || {
        texts
            .into_iter()
            .map(|text| {
                text.map(|text| {
                    let analysis = analyze(&text);
                    let json = serde_json::to_string(&analysis).expect("plain data serializes");
                    (analysis, json)
                })
            })
            .collect()
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "scoring messages failed");
        AppError::Internal
    })?;

    let excerpts: Vec<String> = requests.iter().map(|r| excerpt(r.body.trim())).collect();
    let messages: Vec<IngestMessage> = requests
        .iter()
        .zip(&analyses)
        .zip(&excerpts)
        .zip(&words)
        .map(|(((request, scored), excerpt), (channel, direction))| {
            let analysis = scored.as_ref().map(|(analysis, _)| analysis);
            IngestMessage {
                idempotency_key: request.idempotency_key.trim(),
                customer_id: customer_ids[request.customer_ref.trim()],
                conversation_id: request.conversation_id,
                subject: request.subject.as_deref().map(str::trim),
                channel: *channel,
                direction: *direction,
                body: request.body.trim(),
                sentiment: analysis.map(|a| a.extended),
                analysis_json: scored.as_ref().map(|(_, json)| json.clone()),
                situation: analysis.and_then(|a| a.situation.as_ref().map(|s| s.situation.key())),
                guidance: analysis.map(|a| a.guidance.approach.key()),
                excerpt,
                sent_at: request.sent_at.unwrap_or(now),
            }
        })
        .collect();
    let batch = ingestion::ingest_messages(&ingestion.db, &messages, now, effects::LEASE).await.map_err(|error| match error {
        IngestBatchError::NotOwned(index) => {
            AppError::field_problem(&format!("{}conversation_id", field_prefix(index)), NOT_THIS_CUSTOMERS)
        }
        IngestBatchError::Data(error) => error.into(),
    })?;
    // The crash tests stop the server here: the messages and their effects are committed,
    // nothing of the effects is done yet.
    fail::fail_point!("ingest-after-commit");
    let stored = batch.messages;
    let mut risks = match effects::settle(ingestion, &batch.effects, now).await {
        Ok(risks) => risks,
        Err(error) => {
            // The messages are stored and their effects recorded: the worker finishes them.
            // The client is answered as if all went well; a retry would only replay.
            tracing::warn!(%error, "ingested messages' effects failed; the worker takes them over");
            HashMap::new()
        }
    };
    // Replayed messages changed nothing; their answer carries the conversation's risk now.
    let mut unassessed: Vec<i64> = stored.iter().map(|s| s.conversation_id).filter(|id| !risks.contains_key(id)).collect();
    unassessed.sort_unstable();
    unassessed.dedup();
    risks.extend(risk::reassess(ingestion, &unassessed, now).await?);
    // A conversation deleted between the write and the risk read has no risk to report.
    stored
        .into_iter()
        .zip(analyses)
        .map(|(stored, analysis)| {
            Ok(MessageIngested {
                message_id: stored.message_id,
                conversation_id: stored.conversation_id,
                created: stored.created,
                analysis: analysis.filter(|_| stored.created).map(|(analysis, _)| analysis),
                risk: risks.get(&stored.conversation_id).cloned().ok_or_else(|| AppError::gone_meanwhile("The conversation"))?,
            })
        })
        .collect()
}

/// The first line of a message, shortened for the inbox.
pub fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 140 {
        flat
    } else {
        let cut: String = flat.chars().take(139).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("Hello\n\n  there"), "Hello there");
        let long = "word ".repeat(100);
        let short = excerpt(&long);
        assert!(short.chars().count() <= 140 && short.ends_with('…'));
    }
}
