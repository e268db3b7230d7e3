//! The append-only audit log (the schema refuses updates and deletes).

use chrono::{DateTime, Utc};

use super::{on_pool, DataError, Db};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

pub struct NewAuditEntry<'a> {
    pub actor_user_id: Option<i64>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

/// Shared with modules that write an audit entry inside their own transaction.
pub(crate) const INSERT_AUDIT: &str =
    "INSERT INTO audit_log (at, actor_user_id, actor_label, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)";

pub async fn record(db: &Db, entry: NewAuditEntry<'_>) -> Result<(), DataError> {
    const SQL: &str = INSERT_AUDIT;
    let now = Utc::now();
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(now)
        .bind(entry.actor_user_id)
        .bind(entry.actor_label)
        .bind(entry.action)
        .bind(entry.subject)
        .bind(entry.detail)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AuditEntry>, DataError> {
    const SQL: &str = "SELECT id, at, actor_user_id, actor_label, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT $1";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, AuditEntry>(SQL).bind(limit).fetch_all(pool).await)?)
}
