//! The one error type every server function returns: typed, serializable and
//! written for the person who reads it. On the wire it is an [`ErrorBody`]: a stable
//! snake_case code, a sentence for people and, for bad input, the field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use server_fn::{Bytes, Encodes};
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(into = "ErrorBody", try_from = "ErrorBody")]
pub enum AppError {
    /// No signed-in account (or API token); the message says what to send.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// One message for a wrong email and a wrong password, so accounts cannot be probed.
    #[error("That email and password do not match an account.")]
    BadCredentials,
    /// Bad input, field by field; `message` sums it up for people.
    #[error("{message}")]
    Invalid { fields: BTreeMap<String, String>, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    RateLimited(String),
    /// The request body is larger than the endpoint takes.
    #[error("{0}")]
    TooLarge(String),
    /// The request body is not in a format the endpoint reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("This request came from another site and was refused.")]
    CrossSite,
    /// A part of Rapport is briefly out of reach (database busy, a queue stopping); retry.
    #[error("{0}")]
    Unavailable(String),
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request never reached our code (network, decoding).
    #[error("Could not reach Rapport: {0}")]
    Transport(String),
}

/// What [`AppError::sign_in`] says.
const SIGN_IN: &str = "Please sign in to continue.";

/// An error as a browser or an API client receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The kind, stable: `unauthorized`, `forbidden`, `bad_credentials`, `invalid`, `not_found`,
    /// `conflict`, `rate_limited`, `too_large`, `unsupported_media_type`, `cross_site`,
    /// `unavailable`, `internal` or `transport`.
    pub error: String,
    pub message: String,
    /// Field → what is wrong with it, for `invalid`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl From<AppError> for ErrorBody {
    fn from(error: AppError) -> Self {
        let fields = match &error {
            AppError::Invalid { fields, .. } => fields.clone(),
            _ => BTreeMap::new(),
        };
        ErrorBody { error: error.kind().to_string(), message: error.to_string(), fields }
    }
}

impl TryFrom<ErrorBody> for AppError {
    type Error = String;

    fn try_from(body: ErrorBody) -> Result<Self, String> {
        let ErrorBody { error, message, fields } = body;
        Ok(match error.as_str() {
            "unauthorized" => AppError::Unauthorized(message),
            "forbidden" => AppError::Forbidden(message),
            "bad_credentials" => AppError::BadCredentials,
            "invalid" => AppError::Invalid { fields, message },
            "not_found" => AppError::NotFound(message),
            "conflict" => AppError::Conflict(message),
            "rate_limited" => AppError::RateLimited(message),
            "too_large" => AppError::TooLarge(message),
            "unsupported_media_type" => AppError::UnsupportedMediaType(message),
            "cross_site" => AppError::CrossSite,
            "unavailable" => AppError::Unavailable(message),
            "internal" => AppError::Internal,
            "transport" => AppError::Transport(message.strip_prefix(TRANSPORT_PREFIX).unwrap_or(&message).to_string()),
            other => return Err(format!("unknown error code `{other}`")),
        })
    }
}

const TRANSPORT_PREFIX: &str = "Could not reach Rapport: ";

impl AppError {
    /// The stable code of the error's kind, as [`ErrorBody::error`] carries it.
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::BadCredentials => "bad_credentials",
            AppError::Invalid { .. } => "invalid",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited(_) => "rate_limited",
            AppError::TooLarge(_) => "too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::CrossSite => "cross_site",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
        }
    }

    /// Something changed meanwhile such that the request no longer applies (the conversation
    /// was erased while its message was stored).
    pub fn gone_meanwhile(what: &str) -> Self {
        AppError::Conflict(format!("{what} was deleted meanwhile (the customer's data was erased)."))
    }

    /// The caller is not signed in.
    pub fn sign_in() -> Self {
        AppError::Unauthorized(SIGN_IN.into())
    }

    /// One bad field, `message` a whole sentence for people.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Invalid { fields: BTreeMap::from([(field.to_string(), message.clone())]), message }
    }

    /// One bad field, its problem worded to follow the field's name (`body` → "must not be
    /// empty"), as the API reports it.
    pub fn field_problem(field: &str, problem: impl Into<String>) -> Self {
        AppError::invalid_fields(BTreeMap::from([(field.to_string(), problem.into())]))
    }

    /// Several bad fields at once, each problem worded to follow its field's name
    /// (`body` → "must not be empty"), as the API reports them.
    pub fn invalid_fields(fields: BTreeMap<String, String>) -> Self {
        let summary = fields.iter().map(|(field, problem)| format!("{field} {problem}")).collect::<Vec<_>>().join("; ");
        AppError::Invalid { message: format!("The request has invalid fields: {summary}."), fields }
    }

    /// The first bad field's name, for bad input.
    pub fn invalid_field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { fields, .. } => fields.keys().next().map(String::as_str),
            _ => None,
        }
    }

    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::Unauthorized(_) | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport(_) => StatusCode::BAD_GATEWAY,
        }
    }

    /// A short code for the error, for the address a form without JavaScript is sent back to
    /// (`?error=`): the kind, and for bad input the field (`invalid.email`). Pages show
    /// [`message_for_code`] for it, never text from the address.
    pub fn code(&self) -> String {
        match self {
            AppError::Invalid { .. } => match self.invalid_field() {
                Some(field) => format!("invalid.{field}"),
                None => self.kind().to_string(),
            },
            other => other.kind().to_string(),
        }
    }
}

/// Our own words for an error code from a page's address (see [`AppError::code`]). Anyone
/// can write a link with `?error=…`, so an unknown code gets a general message: no text from
/// the address reaches the page.
pub fn message_for_code(code: &str) -> String {
    use crate::domain::accounts::{NAME_MAX_CHARS, PASSWORD_MIN_CHARS};
    use crate::domain::community::FLAG_REASON_MAX_CHARS;
    match code {
        "unauthorized" => SIGN_IN.into(),
        "bad_credentials" => AppError::BadCredentials.to_string(),
        "cross_site" => AppError::CrossSite.to_string(),
        "internal" | "transport" => AppError::Internal.to_string(),
        "forbidden" => "Your account cannot do that here.".into(),
        "not_found" => "That does not exist (any more). Reload the page to see what is there now.".into(),
        "conflict" => "That cannot be done as things stand; it may have changed meanwhile. Reload the page and try again.".into(),
        "rate_limited" => "Too many attempts in a short time. Please wait a minute and try again.".into(),
        "too_large" => "That is more than can be sent at once. Please send less and try again.".into(),
        "unavailable" => "That cannot be done just now. Please try again in a moment.".into(),
        "invalid.email" => "Enter an email address like name@example.com.".into(),
        "invalid.password" => format!(
            "Choose a password of at least {PASSWORD_MIN_CHARS} characters that is not easy to guess: a few unrelated words make a strong one."
        ),
        "invalid.display_name" => format!("Enter your name, at most {NAME_MAX_CHARS} characters."),
        "invalid.title" => "Check the title: it is empty, too short or too long.".into(),
        "invalid.body" => "Write the text before sending, and keep it within the length allowed.".into(),
        "invalid.reason" => format!("Say why in 3 to {FLAG_REASON_MAX_CHARS} characters."),
        "invalid.category" => "Choose one of the forum's categories.".into(),
        "invalid.name" => "Check the name: it is empty, too long or taken already.".into(),
        "invalid.confirm" => "To confirm, type your email address exactly.".into(),
        "invalid.quote" | "invalid.quotes" => {
            "Quotes are the customer's words, unchanged: choose the whole message or one of its sentences.".into()
        }
        "invalid.url" => "Give the full address of your endpoint, starting with https:// (at most 500 characters). Addresses of this machine or a private network are refused.".into(),
        "invalid.events" => "Choose at least one event to send.".into(),
        code if code.starts_with("invalid.") => "Please check what you entered and try again.".into(),
        _ => "That did not work. Please check the form and try again.".into(),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }

    /// Encodes the error for the response, and gives the response the status of its kind
    /// (server_fn 0.8 answers every error with 500 otherwise).
    fn ser(&self) -> Bytes {
        #[cfg(feature = "ssr")]
        crate::auth::respond::status_for_failed_call(self);
        <JsonEncoding as Encodes<Self>>::encode(self)
            .unwrap_or_else(|_| Bytes::from_static(br#"{"error":"internal","message":"Something went wrong on our side."}"#))
    }
}

/// The error as an HTTP response of its own (API endpoints, downloads): the status of its
/// kind and the [`ErrorBody`] as JSON.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = self.status();
        let unavailable = matches!(self, AppError::Unavailable(_));
        let mut response = (status, axum::Json(ErrorBody::from(self))).into_response();
        if unavailable {
            response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("5"));
        }
        response
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Maps a data-layer error, saying `message` when the row is not there (or not the
    /// caller's); every other failure maps as usual.
    pub fn not_found_as(message: &'static str) -> impl Fn(crate::data::DataError) -> AppError {
        move |error| match error {
            crate::data::DataError::NotFound => AppError::NotFound(message.into()),
            other => other.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::data::DataError> for AppError {
    fn from(error: crate::data::DataError) -> Self {
        match error {
            crate::data::DataError::NotFound => AppError::NotFound("That item does not exist.".into()),
            crate::data::DataError::Refused(why) => AppError::Conflict(why),
            crate::data::DataError::Conflict(what) => AppError::Conflict(format!("That conflicts with existing data ({what}).")),
            other => {
                tracing::error!(error = %other, "data layer failure");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{message_for_code, AppError, ErrorBody};

    #[test]
    fn every_error_travels_as_a_code_a_message_and_its_fields_and_comes_back_the_same() {
        let errors = [
            AppError::sign_in(),
            AppError::Unauthorized("Send an API token as `Authorization: Bearer <token>`.".into()),
            AppError::Forbidden("Staff only.".into()),
            AppError::BadCredentials,
            AppError::invalid("body", "Write a reply before sending."),
            AppError::NotFound("This story does not exist.".into()),
            AppError::Conflict("Already resolved.".into()),
            AppError::RateLimited("Too many posts.".into()),
            AppError::TooLarge("At most 128 KiB.".into()),
            AppError::UnsupportedMediaType("Send JSON.".into()),
            AppError::CrossSite,
            AppError::Unavailable("The queue is stopping.".into()),
            AppError::Internal,
            AppError::Transport("connection refused".into()),
        ];
        for error in errors {
            let json = serde_json::to_value(&error).unwrap();
            assert_eq!(json["error"], error.kind(), "{json}");
            assert_eq!(json["message"], error.to_string(), "{json}");
            assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), error);
        }
        let json = serde_json::to_value(AppError::invalid("email", "Enter an email address.")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": "invalid", "message": "Enter an email address.", "fields": {"email": "Enter an email address."}})
        );
        let several = AppError::invalid_fields(BTreeMap::from([
            ("body".to_string(), "must not be empty".to_string()),
            ("channel".to_string(), "must be one of: email, chat".to_string()),
        ]));
        assert_eq!(several.to_string(), "The request has invalid fields: body must not be empty; channel must be one of: email, chat.");
        assert_eq!(several.code(), "invalid.body");
        let json = serde_json::to_value(&several).unwrap();
        assert_eq!(json["fields"]["channel"], "must be one of: email, chat");
        assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), several);
        let unknown = ErrorBody { error: "teapot".into(), message: "?".into(), fields: Default::default() };
        assert!(AppError::try_from(unknown).is_err(), "an unknown code is not made up into an error");
    }

    #[test]
    fn codes_name_the_kind_and_field_and_map_to_our_own_words() {
        let wrong = AppError::invalid("body", "Write a reply before sending.");
        assert_eq!(wrong.code(), "invalid.body");
        assert_eq!(message_for_code(&AppError::BadCredentials.code()), AppError::BadCredentials.to_string());
        assert!(message_for_code("invalid.password").contains("at least 10 characters"));
        let general = message_for_code("no_such_code");
        assert_eq!(message_for_code("Your account was closed. Call +1 555 0100 now."), general);
        assert_eq!(message_for_code("<b>forbidden</b>"), general);
        assert_eq!(message_for_code("invalid.<script>"), message_for_code("invalid.anything"));
    }
}
