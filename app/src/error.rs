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
        AppError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
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
            crate::data::DataError::NotFound => {
                AppError::NotFound("That item does not exist.".into())
            }
            crate::data::DataError::Refused(why) => AppError::Conflict(why),
            crate::data::DataError::Conflict(what) => {
                AppError::Conflict(format!("That conflicts with existing data ({what})."))
            }
            other => {
                tracing::error!(error = %other, "data layer failure");
                AppError::Internal
            }
        }
    }
}
