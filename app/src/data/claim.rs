//! Claiming due rows of a work queue (the outbox, webhook deliveries, journey steps, ingestion
//! effects), for
//! both backends from one description, so that several server instances never take the same
//! row at once: Postgres skips rows another transaction has locked (`FOR UPDATE … SKIP
//! LOCKED`); on SQLite the writers take turns anyway.
//!
//! The polls run every few seconds: each first reads whether anything is due at all, so that
//! an idle poll never waits for (or holds) SQLite's write lock.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;

use super::{on_pool, DataError, Db};

/// Which rows of a queue are due, and which go first. Every part is a fixed SQL fragment
/// from code, never a value: the current time is bound as `$1` (used in `condition`), the
/// number of rows taken as `$2`.
pub(crate) struct Queue<'a> {
    /// The queue's table; only its rows are locked.
    pub table: &'static str,
    /// The table's alias in `joins`, `condition` and `order`.
    pub alias: &'static str,
    /// Tables joined for `condition` (`""` for none).
    pub joins: &'static str,
    /// When a row is due; `$1` is the current time.
    pub condition: &'a str,
    /// Which due rows are taken first.
    pub order: &'static str,
}

impl Queue<'_> {
    /// Whether any row is due at `now` (a read only).
    pub(crate) async fn any(&self, db: &Db, now: DateTime<Utc>) -> Result<bool, DataError> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM {}{} WHERE {} LIMIT 1) AS due",
            self.table,
            self.aliased_with_joins(),
            self.condition
        );
        let due: i64 = on_pool!(db, pool => sqlx::query_scalar(&sql).bind(now).fetch_one(pool).await)?;
        Ok(due > 0)
    }

    /// `SELECT columns` of the first `$2` rows due at `$1`. On Postgres it locks them (run it
    /// in a transaction, or as part of a write), skipping rows another transaction holds.
    pub(crate) fn select(&self, db: &Db, columns: &str) -> String {
        let lock = match db {
            Db::Sqlite(_) => String::new(),
            Db::Postgres(_) => format!(" FOR UPDATE OF {} SKIP LOCKED", self.alias),
        };
        format!(
            "SELECT {columns} FROM {}{} WHERE {} ORDER BY {} LIMIT $2{lock}",
            self.table,
            self.aliased_with_joins(),
            self.condition,
            self.order
        )
    }

    /// Leases up to `limit` rows due at `now` until `until` (written to `lease_column`, which
    /// `condition` must compare with `$1`, so that they are not due again meanwhile) and
    /// returns the `returning` columns of the rows leased, in no particular order. When
    /// nothing is due it only reads; the write waits for this process's turn (SQLite).
    pub(crate) async fn lease<R>(
        &self,
        db: &Db,
        lease_column: &'static str,
        returning: &'static str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<R>, DataError>
    where
        R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        if !self.any(db, now).await? {
            return Ok(Vec::new());
        }
        let sql = format!(
            "UPDATE {} SET {lease_column} = $3 WHERE id IN ({}) RETURNING {returning}",
            self.table,
            self.select(db, &format!("{}.id", self.alias))
        );
        let _turn = db.write_turn().await;
        Ok(on_pool!(db, pool => sqlx::query_as(&sql).bind(now).bind(limit).bind(until).fetch_all(pool).await)?)
    }

    /// The alias and joins after the table's name.
    fn aliased_with_joins(&self) -> String {
        if self.joins.is_empty() {
            format!(" {}", self.alias)
        } else {
            format!(" {} {}", self.alias, self.joins)
        }
    }
}
