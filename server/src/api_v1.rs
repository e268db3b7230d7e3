//! The thin JSON API for integrations, authenticated with API tokens (`Authorization: Bearer ...`).
//! Handlers authenticate, parse and map errors; the work is in `app::ingestion`.

use app::domain::signing::token_hash;
use app::state::AppState;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

use app::error::{AppError, ErrorBody};
use app::ingestion::{self as ingest, CsatIn, CustomerUpsert, EventIn, MessageIn};
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// Largest request body accepted, in bytes (a message body may have 20,000 characters).
pub const MAX_BODY_BYTES: usize = 128 * 1024;
/// Largest body of `/messages/batch` (500 messages).
pub const MAX_BATCH_BODY_BYTES: usize = 4 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/customers", post(upsert_customer))
        .route("/messages", post(post_message))
        .route("/messages/batch", post(post_message_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BODY_BYTES)))
        .route("/messages/{id}/delivery", post(post_delivery))
        .route("/events", post(post_event))
        .route("/csat", post(post_csat))
        .route("/openapi.json", get(openapi_json))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .fallback(unknown_route)
        .layer(axum::middleware::map_response(bearer_challenge))
}

/// A 401 names the scheme that would have worked (RFC 9110, 11.6.1).
async fn bearer_challenge(mut response: Response) -> Response {
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    }
    response
}

/// A JSON body parsed strictly: malformed JSON, wrong types and unknown fields are 422 with
/// the parser's explanation; a body over the size limit is 413; one not sent as JSON is 415.
pub struct StrictJson<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for StrictJson<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &AppState) -> Result<Self, AppError> {
        if !json_content_type(request.headers()) {
            return Err(AppError::UnsupportedMediaType("Send the body as JSON with `Content-Type: application/json`.".into()));
        }
        let bytes = axum::body::Bytes::from_request(request, state).await.map_err(|_| {
            AppError::TooLarge(format!(
                "The request body is too large: at most {MAX_BODY_BYTES} bytes ({MAX_BATCH_BODY_BYTES} bytes for /messages/batch)."
            ))
        })?;
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(value)) => Ok(StrictJson(value)),
            Err(rejection) => {
                if matches!(rejection, JsonRejection::JsonDataError(_)) {
                    if let Some(value) = with_whole_numbers_as_integers(&bytes) {
                        return Ok(StrictJson(value));
                    }
                }
                // Which field is wrong is in the parser's words, not a field of the body.
                Err(AppError::Invalid { fields: BTreeMap::new(), message: rejection.body_text() })
            }
        }
    }
}

/// `application/json` or `application/<anything>+json`, parameters aside (as axum's `Json`).
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some((kind, subtype)) => kind == "application" && (subtype == "json" || subtype.ends_with("+json")),
        None => false,
    }
}

/// A whole number written with a fraction or an exponent (`2.0`, `1e3`) is a whole number in
/// JSON (and to JSON Schema's `integer`), though serde refuses it for an integer field: the body
/// read again with such numbers as integers, when that reads.
fn with_whole_numbers_as_integers<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    fn normalize(value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Number(number) if number.is_f64() => {
                let float = number.as_f64().unwrap_or(f64::NAN);
                // Beyond ±2^63 the float is no i64; inside it, `as` is exact for whole numbers.
                if float.fract() == 0.0 && float.abs() < 9.2e18 {
                    *number = (float as i64).into();
                    return true;
                }
                false
            }
            serde_json::Value::Array(items) => items.iter_mut().map(normalize).fold(false, |changed, item| changed | item),
            serde_json::Value::Object(fields) => fields.values_mut().map(normalize).fold(false, |changed, item| changed | item),
            _ => false,
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !normalize(&mut value) {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// 201 for a new record, 200 for a replayed idempotency key.
fn created_or_replayed<T: Serialize>(created: bool, body: T) -> Response {
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    (status, Json(body)).into_response()
}

// The refusals the endpoints share, documented once: listed in each handler's `responses(...)`
// beside its own answers.

/// The refusals of every endpoint: the token itself (401), its rate limit (429), and Rapport
/// briefly out of reach (503).
#[derive(utoipa::IntoResponses)]
#[expect(dead_code, reason = "describes responses for the OpenAPI document; the handlers answer `AppError`")]
enum CommonRefusals {
    #[response(status = 401, description = "Missing, unknown or revoked token",
        headers(("WWW-Authenticate" = String, description = "`Bearer`")))]
    Unauthorized(ErrorBody),
    #[response(
        status = 429,
        description = "This token's request budget for the minute is spent (`api_requests_per_minute`); wait, or send many messages at once through `/messages/batch`"
    )]
    RateLimited(ErrorBody),
    #[response(status = 503, description = "Rapport is briefly out of reach (shutting down, database busy): nothing was stored; retry with the same idempotency key",
        headers(("Retry-After" = String, description = "seconds to wait")))]
    Unavailable(ErrorBody),
}

/// The refusals of a [`StrictJson`] body holding one record, under [`MAX_BODY_BYTES`]
/// (`/messages/batch` documents its own: a larger limit, fields named per message).
#[derive(utoipa::IntoResponses)]
#[expect(dead_code, reason = "describes responses for the OpenAPI document; the handlers answer `AppError`")]
enum BodyRefusals {
    #[response(status = 413, description = "Body larger than 128 KiB")]
    TooLarge(ErrorBody),
    #[response(status = 415, description = "The body is not sent as `Content-Type: application/json`")]
    NotJson(ErrorBody),
    #[response(status = 422, description = "Invalid fields, field by field")]
    Invalid(ErrorBody),
}

#[utoipa::path(post, path = "/customers", tag = "customers",
    request_body = CustomerUpsert,
    responses(
        (status = 201, description = "Customer created", body = ingest::CustomerUpserted),
        (status = 200, description = "Existing customer updated", body = ingest::CustomerUpserted),
        CommonRefusals,
        BodyRefusals,
    ),
    security(("bearer" = [])))]
async fn upsert_customer(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<CustomerUpsert>,
) -> Result<Response, AppError> {
    within_documented_rules("CustomerUpsert", &request)?;
    let upserted = ingest::upsert_customer(&state.db, request).await?;
    Ok(created_or_replayed(upserted.created, upserted))
}

#[utoipa::path(post, path = "/messages", tag = "messages",
    request_body = MessageIn,
    responses(
        (status = 201, description = "Stored and scored; the conversation's risk is recomputed", body = ingest::MessageIngested),
        (status = 200, description = "This idempotency key was seen before: nothing written", body = ingest::MessageIngested),
        CommonRefusals,
        BodyRefusals,
    ),
    security(("bearer" = [])))]
async fn post_message(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<MessageIn>,
) -> Result<Response, AppError> {
    within_documented_rules("MessageIn", &request)?;
    let ingested = state.ingest_queue.ingest(request).await?;
    Ok(created_or_replayed(ingested.created, ingested))
}

#[utoipa::path(post, path = "/messages/batch", tag = "messages",
    request_body = ingest::MessageBatchIn,
    responses(
        (status = 200, description = "All messages stored (or replayed, see each `created`), one result per message in order", body = ingest::MessageBatchIngested),
        (status = 413, description = "Body larger than 4 MiB", body = ErrorBody),
        (status = 415, description = "The body is not sent as `Content-Type: application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields as `messages[i].field`; nothing of the batch was stored", body = ErrorBody),
        CommonRefusals,
    ),
    security(("bearer" = [])))]
async fn post_message_batch(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<ingest::MessageBatchIn>,
) -> Result<Response, AppError> {
    let mut problems = BTreeMap::new();
    for (index, message) in request.messages.iter().enumerate() {
        check_documented("MessageIn", message, &format!("messages[{index}]."), &mut problems);
    }
    refuse_problems(problems)?;
    let batch = ingest::ingest_message_batch(&state.ingestion(), request).await?;
    Ok((StatusCode::OK, Json(batch)).into_response())
}

/// What an integration reports about a message it was sent as `message.outbound`.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryReport {
    /// `delivered` (it reached the customer) or `failed` (it did not).
    pub status: String,
    /// Why it did not reach the customer; required when `status` is `failed`.
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryRecorded {
    pub message_id: i64,
    /// The message's delivery state now, as agents see it on the conversation: `delivered` or `failed`.
    pub delivery: String,
}

const NO_SUCH_OUTGOING_MESSAGE: &str =
    "No outgoing message that Rapport delivers has this id (use the `message_id` of a `message.outbound` webhook).";

#[utoipa::path(post, path = "/messages/{id}/delivery", tag = "messages",
    params(("id" = i64, Path, description = "The `message_id` of a `message.outbound` webhook", minimum = 1)),
    request_body = DeliveryReport,
    responses(
        (status = 200, description = "Recorded; the latest report wins, and agents see it on the conversation (a failed message can be sent again)", body = DeliveryRecorded),
        (status = 404, description = "No outgoing message that Rapport delivers has this id", body = ErrorBody),
        CommonRefusals,
        BodyRefusals,
    ),
    security(("bearer" = [])))]
async fn post_delivery(
    _caller: ApiCaller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    StrictJson(request): StrictJson<DeliveryReport>,
) -> Result<Response, AppError> {
    let message_id = id.parse::<i64>().ok().filter(|id| *id >= 1).ok_or_else(|| AppError::NotFound(NO_SUCH_OUTGOING_MESSAGE.into()))?;
    within_documented_rules("DeliveryReport", &request)?;
    let report = app::domain::channels::Report::parse(&request.status, request.reason.as_deref())
        .map_err(|(field, problem)| AppError::field_problem(field, problem))?;
    let conversation_id = app::data::deliveries::report(&state.db, message_id, &report, chrono::Utc::now())
        .await
        .map_err(AppError::not_found_as(NO_SUCH_OUTGOING_MESSAGE))?;
    state.realtime.publish(app::domain::workspace::InboxChange::Update, conversation_id);
    Ok((StatusCode::OK, Json(DeliveryRecorded { message_id, delivery: report.delivery().key().to_string() })).into_response())
}

#[utoipa::path(post, path = "/events", tag = "events",
    request_body = EventIn,
    responses(
        (status = 201, description = "Event recorded", body = ingest::EventRecorded),
        (status = 200, description = "This idempotency key was seen before", body = ingest::EventRecorded),
        (status = 409, description = "The idempotency key was already used for another customer's event; nothing was stored", body = ErrorBody),
        CommonRefusals,
        BodyRefusals,
    ),
    security(("bearer" = [])))]
async fn post_event(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<EventIn>,
) -> Result<Response, AppError> {
    within_documented_rules("EventIn", &request)?;
    let recorded = ingest::record_event(&state.ingestion(), request).await?;
    Ok(created_or_replayed(recorded.created, recorded))
}

#[utoipa::path(post, path = "/csat", tag = "events",
    request_body = CsatIn,
    responses(
        (status = 201, description = "Rating recorded; a rating at or below the bad threshold reopens the conversation", body = ingest::EventRecorded),
        (status = 200, description = "This idempotency key was seen before", body = ingest::EventRecorded),
        (status = 409, description = "The idempotency key was already used for another customer's event; nothing was stored", body = ErrorBody),
        CommonRefusals,
        BodyRefusals,
    ),
    security(("bearer" = [])))]
async fn post_csat(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<CsatIn>,
) -> Result<Response, AppError> {
    within_documented_rules("CsatIn", &request)?;
    let recorded = ingest::record_csat(&state.ingestion(), request).await?;
    Ok(created_or_replayed(recorded.created, recorded))
}

/// The integration calling the API. Extracting it is the API's one authorization check.
pub struct ApiCaller {
    pub token_id: i64,
    pub token_name: String,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| AppError::Unauthorized("Send an API token as `Authorization: Bearer <token>`.".into()))?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| AppError::Unauthorized("The Authorization header must use the Bearer scheme.".into()))?;
        let record = app::data::api_tokens::authenticate(&state.db, &token_hash(&state.security.secret, token))
            .await?
            .ok_or_else(|| AppError::Unauthorized("This API token is unknown or was revoked.".into()))?;
        if let Some(limit) = &state.security.api_limit {
            limit
                .check(record.id, "API requests")
                .map_err(|refused| AppError::RateLimited(format!("{refused} Send many messages at once through /messages/batch.")))?;
        }
        Ok(ApiCaller { token_id: record.id, token_name: record.name })
    }
}

#[derive(Serialize, utoipa::ToSchema)]
struct Me {
    token_id: i64,
    token_name: String,
}

#[utoipa::path(get, path = "/me", tag = "tokens",
    responses(
        (status = 200, description = "The token you are calling with", body = Me),
        CommonRefusals,
    ),
    security(("bearer" = [])))]
async fn me(caller: ApiCaller) -> Json<Me> {
    Json(Me { token_id: caller.token_id, token_name: caller.token_name })
}

async fn unknown_route() -> AppError {
    AppError::NotFound("There is no API endpoint at this path.".into())
}

/// The OpenAPI 3 description of this API, generated from the handlers above.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Rapport ingestion API", description = "Customers, messages (scored by the emotion engine on the way in), events and CSAT; every create takes an idempotency key. Integrations that deliver chat, social, SMS and phone messages for Rapport (the `message.outbound` webhook) report each one's delivery back."),
    servers((url = "/api/v1")),
    paths(me, upsert_customer, post_message, post_message_batch, post_delivery, post_event, post_csat),
    // Referenced by the `IntoResponses` types, which do not add the schemas they name.
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth, &ExactRequests)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("An API token from `rapport create-token`")).build(),
            ),
        );
    }
}

// What the ingestion accepts, said in the schema itself (so generated clients and
// schema-driven fuzzers send valid requests). The request types live in `app`, which has no
// HTTP contract; the rules are stated here once and applied to their generated schemas. Each
// is checked by `tests/openapi.rs` and against the real validation by `tests/schema_fuzz.rs`.

/// Text fields as (schema, field, most characters): not blank (a character other than
/// whitespace), no control character but tab, line feed and carriage return (the control
/// characters the server refuses everywhere), and at most that many characters as sent.
pub const TEXT_FIELDS: &[(&str, &str, usize)] = &[
    ("CustomerUpsert", "external_ref", 200),
    ("CustomerUpsert", "name", 200),
    ("CustomerUpsert", "plan", 100),
    ("MessageIn", "idempotency_key", 200),
    ("MessageIn", "customer_ref", 200),
    ("MessageIn", "subject", 300),
    ("MessageIn", "body", ingest::MAX_BODY_CHARS),
    ("EventIn", "idempotency_key", 200),
    ("EventIn", "customer_ref", 200),
    ("EventIn", "note", 2_000),
    ("CsatIn", "idempotency_key", 200),
    ("CsatIn", "customer_ref", 200),
    ("CsatIn", "comment", 2_000),
    ("DeliveryReport", "reason", app::domain::channels::MAX_REASON_CHARS),
];

/// Fields with a fixed set of values, matched exactly.
const ENUM_FIELDS: &[(&str, &str, &[&str])] = &[
    ("MessageIn", "channel", app::domain::channels::Channel::KEYS),
    ("MessageIn", "direction", &app::ingestion::MESSAGE_DIRECTIONS),
    ("EventIn", "kind", &["purchase", "cancellation", "return_visit"]),
    ("DeliveryReport", "status", &["delivered", "failed"]),
];

/// Numbers with bounds, as (schema, field, minimum, maximum).
const NUMBER_FIELDS: &[(&str, &str, Option<i64>, Option<i64>)] =
    &[("EventIn", "value", Some(0), None), ("CsatIn", "score", Some(1), Some(5))];

/// Conversation ids (positive). A replayed idempotency key answers before the conversation is
/// looked up, so the range is checked here: an impossible id is refused, never replayed.
const ID_FIELDS: &[(&str, &str)] = &[("MessageIn", "conversation_id"), ("EventIn", "conversation_id"), ("CsatIn", "conversation_id")];

/// Times that may be at most a few minutes ahead of the server's clock (clock skew).
const TIME_FIELDS: &[(&str, &str)] = &[("MessageIn", "sent_at"), ("EventIn", "occurred_at"), ("CsatIn", "answered_at")];

/// Whitespace other than the refused control characters (vertical tab, form feed, U+001C–U+001F
/// and U+0085 are whitespace to some regex dialects, but the server refuses them).
const SPACE: &str = r"[^\S\x0B\x0C\x1C-\x1F\x85]";
/// A character of a text field that is neither whitespace nor a control character.
const VISIBLE: &str = r"[^\s\x00-\x1F\x7F-\x9F]";
/// Any character of a text field: all but the control characters other than tab, LF and CR.
const ALLOWED: &str = r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]";

/// Text that is not blank and holds no refused control character.
fn text_pattern() -> String {
    format!("^{SPACE}*{VISIBLE}{ALLOWED}*$")
}

/// An email address as `app::auth::validate::Email` reads it: around the whitespace it trims,
/// one `@` with something before it, and a domain holding a dot but not starting or ending with
/// one; no whitespace or control character inside.
fn email_pattern() -> String {
    let part = r"[^@\s\x00-\x1F\x7F-\x9F]";
    let edge = r"[^.@\s\x00-\x1F\x7F-\x9F]";
    format!(r"^{SPACE}*{part}+@{edge}{part}*\.{part}*{edge}{SPACE}*$")
}

/// Every string field's documented maximum length, as (schema, field, most characters).
fn max_lengths() -> impl Iterator<Item = (&'static str, &'static str, usize)> {
    TEXT_FIELDS.iter().copied().chain([("CustomerUpsert", "email", app::domain::accounts::EMAIL_MAX_CHARS)])
}

/// The document's rules that the ingestion does not apply itself: `maxLength` counted as sent
/// (the ingestion counts after trimming, so it would take a longer string padded with
/// whitespace), and positive conversation ids. Problems are named like the ingestion's,
/// `messages[i].field` in a batch.
fn check_documented<T: Serialize>(schema: &str, request: &T, prefix: &str, problems: &mut BTreeMap<String, String>) {
    let Ok(value) = serde_json::to_value(request) else {
        return;
    };
    for (_, field) in ID_FIELDS.iter().filter(|(name, _)| *name == schema) {
        if value.get(field).and_then(|v| v.as_i64()).is_some_and(|id| id < 1) {
            problems.insert(format!("{prefix}{field}"), "must be a positive id".into());
        }
    }
    for (_, field, max) in max_lengths().filter(|(name, _, _)| *name == schema) {
        if let Some(text) = value.get(field).and_then(|v| v.as_str()) {
            let chars = text.chars().count();
            if chars > max {
                problems.insert(format!("{prefix}{field}"), format!("must be at most {max} characters (got {chars})"));
            }
        }
    }
}

fn within_documented_rules<T: Serialize>(schema: &str, request: &T) -> Result<(), AppError> {
    let mut problems = BTreeMap::new();
    check_documented(schema, request, "", &mut problems);
    refuse_problems(problems)
}

fn refuse_problems(problems: BTreeMap<String, String>) -> Result<(), AppError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid_fields(problems))
    }
}

struct ExactRequests;

impl utoipa::Modify for ExactRequests {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ArrayItems, Object, Schema, SchemaType, Type};
        use utoipa::openapi::RefOr;
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let schemas = &mut components.schemas;
        // Changes the property `name` of the object schema `schema`.
        let mut field = |schema: &str, name: &str, change: &mut dyn FnMut(&mut Object)| match schemas.get_mut(schema) {
            Some(RefOr::T(Schema::Object(object))) => match object.properties.get_mut(name) {
                Some(RefOr::T(Schema::Object(property))) => change(property),
                _ => missing(schema, name),
            },
            _ => missing(schema, name),
        };
        let text_pattern = text_pattern();
        for (schema, name, max) in TEXT_FIELDS {
            field(schema, name, &mut |property| {
                property.min_length = Some(1);
                property.max_length = Some(*max);
                property.pattern = Some(text_pattern.clone());
                append_description(
                    property,
                    &format!("1 to {max} characters, not only whitespace; no control characters but tab, line feed and carriage return."),
                );
            });
        }
        field("CustomerUpsert", "email", &mut |property| {
            property.max_length = Some(app::domain::accounts::EMAIL_MAX_CHARS);
            property.pattern = Some(email_pattern());
            append_description(property, "An email address (`name@example.com`).");
        });
        for (schema, name, values) in ENUM_FIELDS {
            field(schema, name, &mut |property| {
                property.enum_values = Some(values.iter().map(|v| serde_json::json!(v)).collect());
            });
        }
        for (schema, name) in ID_FIELDS {
            field(schema, name, &mut |property| property.minimum = Some(1.into()));
        }
        for (schema, name, minimum, maximum) in NUMBER_FIELDS {
            field(schema, name, &mut |property| {
                property.minimum = minimum.map(|n| (n as isize).into());
                property.maximum = maximum.map(|n| (n as isize).into());
            });
        }
        for (schema, name) in TIME_FIELDS {
            field(schema, name, &mut |property| {
                append_description(property, "RFC 3339; at most 5 minutes in the future.");
            });
        }
        match schemas.get_mut("MessageBatchIn") {
            Some(RefOr::T(Schema::Object(object))) => match object.properties.get_mut("messages") {
                Some(RefOr::T(Schema::Array(messages))) if matches!(messages.items, ArrayItems::RefOrSchema(_)) => {
                    messages.min_items = Some(1);
                    messages.max_items = Some(ingest::MAX_BATCH_MESSAGES);
                }
                _ => missing("MessageBatchIn", "messages"),
            },
            _ => missing("MessageBatchIn", "messages"),
        }
        // A failure report says why.
        let report_case = |status: &str, reason: bool| {
            let mut only = Object::with_type(SchemaType::AnyValue);
            let mut exact = Object::with_type(Type::String);
            exact.enum_values = Some(vec![serde_json::json!(status)]);
            only.properties.insert("status".into(), exact.into());
            only.required = vec!["status".to_string()];
            if reason {
                only.properties.insert("reason".into(), Object::with_type(Type::String).into());
                only.required.push("reason".to_string());
            }
            RefOr::T(Schema::Object(only))
        };
        one_of_the_cases(
            schemas,
            ("DeliveryReport", "reason"),
            vec![report_case("delivered", false), report_case("failed", true)],
            "A `failed` report needs its `reason`.",
        );
        // A message goes into an existing conversation or opens one with a subject.
        let given = |name: &str, kind: Type| {
            let mut only = Object::with_type(SchemaType::AnyValue);
            only.required = vec![name.to_string()];
            only.properties.insert(name.to_string(), Object::with_type(kind).into());
            RefOr::T(Schema::Object(only))
        };
        one_of_the_cases(
            schemas,
            ("MessageIn", "conversation_id"),
            vec![given("conversation_id", Type::Integer), given("subject", Type::String)],
            "`conversation_id` or `subject`: without a conversation, a new one is opened and needs a subject.",
        );
    }
}

/// Makes the object schema `schema` "its fields, and one of `cases` on top" (an `allOf` of
/// itself and an `anyOf` of the cases), for rules between fields that JSON Schema states no
/// other way. `field` names the rule when the schema is missing.
fn one_of_the_cases(
    schemas: &mut std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>,
    (schema, field): (&str, &str),
    cases: Vec<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>,
    description: &str,
) {
    use utoipa::openapi::schema::{AllOf, AnyOf, Schema};
    use utoipa::openapi::RefOr;
    match schemas.remove(schema) {
        Some(RefOr::T(Schema::Object(object))) => {
            let mut either = AnyOf::new();
            either.items = cases;
            either.description = Some(description.into());
            let mut all = AllOf::new();
            all.items = vec![RefOr::T(Schema::Object(object)), RefOr::T(Schema::AnyOf(either))];
            schemas.insert(schema.into(), RefOr::T(Schema::AllOf(all)));
        }
        other => {
            if let Some(other) = other {
                schemas.insert(schema.into(), other);
            }
            missing(schema, field);
        }
    }
}

fn append_description(property: &mut utoipa::openapi::schema::Object, sentence: &str) {
    property.description = Some(match property.description.take() {
        Some(text) if !text.is_empty() => format!("{text} {sentence}"),
        _ => sentence.to_string(),
    });
}

/// A rule names a schema or field the generated document lacks: the types changed.
fn missing(schema: &str, field: &str) {
    if cfg!(debug_assertions) {
        panic!("the OpenAPI rules name {schema}.{field}, which the generated schema lacks");
    }
    tracing::error!(schema, field, "the OpenAPI document's rules name a field its types lack");
}

static OPENAPI: std::sync::LazyLock<utoipa::openapi::OpenApi> = std::sync::LazyLock::new(<ApiDoc as utoipa::OpenApi>::openapi);

async fn openapi_json() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(&OPENAPI)
}
