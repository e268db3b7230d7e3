//! The thin JSON API for integrations, authenticated with API tokens (`Authorization: Bearer ...`).
//! Later issues add the ingestion endpoints here.

use app::auth::session::token_hash;
use app::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me)).fallback(unknown_route)
}

/// A JSON error body: a stable code and a sentence for people.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    pub error: &'static str,
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error,
            message: message.into(),
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
        Ok(ApiCaller {
            token_id: record.id,
            token_name: record.name,
        })
    }
}

#[derive(Serialize)]
struct Me {
    token_id: i64,
    token_name: String,
}

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
