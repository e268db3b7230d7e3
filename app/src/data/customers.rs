//! Customers: the people behind conversations (with or without a login).

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::{on_pool, DataError, Db};

pub struct NewCustomer {
    pub external_ref: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub plan: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Rows per multi-row INSERT; keeps bind parameters far below both backends' limits.
pub const BATCH_ROWS: usize = 500;

/// Inserts customers in batches inside one transaction and returns their ids in input order.
pub async fn insert_many(db: &Db, customers: &[NewCustomer]) -> Result<Vec<i64>, DataError> {
    let mut ids = Vec::with_capacity(customers.len());
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in customers.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO customers (external_ref, name, email, plan, created_at, updated_at) ",
            );
            builder.push_values(chunk, |mut row, c| {
                row.push_bind(c.external_ref.as_deref())
                    .push_bind(c.name.as_str())
                    .push_bind(c.email.as_deref())
                    .push_bind(c.plan.as_deref())
                    .push_bind(c.created_at)
                    .push_bind(c.created_at);
            });
            builder.push(" RETURNING id");
            let chunk_ids: Vec<i64> = builder.build_query_scalar().fetch_all(&mut *tx).await?;
            ids.extend(chunk_ids);
        }
        tx.commit().await?;
    });
    Ok(ids)
}

pub async fn count(db: &Db) -> Result<i64, DataError> {
    Ok(
        on_pool!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM customers").fetch_one(pool).await)?,
    )
}

pub struct NewEvent {
    pub customer_id: i64,
    pub conversation_id: Option<i64>,
    pub kind: &'static str,
    pub value: Option<f64>,
    pub note: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

pub async fn insert_events(db: &Db, events: &[NewEvent]) -> Result<(), DataError> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in events.chunks(BATCH_ROWS) {
            let mut builder = QueryBuilder::new(
                "INSERT INTO customer_events (customer_id, conversation_id, kind, value, note, occurred_at) ",
            );
            builder.push_values(chunk, |mut row, e| {
                row.push_bind(e.customer_id)
                    .push_bind(e.conversation_id)
                    .push_bind(e.kind)
                    .push_bind(e.value)
                    .push_bind(e.note.as_deref())
                    .push_bind(e.occurred_at);
            });
            builder.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}
