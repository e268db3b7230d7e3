//! The one error type every server function returns: typed, serializable and
//! written for the person who reads it.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
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

impl AppError {
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
            AppError::Unauthorized => "unauthorized".into(),
            AppError::Forbidden(_) => "forbidden".into(),
            AppError::BadCredentials => "bad_credentials".into(),
            AppError::Invalid { field, .. } => format!("invalid.{field}"),
            AppError::NotFound(_) => "not_found".into(),
            AppError::Conflict(_) => "conflict".into(),
            AppError::RateLimited(_) => "rate_limited".into(),
            AppError::CrossSite => "cross_site".into(),
            AppError::Internal => "internal".into(),
            AppError::Transport(_) => "transport".into(),
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
    use super::{message_for_code, AppError};

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
