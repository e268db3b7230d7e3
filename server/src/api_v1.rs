//! The thin JSON API for integrations, authenticated with API tokens (`Authorization: Bearer ...`).
//! Handlers authenticate, parse and map errors; the work is in `app::workspace::ingest`.

use app::auth::session::token_hash;
use app::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

use app::workspace::ingest::{self, CsatIn, CustomerUpsert, EventIn, IngestError, MessageIn};
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

/// Largest request body accepted, in bytes (a message body may have 20,000 characters).
pub const MAX_BODY_BYTES: usize = 128 * 1024;
/// Largest body of `/messages/batch` (500 messages).
pub const MAX_BATCH_BODY_BYTES: usize = 4 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/customers", post(upsert_customer))
        .route("/messages", post(post_message))
        .route(
            "/messages/batch",
            post(post_message_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BODY_BYTES)),
        )
        .route("/events", post(post_event))
        .route("/csat", post(post_csat))
        .route("/openapi.json", get(openapi_json))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .fallback(unknown_route)
}

/// A JSON body parsed strictly: malformed JSON, wrong types and unknown fields are 422 with
/// the parser's explanation; a body over the size limit is 413.
pub struct StrictJson<T>(pub T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(
        request: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(StrictJson(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Send the body as JSON with `Content-Type: application/json`.",
                ),
                JsonRejection::BytesRejection(_) => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!(
                        "The request body is too large: at most {MAX_BODY_BYTES} bytes \
                         ({MAX_BATCH_BODY_BYTES} bytes for /messages/batch)."
                    ),
                ),
                other => ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    other.body_text(),
                ),
            }),
        }
    }
}

fn ingest_error(error: IngestError) -> ApiError {
    match error {
        IngestError::Invalid(fields) => {
            let summary = fields
                .iter()
                .map(|(field, problem)| format!("{field} {problem}"))
                .collect::<Vec<_>>()
                .join("; ");
            ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                error: "invalid",
                message: format!("The request has invalid fields: {summary}."),
                fields: Some(fields),
            }
        }
        IngestError::Data(error) => {
            tracing::error!(%error, "ingestion failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side; nothing was half-written, retry with the same idempotency key.",
            )
        }
    }
}

/// 201 for a new record, 200 for a replayed idempotency key.
fn created_or_replayed<T: Serialize>(created: bool, body: T) -> Response {
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(body)).into_response()
}

fn publish_risk(state: &AppState, recorded: &ingest::EventRecorded) {
    if let (true, Some(conversation_id)) = (recorded.created, recorded.conversation_id) {
        state.realtime.publish("risk", conversation_id);
    }
}

#[utoipa::path(post, path = "/customers", tag = "customers",
    request_body = CustomerUpsert,
    responses(
        (status = 201, description = "Customer created", body = ingest::CustomerUpserted),
        (status = 200, description = "Existing customer updated", body = ingest::CustomerUpserted),
        (status = 401, description = "Missing or revoked token", body = ApiError),
        (status = 422, description = "Invalid fields, field by field", body = ApiError),
    ),
    security(("bearer" = [])))]
async fn upsert_customer(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<CustomerUpsert>,
) -> Result<Response, ApiError> {
    let upserted = ingest::upsert_customer(&state.db, request)
        .await
        .map_err(ingest_error)?;
    Ok(created_or_replayed(upserted.created, upserted))
}

#[utoipa::path(post, path = "/messages", tag = "messages",
    request_body = MessageIn,
    responses(
        (status = 201, description = "Stored and scored; the conversation's risk is recomputed", body = ingest::MessageIngested),
        (status = 200, description = "This idempotency key was seen before: nothing written", body = ingest::MessageIngested),
        (status = 401, description = "Missing or revoked token", body = ApiError),
        (status = 413, description = "Body larger than 128 KiB", body = ApiError),
        (status = 422, description = "Invalid fields, field by field", body = ApiError),
    ),
    security(("bearer" = [])))]
async fn post_message(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<MessageIn>,
) -> Result<Response, ApiError> {
    let ingested = state.ingest_queue.ingest(request).await.map_err(ingest_error)?;
    if ingested.created {
        announce_messages(&state, [&ingested]).await;
    }
    Ok(created_or_replayed(ingested.created, ingested))
}

/// Tells open inboxes about new messages, and webhooks about conversations at high risk.
async fn announce_messages<'a>(
    state: &AppState,
    new_messages: impl IntoIterator<Item = &'a ingest::MessageIngested>,
) {
    let mut risk_raised = Vec::new();
    for ingested in new_messages {
        state.realtime.publish("message", ingested.conversation_id);
        if ingested.risk.level >= app::emotion::risk::RiskLevel::High {
            risk_raised.push(
                serde_json::json!({"conversation_id": ingested.conversation_id, "risk": ingested.risk}),
            );
        }
    }
    app::webhooks::emit_all(&state.db, "risk.raised", risk_raised).await;
}

#[utoipa::path(post, path = "/messages/batch", tag = "messages",
    request_body = ingest::MessageBatchIn,
    responses(
        (status = 200, description = "All messages stored (or replayed, see each `created`), one result per message in order", body = ingest::MessageBatchIngested),
        (status = 401, description = "Missing or revoked token", body = ApiError),
        (status = 413, description = "Body larger than 4 MiB", body = ApiError),
        (status = 422, description = "Invalid fields as `messages[i].field`; nothing of the batch was stored", body = ApiError),
    ),
    security(("bearer" = [])))]
async fn post_message_batch(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<ingest::MessageBatchIn>,
) -> Result<Response, ApiError> {
    let batch =
        ingest::ingest_message_batch(&state.db, &state.engine.risk, &state.engine.state, request)
            .await
            .map_err(ingest_error)?;
    announce_messages(&state, batch.messages.iter().filter(|m| m.created)).await;
    Ok((StatusCode::OK, Json(batch)).into_response())
}

#[utoipa::path(post, path = "/events", tag = "events",
    request_body = EventIn,
    responses(
        (status = 201, description = "Event recorded", body = ingest::EventRecorded),
        (status = 200, description = "This idempotency key was seen before", body = ingest::EventRecorded),
        (status = 401, description = "Missing or revoked token", body = ApiError),
        (status = 422, description = "Invalid fields, field by field", body = ApiError),
    ),
    security(("bearer" = [])))]
async fn post_event(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<EventIn>,
) -> Result<Response, ApiError> {
    let recorded =
        ingest::record_event(&state.db, &state.engine.risk, &state.engine.state, request)
            .await
            .map_err(ingest_error)?;
    publish_risk(&state, &recorded);
    Ok(created_or_replayed(recorded.created, recorded))
}

#[utoipa::path(post, path = "/csat", tag = "events",
    request_body = CsatIn,
    responses(
        (status = 201, description = "Rating recorded; a rating at or below the bad threshold reopens the conversation", body = ingest::EventRecorded),
        (status = 200, description = "This idempotency key was seen before", body = ingest::EventRecorded),
        (status = 401, description = "Missing or revoked token", body = ApiError),
        (status = 422, description = "Invalid fields, field by field", body = ApiError),
    ),
    security(("bearer" = [])))]
async fn post_csat(
    _caller: ApiCaller,
    State(state): State<AppState>,
    StrictJson(request): StrictJson<CsatIn>,
) -> Result<Response, ApiError> {
    let recorded = ingest::record_csat(&state.db, &state.engine.risk, &state.engine.state, request)
        .await
        .map_err(ingest_error)?;
    publish_risk(&state, &recorded);
    Ok(created_or_replayed(recorded.created, recorded))
}

/// A JSON error body: a stable code and a sentence for people.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    #[serde(skip)]
    #[schema(ignore)]
    status: StatusCode,
    pub error: &'static str,
    pub message: String,
    /// Field → problem, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

impl ApiError {
    fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error,
            message: message.into(),
            fields: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut response = (status, Json(self)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// The integration calling the API. Extracting it is the API's one authorization check.
pub struct ApiCaller {
    pub token_id: i64,
    pub token_name: String,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "Send an API token as `Authorization: Bearer <token>`.",
                )
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "The Authorization header must use the Bearer scheme.",
                )
            })?;
        let record = app::data::api_tokens::authenticate(
            &state.db,
            &token_hash(&state.security.secret, token),
        )
        .await
        .map_err(|error| {
            tracing::error!(%error, "API token lookup failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side.",
            )
        })?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "This API token is unknown or was revoked.",
            )
        })?;
        if let Some(limit) = &state.security.api_limit {
            limit.check(record.id, "API requests").map_err(|refused| {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", &format!("{refused} Send many messages at once through /messages/batch."))
            })?;
        }
        Ok(ApiCaller {
            token_id: record.id,
            token_name: record.name,
        })
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
        (status = 401, description = "Missing or revoked token", body = ApiError),
    ),
    security(("bearer" = [])))]
async fn me(caller: ApiCaller) -> Json<Me> {
    Json(Me {
        token_id: caller.token_id,
        token_name: caller.token_name,
    })
}

async fn unknown_route() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "There is no API endpoint at this path.",
    )
}

/// The OpenAPI 3 description of this API, generated from the handlers above.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Rapport ingestion API", description = "Customers, messages (scored by the emotion engine on the way in), events and CSAT. Every create takes an idempotency key."),
    servers((url = "/api/v1")),
    paths(me, upsert_customer, post_message, post_message_batch, post_event, post_csat),
    modifiers(&BearerAuth)
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
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from `rapport create-token`"))
                    .build(),
            ),
        );
    }
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(<ApiDoc as utoipa::OpenApi>::openapi())
}
