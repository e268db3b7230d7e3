//! Upkeep after a bulk load, so that the first requests are planned on the data that is there.

use super::{DataError, Db};

/// Postgres: `VACUUM (ANALYZE)`. Right after a bulk insert its statistics still describe empty
/// tables and no page is marked all-visible, so it plans sequential scans where covering
/// indexes exist (the inbox's counts took 12 ms instead of 5 on 20,000 conversations) until
/// autovacuum runs, and where autovacuum is off (as on our test machines) it never does.
/// SQLite plans by its own rules without statistics; that is what the benchmarks measure,
/// so it is left alone.
pub async fn after_bulk_load(db: &Db) -> Result<(), DataError> {
    if let Db::Postgres(pool) = db {
        // Simple protocol: VACUUM may not run inside the transaction a prepared statement opens.
        sqlx::raw_sql("VACUUM (ANALYZE)").execute(pool).await?;
    }
    Ok(())
}
