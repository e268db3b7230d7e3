//! What the database knows that bears on conversations' emotional risk, read for many
//! conversations at once (a fixed number of statements, whatever the count), and the
//! assessed risks written back in bulk.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::{on_pool, Backend, BeginWrite, DataError, Db};

/// Conversations per statement; far below both backends' bind limits.
pub(crate) const IDS_PER_STATEMENT: usize = 250;

/// What the database knows that bears on one conversation's emotional risk.
#[derive(Debug, Default, PartialEq)]
pub struct RiskFacts {
    /// Analyses (JSON) of the latest inbound messages, newest first.
    pub recent_analyses: Vec<String>,
    /// Other conversations of the customer opened since the window start.
    pub earlier_contacts: i64,
    pub cancellations: i64,
    pub waiting_since: Option<DateTime<Utc>>,
    /// The customer's latest CSAT answer within the window.
    pub last_csat: Option<f64>,
    /// The customer's latest inbound sentiments (time, extended score), newest first.
    pub customer_sentiments: Vec<(DateTime<Utc>, f64)>,
}

/// Latest inbound analyses considered per conversation.
const RECENT_ANALYSES: i64 = 5;
/// Latest inbound sentiments considered per customer.
const CUSTOMER_SENTIMENTS: i64 = 20;

/// Risk facts of every listed conversation that exists; `since` starts the window for
/// repeat contacts, cancellations and CSAT.
pub async fn risk_facts(db: &Db, conversation_ids: &[i64], since: DateTime<Utc>) -> Result<HashMap<i64, RiskFacts>, DataError> {
    let mut facts = HashMap::with_capacity(conversation_ids.len());
    for chunk in conversation_ids.chunks(IDS_PER_STATEMENT) {
        facts.extend(risk_facts_of_chunk(db, chunk, since).await?);
    }
    Ok(facts)
}

async fn risk_facts_of_chunk(db: &Db, conversation_ids: &[i64], since: DateTime<Utc>) -> Result<HashMap<i64, RiskFacts>, DataError> {
    on_pool!(db, pool => {
        let mut select = QueryBuilder::new(
            "SELECT c.id, c.customer_id, c.waiting_since, \
             (SELECT COUNT(*) FROM conversations o WHERE o.customer_id = c.customer_id AND o.id <> c.id AND o.created_at >= ",
        );
        select.push_bind(since).push(") FROM conversations c WHERE c.id IN (");
        let mut list = select.separated(", ");
        for id in conversation_ids {
            list.push_bind(*id);
        }
        select.push(")");
        let conversations: Vec<(i64, i64, Option<DateTime<Utc>>, i64)> =
            select.build_query_as().fetch_all(pool).await?;
        if conversations.is_empty() {
            return Ok(HashMap::new());
        }
        let customers: Vec<i64> = conversations.iter().map(|c| c.1).collect::<HashSet<_>>().into_iter().collect();

        let sql = latest_messages_per_key(db.backend(), "analysis", "conversation_id", conversations.len(), RECENT_ANALYSES);
        let mut select = sqlx::query_as(&sql);
        for conversation in &conversations {
            select = select.bind(conversation.0);
        }
        let analyses: Vec<(i64, String)> = select.fetch_all(pool).await?;

        let mut select = QueryBuilder::new(
            "SELECT customer_id, COUNT(*) FROM customer_events WHERE kind = 'cancellation' AND occurred_at >= ",
        );
        select.push_bind(since).push(" AND customer_id IN (");
        let mut list = select.separated(", ");
        for customer in &customers {
            list.push_bind(*customer);
        }
        select.push(") GROUP BY customer_id");
        let cancellations: HashMap<i64, i64> = select.build_query_as().fetch_all(pool).await?.into_iter().collect();

        let mut select = QueryBuilder::new(
            "SELECT customer_id, value FROM (SELECT customer_id, value, \
             ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY occurred_at DESC, id DESC) AS newest \
             FROM customer_events WHERE kind = 'csat' AND occurred_at >= ",
        );
        select.push_bind(since).push(" AND customer_id IN (");
        let mut list = select.separated(", ");
        for customer in &customers {
            list.push_bind(*customer);
        }
        select.push(")) ranked WHERE newest = 1");
        let csat: HashMap<i64, Option<f64>> = select.build_query_as().fetch_all(pool).await?.into_iter().collect();

        // A customer's inbound messages carry them as author (messages_by_customer).
        let sql = latest_messages_per_key(db.backend(), "sentiment", "author_customer_id", customers.len(), CUSTOMER_SENTIMENTS);
        let mut select = sqlx::query_as(&sql);
        for customer in &customers {
            select = select.bind(*customer);
        }
        let sentiments: Vec<(i64, f64, DateTime<Utc>)> = select.fetch_all(pool).await?;

        let mut analyses_of: HashMap<i64, Vec<String>> = HashMap::new();
        for (conversation_id, analysis) in analyses {
            analyses_of.entry(conversation_id).or_default().push(analysis);
        }
        let mut sentiments_of: HashMap<i64, Vec<(DateTime<Utc>, f64)>> = HashMap::new();
        for (customer_id, sentiment, at) in sentiments {
            sentiments_of.entry(customer_id).or_default().push((at, sentiment));
        }
        Ok(conversations
            .into_iter()
            .map(|(id, customer_id, waiting_since, earlier_contacts)| {
                (id, RiskFacts {
                    recent_analyses: analyses_of.remove(&id).unwrap_or_default(),
                    earlier_contacts,
                    cancellations: cancellations.get(&customer_id).copied().unwrap_or(0),
                    waiting_since,
                    last_csat: csat.get(&customer_id).copied().flatten(),
                    customer_sentiments: sentiments_of.get(&customer_id).cloned().unwrap_or_default(),
                })
            })
            .collect())
    })
}

/// The latest `limit` inbound messages per key (`key_column` = `$1`, `$2`, …) that have
/// `column`: key, `column` and time, newest first within each key. Each key's read walks an
/// index backwards and stops after `limit` rows, so its cost does not grow with a long
/// conversation or a long customer history (a window function over all rows would). SQLite
/// has no LATERAL join, but runs a correlated `rowid IN (… LIMIT n)` per key just as well.
fn latest_messages_per_key(backend: Backend, column: &str, key_column: &str, keys: usize, limit: i64) -> String {
    let wanted: Vec<String> = (1..=keys).map(|n| format!("(${n})")).collect();
    let wanted = wanted.join(", ");
    let latest = format!(
        "FROM messages x WHERE x.{key_column} = wanted.column1 AND x.direction = 'inbound' \
         AND x.{column} IS NOT NULL ORDER BY x.created_at DESC, x.id DESC LIMIT {limit}"
    );
    let join = match backend {
        Backend::Sqlite => format!("JOIN messages m ON m.id IN (SELECT x.id {latest})"),
        Backend::Postgres => format!("CROSS JOIN LATERAL (SELECT x.id, x.created_at, x.{column} {latest}) m"),
    };
    format!(
        "SELECT wanted.column1 AS key_id, m.{column}, m.created_at FROM (VALUES {wanted}) AS wanted {join} \
         ORDER BY key_id, m.created_at DESC, m.id DESC"
    )
}

/// A conversation's freshly assessed risk, ready to store.
pub struct RiskUpdate<'a> {
    pub conversation_id: i64,
    pub score: u8,
    pub level: &'a str,
    pub factors_json: String,
}

/// Writes assessed risks on an open write transaction `$tx` (expanded per backend inside
/// `on_pool!`), so that callers can store them together with other rows.
macro_rules! write_risks {
    ($tx:expr, $updates:expr) => {
        for chunk in $updates.chunks($crate::data::risk_facts::IDS_PER_STATEMENT) {
            let mut update = sqlx::QueryBuilder::new(
                "UPDATE conversations SET risk_score = v.column2, risk_level = v.column3, risk_factors = v.column4 FROM (",
            );
            update.push_values(chunk, |mut row, risk: &$crate::data::risk_facts::RiskUpdate<'_>| {
                row.push_bind(risk.conversation_id)
                    .push_bind(i64::from(risk.score))
                    .push_bind(risk.level)
                    .push_bind(risk.factors_json.as_str());
            });
            update.push(") AS v WHERE conversations.id = v.column1");
            update.build().execute(&mut *$tx).await?;
        }
    };
}
pub(crate) use write_risks;

/// Stores assessed risks, all in one transaction.
pub async fn store_risks(db: &Db, updates: &[RiskUpdate<'_>]) -> Result<(), DataError> {
    if updates.is_empty() {
        return Ok(());
    }
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        write_risks!(tx, updates);
        tx.commit().await?;
    });
    Ok(())
}
