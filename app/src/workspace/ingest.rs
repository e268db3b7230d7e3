//! Ingestion for integrations (the `/api/v1` endpoints): validated requests, scoring by the
//! emotion engine on the way in, idempotent writes, and the conversation's risk recomputed.
//! The HTTP layer (`server/src/api_v1.rs`) only authenticates and maps errors.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::data::ingestion::{self, IngestBatchError, IngestMessage};
use crate::data::risk_facts::{self, RiskFacts, RiskUpdate};
use crate::data::{conversations, customers, DataError, Db};
use crate::emotion::risk::{assess_customer, CustomerFacts, RiskAssessment, RiskConfig, RiskLevel};
use crate::emotion::state::StateConfig;
use crate::emotion::{analyze, Analysis};

/// Longest message body accepted, in characters.
pub const MAX_BODY_CHARS: usize = 20_000;
const MAX_KEY_CHARS: usize = 200;
const MAX_NAME_CHARS: usize = 200;
const MAX_SUBJECT_CHARS: usize = 300;
const CHANNELS: [&str; 5] = ["email", "chat", "social", "phone", "forum"];

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Field → what is wrong with it.
    #[error("the request has invalid fields")]
    Invalid(BTreeMap<String, String>),
    #[error(transparent)]
    Data(#[from] DataError),
}

fn invalid(field: &str, message: impl Into<String>) -> IngestError {
    IngestError::Invalid(BTreeMap::from([(field.to_string(), message.into())]))
}

const NOT_THIS_CUSTOMERS: &str = "this customer has no conversation with this id";
const UNKNOWN_CUSTOMER: &str = "no customer has this reference; upsert the customer first";

/// `DataError::NotFound` from a conversation lookup means the id is not this customer's.
fn not_this_customers_conversation(error: DataError) -> IngestError {
    match error {
        DataError::NotFound => invalid("conversation_id", NOT_THIS_CUSTOMERS),
        other => other.into(),
    }
}

async fn customer_id_of(db: &Db, customer_ref: &str) -> Result<i64, IngestError> {
    customers::id_by_ref(db, customer_ref.trim())
        .await?
        .ok_or_else(|| invalid("customer_ref", UNKNOWN_CUSTOMER))
}

/// Collects field problems so a client learns about all of them at once.
#[derive(Default)]
struct Problems(BTreeMap<String, String>);

impl Problems {
    fn text(&mut self, field: &str, value: &str, max_chars: usize) {
        let chars = value.trim().chars().count();
        if let Some(character) = crate::text_input::forbidden_control_character(value) {
            self.0.insert(field.into(), crate::text_input::control_character_problem(character));
        } else if chars == 0 {
            self.0.insert(field.into(), "must not be empty".into());
        } else if chars > max_chars {
            self.0.insert(
                field.into(),
                format!("must be at most {max_chars} characters (got {chars})"),
            );
        }
    }

    fn optional_text(&mut self, field: &str, value: Option<&str>, max_chars: usize) {
        if let Some(value) = value {
            self.text(field, value, max_chars);
        }
    }

    fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.0.insert(
                field.into(),
                format!("must be one of: {}", allowed.join(", ")),
            );
        }
    }

    fn not_in_future(&mut self, field: &str, at: Option<DateTime<Utc>>, now: DateTime<Utc>) {
        if at.is_some_and(|at| at > now + Duration::minutes(5)) {
            self.0
                .insert(field.into(), "must not be in the future".into());
        }
    }

    fn finish(self) -> Result<(), IngestError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(IngestError::Invalid(self.0))
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct CustomerUpsert {
    /// Your system's id for this customer; the key of the upsert.
    pub external_ref: String,
    pub name: String,
    pub email: Option<String>,
    pub plan: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CustomerUpserted {
    pub id: i64,
    pub external_ref: String,
    /// False when an existing customer was updated.
    pub created: bool,
}

pub async fn upsert_customer(
    db: &Db,
    request: CustomerUpsert,
) -> Result<CustomerUpserted, IngestError> {
    let mut problems = Problems::default();
    problems.text("external_ref", &request.external_ref, MAX_KEY_CHARS);
    problems.text("name", &request.name, MAX_NAME_CHARS);
    if let Some(email) = request.email.as_deref() {
        if crate::auth::validate::Email::parse(email).is_err() {
            problems
                .0
                .insert("email".into(), "is not an email address".into());
        }
    }
    problems.optional_text("plan", request.plan.as_deref(), 100);
    problems.finish()?;
    let email = request.email.as_deref().map(|e| e.trim().to_lowercase());
    let (id, created) = customers::upsert_by_ref(
        db,
        request.external_ref.trim(),
        request.name.trim(),
        email.as_deref(),
        request.plan.as_deref().map(str::trim),
        Utc::now(),
    )
    .await?;
    Ok(CustomerUpserted {
        id,
        external_ref: request.external_ref.trim().to_string(),
        created,
    })
}

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

/// A message's own field problems, before it is queued with others (see `ingest_queue`).
pub(super) fn validate_message(request: &MessageIn) -> Result<(), IngestError> {
    let mut problems = Problems::default();
    check_message(&mut problems, request, Utc::now());
    problems.finish()
}

/// Ingests a message written by a signed-up customer in our own portal (the forum bridge):
/// the same scoring, storage and risk as the API, without an external reference.
pub async fn ingest_from_portal(
    db: &Db,
    risk: &RiskConfig,
    state: &StateConfig,
    customer_id: i64,
    request: MessageIn,
) -> Result<MessageIngested, IngestError> {
    let mut ingested = ingest_many(db, risk, state, vec![request], Some(customer_id), |_| {
        String::new()
    })
    .await?;
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
pub async fn ingest_message_batch(
    db: &Db,
    risk: &RiskConfig,
    state: &StateConfig,
    request: MessageBatchIn,
) -> Result<MessageBatchIngested, IngestError> {
    let count = request.messages.len();
    if count == 0 || count > MAX_BATCH_MESSAGES {
        return Err(invalid(
            "messages",
            format!("must hold 1 to {MAX_BATCH_MESSAGES} messages (got {count})"),
        ));
    }
    let messages = ingest_many(db, risk, state, request.messages, None, |index| {
        format!("messages[{index}].")
    })
    .await?;
    Ok(MessageBatchIngested { messages })
}

fn check_message(problems: &mut Problems, request: &MessageIn, now: DateTime<Utc>) {
    problems.text("idempotency_key", &request.idempotency_key, MAX_KEY_CHARS);
    problems.text("customer_ref", &request.customer_ref, MAX_KEY_CHARS);
    problems.one_of("channel", &request.channel, &CHANNELS);
    problems.one_of("direction", &request.direction, &["inbound", "outbound"]);
    problems.text("body", &request.body, MAX_BODY_CHARS);
    problems.not_in_future("sent_at", request.sent_at, now);
    match (&request.conversation_id, &request.subject) {
        (None, None) => {
            problems.0.insert(
                "subject".into(),
                "is required when no conversation_id is given".into(),
            );
        }
        (_, Some(subject)) => problems.text("subject", subject, MAX_SUBJECT_CHARS),
        _ => {}
    }
}

/// Validates, scores and stores messages (one transaction), then reassesses the risk of
/// every conversation they touched. `field_prefix(i)` names message `i` in error fields.
pub(super) async fn ingest_many(
    db: &Db,
    risk: &RiskConfig,
    state: &StateConfig,
    requests: Vec<MessageIn>,
    known_customer: Option<i64>,
    field_prefix: impl Fn(usize) -> String,
) -> Result<Vec<MessageIngested>, IngestError> {
    let now = Utc::now();
    let mut problems = BTreeMap::new();
    for (index, request) in requests.iter().enumerate() {
        let mut own = Problems::default();
        check_message(&mut own, request, now);
        let prefix = field_prefix(index);
        problems.extend(
            own.0
                .into_iter()
                .map(|(field, problem)| (format!("{prefix}{field}"), problem)),
        );
    }
    let customer_ids: HashMap<String, i64> = match known_customer {
        Some(id) => requests
            .iter()
            .map(|r| (r.customer_ref.trim().to_string(), id))
            .collect(),
        None => {
            let mut references: Vec<&str> = requests
                .iter()
                .map(|r| r.customer_ref.trim())
                .filter(|r| !r.is_empty())
                .collect();
            references.sort_unstable();
            references.dedup();
            customers::ids_by_refs(db, &references).await?
        }
    };
    for (index, request) in requests.iter().enumerate() {
        let reference = request.customer_ref.trim();
        if !reference.is_empty() && !customer_ids.contains_key(reference) {
            problems.insert(
                format!("{}customer_ref", field_prefix(index)),
                UNKNOWN_CUSTOMER.into(),
            );
        }
    }
    if !problems.is_empty() {
        return Err(IngestError::Invalid(problems));
    }

    // Scoring is CPU work: off the async workers, so other requests keep flowing.
    let texts: Vec<Option<String>> = requests
        .iter()
        .map(|r| (r.direction == "inbound").then(|| r.body.trim().to_string()))
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
    .map_err(|error| IngestError::Data(DataError::Config(format!("scoring failed: {error}"))))?;

    let excerpts: Vec<String> = requests.iter().map(|r| excerpt(r.body.trim())).collect();
    let messages: Vec<IngestMessage> = requests
        .iter()
        .zip(&analyses)
        .zip(&excerpts)
        .map(|((request, scored), excerpt)| {
            let analysis = scored.as_ref().map(|(analysis, _)| analysis);
            IngestMessage {
                idempotency_key: request.idempotency_key.trim(),
                customer_id: customer_ids[request.customer_ref.trim()],
                conversation_id: request.conversation_id,
                subject: request.subject.as_deref().map(str::trim),
                channel: &request.channel,
                inbound: request.direction == "inbound",
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
    let stored = ingestion::ingest_messages(db, &messages)
        .await
        .map_err(|error| match error {
            IngestBatchError::NotOwned(index) => invalid(
                &format!("{}conversation_id", field_prefix(index)),
                NOT_THIS_CUSTOMERS,
            ),
            IngestBatchError::Data(error) => error.into(),
        })?;

    let mut touched: Vec<i64> = stored.iter().map(|s| s.conversation_id).collect();
    touched.sort_unstable();
    touched.dedup();
    let risks = reassess_risks(db, risk, state, &touched, now).await?;
    // A conversation that reached high risk with a new customer message gets a recovery
    // journey (unless one is running).
    let mut risky: Vec<i64> = stored
        .iter()
        .zip(&requests)
        .filter(|(stored, request)| stored.created && request.direction == "inbound")
        .map(|(stored, _)| stored.conversation_id)
        .filter(|id| risks.get(id).is_some_and(|risk| risk.level >= RiskLevel::High))
        .collect();
    risky.sort_unstable();
    risky.dedup();
    crate::journeys::starts::start_for_conversations(db, &risky, None, now).await?;
    // A conversation deleted between the write and the risk read has no risk to report.
    stored
        .into_iter()
        .zip(analyses)
        .map(|(stored, analysis)| {
            Ok(MessageIngested {
                message_id: stored.message_id,
                conversation_id: stored.conversation_id,
                created: stored.created,
                analysis: analysis
                    .filter(|_| stored.created)
                    .map(|(analysis, _)| analysis),
                risk: risks
                    .get(&stored.conversation_id)
                    .cloned()
                    .ok_or(DataError::NotFound)?,
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

/// Recomputes and stores a conversation's emotional risk from what the database knows now.
pub async fn refresh_risk(
    db: &Db,
    config: &RiskConfig,
    state_config: &StateConfig,
    conversation_id: i64,
    now: DateTime<Utc>,
) -> Result<RiskAssessment, IngestError> {
    let mut risks = reassess_risks(db, config, state_config, &[conversation_id], now).await?;
    Ok(risks
        .remove(&conversation_id)
        .ok_or(DataError::NotFound)?)
}

/// Assesses several conversations (a fixed number of reads for all of them) and stores all
/// their risks in one transaction. Conversations that no longer exist are left out.
async fn reassess_risks(
    db: &Db,
    config: &RiskConfig,
    state_config: &StateConfig,
    conversation_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<HashMap<i64, RiskAssessment>, IngestError> {
    let since = now - Duration::days(config.repeat_window_days);
    let facts = risk_facts::risk_facts(db, conversation_ids, since).await?;
    let assessed: HashMap<i64, RiskAssessment> = facts
        .into_iter()
        .map(|(id, facts)| (id, assess(&facts, now, config, state_config)))
        .collect();
    let updates: Vec<RiskUpdate> = assessed
        .iter()
        .map(|(id, assessment)| RiskUpdate {
            conversation_id: *id,
            score: assessment.score,
            level: assessment.level.key(),
            factors_json: serde_json::to_string(&assessment.factors)
                .expect("plain data serializes"),
        })
        .collect();
    risk_facts::store_risks(db, &updates).await?;
    Ok(assessed)
}

fn assess(
    facts: &RiskFacts,
    now: DateTime<Utc>,
    config: &RiskConfig,
    state_config: &StateConfig,
) -> RiskAssessment {
    let recent: Vec<Analysis> = facts
        .recent_analyses
        .iter()
        .filter_map(|json| serde_json::from_str::<Analysis>(json).ok())
        .collect();
    assess_customer(
        &CustomerFacts {
            recent: &recent,
            earlier_contacts: facts.earlier_contacts as u32,
            cancellations: facts.cancellations as u32,
            waiting_since: facts.waiting_since,
            last_csat: facts.last_csat,
            sentiments: &facts.customer_sentiments,
        },
        now,
        config,
        state_config,
    )
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct EventIn {
    pub idempotency_key: String,
    pub customer_ref: String,
    /// purchase, cancellation or return_visit.
    pub kind: String,
    pub conversation_id: Option<i64>,
    /// For a purchase: its amount.
    pub value: Option<f64>,
    pub note: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct CsatIn {
    pub idempotency_key: String,
    pub customer_ref: String,
    pub conversation_id: i64,
    /// 1 (very unhappy) … 5 (very happy).
    pub score: i64,
    pub comment: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventRecorded {
    pub event_id: i64,
    pub created: bool,
    pub conversation_id: Option<i64>,
    /// The risk of the conversation the event belongs to, when it has one.
    #[schema(value_type = Option<Object>)]
    pub risk: Option<RiskAssessment>,
}

pub async fn record_event(
    db: &Db,
    risk: &RiskConfig,
    state: &StateConfig,
    request: EventIn,
) -> Result<EventRecorded, IngestError> {
    let now = Utc::now();
    let mut problems = Problems::default();
    problems.text("idempotency_key", &request.idempotency_key, MAX_KEY_CHARS);
    problems.text("customer_ref", &request.customer_ref, MAX_KEY_CHARS);
    problems.one_of(
        "kind",
        &request.kind,
        &["purchase", "cancellation", "return_visit"],
    );
    problems.optional_text("note", request.note.as_deref(), 2_000);
    problems.not_in_future("occurred_at", request.occurred_at, now);
    if request.value.is_some_and(|v| !v.is_finite() || v < 0.0) {
        problems
            .0
            .insert("value".into(), "must be a non-negative number".into());
    }
    problems.finish()?;
    let kind = match request.kind.as_str() {
        "purchase" => "purchase",
        "cancellation" => "cancellation",
        _ => "return_visit",
    };
    save_event(
        db,
        risk,
        state,
        &request.idempotency_key,
        &request.customer_ref,
        request.conversation_id,
        kind,
        request.value,
        request.note.as_deref(),
        request.occurred_at.unwrap_or(now),
        now,
        false,
    )
    .await
}

pub async fn record_csat(
    db: &Db,
    risk: &RiskConfig,
    state: &StateConfig,
    request: CsatIn,
) -> Result<EventRecorded, IngestError> {
    let now = Utc::now();
    let mut problems = Problems::default();
    problems.text("idempotency_key", &request.idempotency_key, MAX_KEY_CHARS);
    problems.text("customer_ref", &request.customer_ref, MAX_KEY_CHARS);
    if !(1..=5).contains(&request.score) {
        problems
            .0
            .insert("score".into(), "must be a whole number from 1 to 5".into());
    }
    problems.optional_text("comment", request.comment.as_deref(), 2_000);
    problems.not_in_future("answered_at", request.answered_at, now);
    problems.finish()?;
    // A bad rating reopens the conversation: it needs attention again.
    let reopen = request.score <= i64::from(risk.bad_csat_at_most);
    save_event(
        db,
        risk,
        state,
        &request.idempotency_key,
        &request.customer_ref,
        Some(request.conversation_id),
        "csat",
        Some(request.score as f64),
        request.comment.as_deref(),
        request.answered_at.unwrap_or(now),
        now,
        reopen,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn save_event(
    db: &Db,
    risk: &RiskConfig,
    state: &StateConfig,
    idempotency_key: &str,
    customer_ref: &str,
    conversation_id: Option<i64>,
    kind: &'static str,
    value: Option<f64>,
    note: Option<&str>,
    occurred_at: DateTime<Utc>,
    now: DateTime<Utc>,
    reopen_when_new: bool,
) -> Result<EventRecorded, IngestError> {
    let customer_id = customer_id_of(db, customer_ref).await?;
    let recorded = customers::record_event(
        db,
        idempotency_key.trim(),
        customer_id,
        conversation_id,
        kind,
        value,
        note.map(str::trim),
        occurred_at,
    )
    .await
    .map_err(not_this_customers_conversation)?;
    let (event_id, created, conversation_id) = (recorded.id, recorded.created, recorded.conversation_id);
    if let (true, true, Some(id)) = (created, reopen_when_new, conversation_id) {
        conversations::reopen(db, id, customer_id, occurred_at).await?;
        // A bad rating is a disappointment to repair, not just a number.
        crate::journeys::starts::start_for_conversations(db, &[id], None, now).await?;
    }
    let risk = match conversation_id {
        Some(id) => Some(refresh_risk(db, risk, state, id, now).await?),
        None => None,
    };
    Ok(EventRecorded {
        event_id,
        created,
        conversation_id,
        risk,
    })
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

    #[test]
    fn problems_collect_every_field() {
        let mut problems = Problems::default();
        problems.text("body", "  ", 10);
        problems.text("subject", "x".repeat(11).as_str(), 10);
        problems.one_of("channel", "fax", &CHANNELS);
        let Err(IngestError::Invalid(fields)) = problems.finish() else {
            panic!("expected field errors")
        };
        assert_eq!(fields["body"], "must not be empty");
        assert_eq!(fields["subject"], "must be at most 10 characters (got 11)");
        assert_eq!(
            fields["channel"],
            "must be one of: email, chat, social, phone, forum"
        );
    }
}
