//! Sign-in sessions, stored in the database so several server instances share them.
//! Only a keyed hash of the session token is stored; the token itself lives in the cookie.

use chrono::{DateTime, Utc};

use super::{on_pool, DataError, Db};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionUser {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionSummary {
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: Option<String>,
}

pub async fn create(db: &Db, id_hash: &str, user_id: i64, expires_at: DateTime<Utc>, user_agent: Option<&str>) -> Result<(), DataError> {
    const SQL: &str = "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5)";
    let now = Utc::now();
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(id_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .bind(user_agent)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// How often a session's "last seen" is written: often enough for the idle timeout, rarely
/// enough that reading pages does not become a stream of writes.
const TOUCH_EVERY_SECS: i64 = 60;

/// The signed-in user of a live session: not past its absolute expiry and used within
/// `idle` (the idle timeout). `None` for unknown, expired and idle sessions.
pub async fn find_user(db: &Db, id_hash: &str, now: DateTime<Utc>, idle: chrono::Duration) -> Result<Option<SessionUser>, DataError> {
    const SQL: &str = "SELECT u.id AS user_id, u.email, u.display_name, u.role, s.expires_at, s.last_seen_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3";
    const TOUCH: &str = "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2";
    let found =
        on_pool!(db, pool => sqlx::query_as::<_, SessionUser>(SQL).bind(id_hash).bind(now).bind(now - idle).fetch_optional(pool).await)?;
    if let Some(session) = &found {
        if (now - session.last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
            let _turn = db.write_turn().await;
            on_pool!(db, pool => sqlx::query(TOUCH).bind(id_hash).bind(now).execute(pool).await.map(|_| ()))?;
        }
    }
    Ok(found)
}

pub async fn delete(db: &Db, id_hash: &str) -> Result<(), DataError> {
    on_pool!(db, pool => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// Ends every session of a user ("sign out everywhere"); returns how many were ended.
pub async fn delete_all_for_user(db: &Db, user_id: i64) -> Result<u64, DataError> {
    let result = on_pool!(db, pool => sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(result)
}

pub async fn list_for_user(db: &Db, user_id: i64, now: DateTime<Utc>) -> Result<Vec<SessionSummary>, DataError> {
    const SQL: &str = "SELECT created_at, last_seen_at, user_agent FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, SessionSummary>(SQL).bind(user_id).bind(now).fetch_all(pool).await)?)
}

pub async fn delete_expired(db: &Db, now: DateTime<Utc>) -> Result<u64, DataError> {
    let result = on_pool!(db, pool => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(result)
}
