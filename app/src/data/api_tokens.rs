//! API tokens for integrations. Only a keyed hash is stored; the token is shown once.

use chrono::{DateTime, Utc};

use super::{on_pool, DataError, Db};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub name: String,
    pub token_prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn create(db: &Db, name: &str, token_hash: &str, token_prefix: &str) -> Result<i64, DataError> {
    const SQL: &str = "INSERT INTO api_tokens (name, token_hash, token_prefix, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
    let now = Utc::now();
    Ok(on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL)
        .bind(name)
        .bind(token_hash)
        .bind(token_prefix)
        .bind(now)
        .fetch_one(pool)
        .await)?)
}

/// How stale `last_used_at` may get. Recording every call would make every API request a
/// database write (on SQLite, all requests would queue for the one write lock).
const USE_RECORDED_EVERY_SECONDS: i64 = 60;

/// The live (not revoked) token with this hash; records its use at most once a minute.
pub async fn authenticate(db: &Db, token_hash: &str) -> Result<Option<ApiTokenRecord>, DataError> {
    const FIND: &str = "SELECT id, name, token_prefix, created_at, last_used_at, revoked_at FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL";
    const USED: &str = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";
    let now = Utc::now();
    let found: Option<ApiTokenRecord> =
        on_pool!(db, pool => sqlx::query_as::<_, ApiTokenRecord>(FIND).bind(token_hash).fetch_optional(pool).await)?;
    let Some(mut record) = found else {
        return Ok(None);
    };
    let stale = record.last_used_at.is_none_or(|at| (now - at).num_seconds() >= USE_RECORDED_EVERY_SECONDS);
    if stale {
        let _turn = db.write_turn().await;
        on_pool!(db, pool => sqlx::query(USED).bind(record.id).bind(now).execute(pool).await.map(|_| ()))?;
        record.last_used_at = Some(now);
    }
    Ok(Some(record))
}

pub async fn revoke(db: &Db, name: &str) -> Result<bool, DataError> {
    const SQL: &str = "UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL";
    let now = Utc::now();
    let affected = on_pool!(db, pool => sqlx::query(SQL).bind(name).bind(now).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(affected > 0)
}

pub async fn list(db: &Db) -> Result<Vec<ApiTokenRecord>, DataError> {
    const SQL: &str = "SELECT id, name, token_prefix, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, ApiTokenRecord>(SQL).fetch_all(pool).await)?)
}
