use thiserror::Error;

/// Errors of the data layer, already sorted into what callers can act on.
#[derive(Debug, Error)]
pub enum DataError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or check constraint refused the change; nothing was written.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A rule of the domain refused the change (the message says which); nothing was written.
    #[error("refused: {0}")]
    Refused(String),
    /// The database's address or options cannot be used.
    #[error("configuration: {0}")]
    Config(String),
    /// Stored data did not read back as it was written a moment before (a bug or a
    /// concurrent change the statement did not expect); nothing further was written.
    #[error("inconsistent data: {0}")]
    Inconsistent(&'static str),
    /// A value could not be encoded for its column.
    #[error("encoding a value: {0}")]
    Encoding(#[from] serde_json::Error),
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for DataError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => DataError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                DataError::Conflict(db.constraint().unwrap_or("unique value").to_string())
            }
            _ => DataError::Database(error),
        }
    }
}
