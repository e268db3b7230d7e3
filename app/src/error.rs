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
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    /// One message for a wrong email and a wrong password, so accounts cannot be probed.
    #[error("That email and password do not match an account.")]
    BadCredentials,
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("This request came from another site and was refused.")]
    CrossSite,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request never reached our code (network, decoding).
    #[error("Could not reach Rapport: {0}")]
    Transport(String),
}

/// An error as a browser or an API client receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The kind, stable: `unauthorized`, `forbidden`, `bad_credentials`, `invalid`, `not_found`,
    /// `conflict`, `rate_limited`, `cross_site`, `internal` or `transport`.
    pub error: String,
    pub message: String,
    /// Field → what is wrong with it, for `invalid`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl From<AppError> for ErrorBody {
    fn from(error: AppError) -> Self {
        let fields = match &error {
            AppError::Invalid { field, message } => BTreeMap::from([(field.clone(), message.clone())]),
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
            "unauthorized" => AppError::Unauthorized,
            "forbidden" => AppError::Forbidden(message),
            "bad_credentials" => AppError::BadCredentials,
            "invalid" => match fields.into_iter().next() {
                Some((field, problem)) => AppError::Invalid { field, message: problem },
                None => AppError::Invalid { field: String::new(), message },
            },
            "not_found" => AppError::NotFound(message),
            "conflict" => AppError::Conflict(message),
            "rate_limited" => AppError::RateLimited(message),
            "cross_site" => AppError::CrossSite,
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
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::BadCredentials => "bad_credentials",
            AppError::Invalid { .. } => "invalid",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited(_) => "rate_limited",
            AppError::CrossSite => "cross_site",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid { field: field.to_string(), message: message.into() }
    }

    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::Forbidden(_) | AppError::CrossSite => 403,
            AppError::Invalid { .. } => 422,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::RateLimited(_) => 429,
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
        }
    }

    /// A short code for the error, for the address a form without JavaScript is sent back to
    /// (`?error=`): the kind, and for bad input the field (`invalid.email`). Pages show
    /// [`message_for_code`] for it, never text from the address.
    pub fn code(&self) -> String {
        match self {
            AppError::Invalid { field, .. } => format!("invalid.{field}"),
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
        "unauthorized" => AppError::Unauthorized.to_string(),
        "bad_credentials" => AppError::BadCredentials.to_string(),
        "cross_site" => AppError::CrossSite.to_string(),
        "internal" | "transport" => AppError::Internal.to_string(),
        "forbidden" => "Your account cannot do that here.".into(),
        "not_found" => "That does not exist (any more). Reload the page to see what is there now.".into(),
        "conflict" => "That cannot be done as things stand; it may have changed meanwhile. Reload the page and try again.".into(),
        "rate_limited" => "Too many attempts in a short time. Please wait a minute and try again.".into(),
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
    use super::{message_for_code, AppError, ErrorBody};

    #[test]
    fn every_error_travels_as_a_code_a_message_and_its_fields_and_comes_back_the_same() {
        let errors = [
            AppError::Unauthorized,
            AppError::Forbidden("Staff only.".into()),
            AppError::BadCredentials,
            AppError::invalid("body", "Write a reply before sending."),
            AppError::NotFound("This story does not exist.".into()),
            AppError::Conflict("Already resolved.".into()),
            AppError::RateLimited("Too many posts.".into()),
            AppError::CrossSite,
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
