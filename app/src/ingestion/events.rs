//! Events (purchases, cancellations, return visits) and satisfaction ratings: stored once per
//! idempotency key; a bad rating reopens its conversation and starts a recovery journey.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::customers::customer_id_of;
use super::effects;
use super::risk::refresh_risk;
use super::validation::{not_this_customers_conversation, Problems, MAX_KEY_CHARS};
use super::Ingestion;
use crate::data::customers;
use crate::emotion::risk::RiskAssessment;
use crate::error::AppError;

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

pub async fn record_event(ingestion: &Ingestion, request: EventIn) -> Result<EventRecorded, AppError> {
    let now = Utc::now();
    let mut problems = Problems::default();
    problems.text("idempotency_key", &request.idempotency_key, MAX_KEY_CHARS);
    problems.text("customer_ref", &request.customer_ref, MAX_KEY_CHARS);
    problems.one_of("kind", &request.kind, &["purchase", "cancellation", "return_visit"]);
    problems.optional_text("note", request.note.as_deref(), 2_000);
    problems.not_in_future("occurred_at", request.occurred_at, now);
    if request.value.is_some_and(|v| !v.is_finite() || v < 0.0) {
        problems.0.insert("value".into(), "must be a non-negative number".into());
    }
    problems.finish()?;
    let kind = match request.kind.as_str() {
        "purchase" => "purchase",
        "cancellation" => "cancellation",
        _ => "return_visit",
    };
    let customer_id = customer_id_of(&ingestion.db, &request.customer_ref).await?;
    save_event(
        ingestion,
        &request.idempotency_key,
        customer_id,
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

pub async fn record_csat(ingestion: &Ingestion, request: CsatIn) -> Result<EventRecorded, AppError> {
    let now = Utc::now();
    let mut problems = Problems::default();
    problems.text("idempotency_key", &request.idempotency_key, MAX_KEY_CHARS);
    problems.text("customer_ref", &request.customer_ref, MAX_KEY_CHARS);
    if !(1..=5).contains(&request.score) {
        problems.0.insert("score".into(), "must be a whole number from 1 to 5".into());
    }
    problems.optional_text("comment", request.comment.as_deref(), 2_000);
    problems.not_in_future("answered_at", request.answered_at, now);
    problems.finish()?;
    // A bad rating reopens the conversation: it needs attention again.
    let reopen = request.score <= i64::from(ingestion.engine.risk.bad_csat_at_most);
    let customer_id = customer_id_of(&ingestion.db, &request.customer_ref).await?;
    save_event(
        ingestion,
        &request.idempotency_key,
        customer_id,
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

/// A rating given with a rating link (`channels::ratings`): the same event, reopening and
/// effects as a rating from `POST /api/v1/csat`.
pub async fn record_rating(
    ingestion: &Ingestion,
    customer_id: i64,
    conversation_id: i64,
    idempotency_key: &str,
    score: i64,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<EventRecorded, AppError> {
    let reopen = score <= i64::from(ingestion.engine.risk.bad_csat_at_most);
    save_event(ingestion, idempotency_key, customer_id, Some(conversation_id), "csat", Some(score as f64), comment, now, now, reopen).await
}

/// A rating changed with its link within the week (`channels::ratings`): the stored event
/// takes the new score and comment; a change from a good to a bad score reopens the
/// conversation and starts a recovery journey, like a new bad rating.
pub async fn change_rating(
    ingestion: &Ingestion,
    request_id: i64,
    score: i64,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let bad_at_most = i64::from(ingestion.engine.risk.bad_csat_at_most);
    let effect = crate::data::ratings::change(&ingestion.db, request_id, score, comment, bad_at_most, now, effects::LEASE).await?;
    if let Some(effect) = effect {
        if let Err(error) = effects::settle(ingestion, std::slice::from_ref(&effect), now).await {
            tracing::warn!(%error, "a changed rating's effects failed; the worker takes them over");
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn save_event(
    ingestion: &Ingestion,
    idempotency_key: &str,
    customer_id: i64,
    conversation_id: Option<i64>,
    kind: &'static str,
    value: Option<f64>,
    note: Option<&str>,
    occurred_at: DateTime<Utc>,
    now: DateTime<Utc>,
    reopen_when_new: bool,
) -> Result<EventRecorded, AppError> {
    let db = &ingestion.db;
    let event = customers::KeyedEvent {
        idempotency_key: idempotency_key.trim(),
        customer_id,
        conversation_id,
        kind,
        value,
        note: note.map(str::trim),
        occurred_at,
        // A bad rating is a disappointment to repair, not just a number.
        reopens: reopen_when_new,
    };
    let recorded = customers::record_event(db, &event, now, effects::LEASE).await.map_err(not_this_customers_conversation)?;
    let (event_id, created, conversation_id) = (recorded.id, recorded.created, recorded.conversation_id);
    let mut settled = match &recorded.effect {
        Some(effect) => effects::settle(ingestion, std::slice::from_ref(effect), now).await.unwrap_or_else(|error| {
            tracing::warn!(%error, "an event's effects failed; the worker takes them over");
            HashMap::new()
        }),
        None => HashMap::new(),
    };
    let risk = match conversation_id {
        Some(id) => match settled.remove(&id) {
            Some(risk) => Some(risk),
            None => Some(refresh_risk(ingestion, id, now).await?),
        },
        None => None,
    };
    Ok(EventRecorded { event_id, created, conversation_id, risk })
}
