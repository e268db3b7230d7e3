//! Online backups and integrity checks. SQLite copies itself consistently while the server
//! runs (`VACUUM INTO`); Postgres is backed up with its own tools (`pg_dump`, see the README),
//! because a dump in our own format would be one more thing to trust.

use std::path::Path;

use super::{DataError, Db};

/// Writes a consistent copy of a SQLite database to `to`, which must not exist yet.
pub async fn sqlite_backup(db: &Db, to: &Path) -> Result<(), DataError> {
    let Db::Sqlite(pool) = db else {
        return Err(DataError::Refused(
            "Postgres is backed up with pg_dump: pg_dump --format=custom --file=rapport.dump \"$RAPPORT_DATABASE_URL\" (restore with pg_restore --dbname=<new database> rapport.dump).".into(),
        ));
    };
    if to.exists() {
        return Err(DataError::Refused(format!("{} exists already; choose a new file (a backup never overwrites one).", to.display())));
    }
    let target = to.to_str().ok_or_else(|| DataError::Refused("The backup path must be valid UTF-8.".into()))?;
    sqlx::query("VACUUM INTO $1").bind(target).execute(pool).await?;
    Ok(())
}

/// The database's own consistency check: `None` when it passes, else what it found.
pub async fn integrity_problems(db: &Db) -> Result<Option<String>, DataError> {
    match db {
        Db::Sqlite(pool) => {
            let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(pool).await?;
            let foreign: Vec<(String, Option<i64>, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check").fetch_all(pool).await?;
            let mut problems: Vec<String> = rows.into_iter().filter(|row| row != "ok").collect();
            problems.extend(
                foreign
                    .into_iter()
                    .map(|(table, row, parent, _)| format!("{table} row {} points at a missing {parent}", row.unwrap_or_default())),
            );
            Ok((!problems.is_empty()).then(|| problems.join("; ")))
        }
        // Postgres keeps its constraints itself; amcheck needs an extension. What we can ask
        // cheaply is whether every index is valid (a crash during CREATE INDEX can leave one not).
        Db::Postgres(pool) => {
            let invalid: Vec<String> =
                sqlx::query_scalar("SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid")
                    .fetch_all(pool)
                    .await?;
            Ok((!invalid.is_empty()).then(|| format!("invalid indexes: {}", invalid.join(", "))))
        }
    }
}
