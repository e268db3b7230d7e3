//! Journeys at scale, against a seeded database: starts N journeys at once, then times one
//! scheduler pass that sends their first steps and judges their healing, a steady pass
//! (nothing due, every open journey judged again), the KPI reads over 365 days and one
//! agent's coaching reads. Used by `.dev/bench-journeys`.
//!   journey_scale <database-url> [journeys]

use std::time::Instant;

use app::data::{Db, DbOptions};
use app::journeys::scheduler::run_due;
use app::journeys::scheduler::Delivery;
use app::journeys::scheduler::SystemClock;

fn ms(started: Instant) -> String {
    format!("{:.1} ms", started.elapsed().as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or_else(|| anyhow::anyhow!("usage: journey_scale <database-url> [journeys]"))?;
    let count: i64 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(2_000);
    let db = Db::connect(&DbOptions { url, max_connections: 4 }).await?;
    db.migrate().await?;
    let ids: Vec<i64> = app::data::on_pool!(&db, pool =>
        sqlx::query_scalar("SELECT id FROM conversations ORDER BY id LIMIT $1").bind(count).fetch_all(pool).await)?;
    let now = chrono::Utc::now();
    let started = Instant::now();
    let journeys = app::journeys::starts::start_for_conversations(&db, &ids, None, now).await?;
    println!("| start {} journeys (one transaction) | {} |", journeys.len(), ms(started));
    let started = Instant::now();
    let pass = run_due(&db, &SystemClock, Delivery::NoTransport).await?;
    println!("| first pass: {} steps to the outbox, {} ended | {} |", pass.sent, pass.ended, ms(started));
    let started = Instant::now();
    let pass = run_due(&db, &SystemClock, Delivery::NoTransport).await?;
    println!("| steady pass: every open journey judged ({} sent, {} ended) | {} |", pass.sent, pass.ended, ms(started));
    let (from, to) = (now - chrono::Duration::days(365), chrono::Utc::now() + chrono::Duration::seconds(1));
    let started = Instant::now();
    let records = app::data::journeys::records(&db, from, to).await?;
    println!("| KPI records, 365 days ({} journeys) | {} |", records.len(), ms(started));
    let started = Instant::now();
    let group = app::data::journeys::never_at_risk(&db, from, to).await?;
    println!("| KPI never-at-risk group ({} customers) | {} |", group.customers, ms(started));
    let started = Instant::now();
    let kpis = app::domain::journeys::kpis::kpis(&records, group, chrono::Utc::now());
    println!("| KPI arithmetic ({} breakdown rows) | {} |", kpis.breakdowns.len(), ms(started));
    let agent: Option<i64> = app::data::on_pool!(&db, pool =>
        sqlx::query_scalar("SELECT author_user_id FROM messages WHERE author_user_id IS NOT NULL GROUP BY author_user_id ORDER BY COUNT(*) DESC LIMIT 1").fetch_optional(pool).await)?.flatten();
    if let Some(agent) = agent {
        let started = Instant::now();
        let replies = app::data::coaching::replies(&db, agent, now - chrono::Duration::days(90), to).await?;
        println!("| coaching reads, 90 days ({} replies of the busiest agent) | {} |", replies.len(), ms(started));
    }
    Ok(())
}
