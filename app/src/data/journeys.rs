//! Recovery journeys, their dated steps, and the outbox that due steps are moved to.
//! Invariants live here: one active (or paused) journey per customer and issue (a unique
//! index), and each step reaches the outbox exactly once (the step is marked sent in the
//! same transaction that writes its outbox row, whose key is unique).

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::claim::Queue;
use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::journeys::healing::{Ending, HealingFacts};
use crate::domain::journeys::kpis::{ComparisonGroup, JourneyRecord};
use crate::domain::journeys::model::{JourneyStepView, JourneyView};
use crate::domain::journeys::{render, Personalization, PlannedStep};
use crate::domain::outbox::journey_subject;

/// Steps moved to the outbox per transaction.
const STEPS_PER_BATCH: i64 = 100;

pub struct NewJourney<'a> {
    pub customer_id: i64,
    pub conversation_id: Option<i64>,
    pub template_id: Option<i64>,
    /// What went wrong, as a stable key (e.g. "conversation:42"): one active journey each.
    pub issue_key: &'a str,
    /// The values the steps' placeholders are filled with when they are sent.
    pub personalization: &'a Personalization,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("this customer already has an active journey for this issue")]
    AlreadyActive,
    #[error(transparent)]
    Data(#[from] DataError),
}

/// Starts a journey with its planned steps (all or nothing); refused when the customer
/// already has one running for the issue.
pub async fn start(db: &Db, journey: &NewJourney<'_>, steps: &[PlannedStep]) -> Result<i64, StartError> {
    let started = start_many(db, std::slice::from_ref(journey), steps).await?;
    started.first().map(|(id, _)| *id).ok_or(StartError::AlreadyActive)
}

/// Moves every step due at `now` of an active journey to the outbox, in batches; returns how
/// many were moved. Several workers may run at once: on Postgres each skips the steps another
/// has locked; on SQLite writers take turns. `undeliverable` marks the new outbox rows as not
/// sent, with that reason (no mail transport is configured); `footer` is added under every
/// text (a consented gratitude quote) unless the customer has a conversation at high risk.
pub async fn queue_due_steps(db: &Db, now: DateTime<Utc>, undeliverable: Option<&str>, footer: Option<&str>) -> Result<usize, DataError> {
    let mut moved = 0;
    loop {
        let (examined, sent) = queue_due_batch(db, now, undeliverable, footer).await?;
        moved += sent;
        if (examined as i64) < STEPS_PER_BATCH {
            return Ok(moved);
        }
    }
}

/// One batch of due steps: (steps examined, steps sent); the others were held.
async fn queue_due_batch(
    db: &Db,
    now: DateTime<Utc>,
    undeliverable: Option<&str>,
    footer: Option<&str>,
) -> Result<(usize, usize), DataError> {
    let queue = Queue {
        table: "journey_steps",
        alias: "s",
        joins: "JOIN journeys j ON j.id = s.journey_id",
        condition: "s.status = 'scheduled' AND s.due_at <= $1 AND j.state = 'active'",
        order: "s.due_at, s.id",
    };
    // The last column: the customer has a conversation open at high risk (no quote footer then).
    let columns = format!(
        "s.id, s.position, j.id, j.customer_id, s.channel, s.body, j.personalization, \
         CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT)",
        super::outbox::at_high_risk("j.customer_id")
    );
    const HOLD: &str = "UPDATE journey_steps SET status = 'paused', held_reason = $2 WHERE id = $1";
    // Polled every few seconds: only a read when nothing is due, so the poll never waits for
    // (or holds) SQLite's write lock.
    if !queue.any(db, now).await? {
        return Ok((0, 0));
    }
    let (delivery, note) = match undeliverable {
        Some(reason) => ("not_sent", Some(reason)),
        None => ("pending", None),
    };
    let _turn = db.write_turn().await;
    // The steps stay locked (Postgres) until this transaction ends: each is sent or held once.
    let due_sql = queue.select(db, &columns);
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // (step, position, journey, customer, channel, body, personalization, at high risk)
        type DueStep = (i64, i64, i64, i64, String, String, String, i64);
        let due: Vec<DueStep> =
            sqlx::query_as(&due_sql).bind(now).bind(STEPS_PER_BATCH).fetch_all(&mut *tx).await?;
        let mut ready = Vec::with_capacity(due.len());
        for (step_id, position, journey_id, customer_id, channel, body, values, at_high_risk) in &due {
            let values: Personalization = serde_json::from_str(values).unwrap_or_default();
            match render(*position as usize, body, &values) {
                Ok(text) => {
                    // A quote from the community is marketing: not while the customer is upset.
                    let text = match footer.filter(|_| *at_high_risk == 0) {
                        Some(footer) => format!("{text}\n\n{footer}"),
                        None => text,
                    };
                    ready.push((*step_id, *journey_id, *customer_id, channel.as_str(), text, journey_subject(&values.issue_summary)))
                }
                // Held for an agent to give the missing value (or edit the text).
                Err(problem) => {
                    sqlx::query(HOLD).bind(step_id).bind(problem.to_string()).execute(&mut *tx).await?;
                }
            }
        }
        if ready.is_empty() {
            tx.commit().await?;
            return Ok((due.len(), 0));
        }
        let mut insert = QueryBuilder::new(
            "INSERT INTO outbox_messages (dedupe_key, customer_id, journey_id, channel, body, subject, created_at, delivery, delivery_note, next_attempt_at) ",
        );
        insert.push_values(&ready, |mut row, (step_id, journey_id, customer_id, channel, text, subject)| {
            row.push_bind(format!("journey-step:{step_id}"))
                .push_bind(*customer_id)
                .push_bind(*journey_id)
                .push_bind(*channel)
                .push_bind(text.as_str())
                .push_bind(subject.as_str())
                .push_bind(now)
                .push_bind(delivery)
                .push_bind(note)
                .push_bind(now);
        });
        insert.push(" ON CONFLICT (dedupe_key) DO NOTHING");
        insert.build().execute(&mut *tx).await?;
        let mut update = QueryBuilder::new("UPDATE journey_steps SET status = 'sent', sent_at = ");
        update.push_bind(now).push(" WHERE status = 'scheduled' AND id IN (");
        let mut list = update.separated(", ");
        for (step_id, ..) in &ready {
            list.push_bind(*step_id);
        }
        update.push(")");
        let moved = update.build().execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok((due.len(), moved as usize))
    })
}

/// Gives what changed (or who looks after it) to a journey; steps that were held for a
/// missing value are scheduled again (a due one goes on the next pass).
pub async fn personalize(db: &Db, journey_id: i64, values: &Personalization) -> Result<(), DataError> {
    const SET: &str = "UPDATE journeys SET personalization = $2 WHERE id = $1 AND state IN ('active', 'paused')";
    const RELEASE: &str = "UPDATE journey_steps SET status = 'scheduled', held_reason = NULL \
         WHERE journey_id = $1 AND status = 'paused' AND held_reason IS NOT NULL";
    let json = serde_json::to_string(values)?;
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if sqlx::query(SET).bind(journey_id).bind(json.as_str()).execute(&mut *tx).await?.rows_affected() == 0 {
            return Err(DataError::NotFound);
        }
        sqlx::query(RELEASE).bind(journey_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// A journey's steps in order.
pub async fn steps_of(db: &Db, journey_id: i64) -> Result<Vec<JourneyStepView>, DataError> {
    const SQL: &str = "SELECT CAST(position AS BIGINT) AS position, channel, body, due_at, status, held_reason, sent_at \
         FROM journey_steps WHERE journey_id = $1 ORDER BY position";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(journey_id).fetch_all(pool).await)?)
}

/// Pauses or resumes a journey; a paused journey's due steps wait until it is resumed.
pub async fn set_paused(db: &Db, journey_id: i64, paused: bool) -> Result<(), DataError> {
    const SQL: &str = "UPDATE journeys SET state = $2 WHERE id = $1 AND state IN ('active', 'paused')";
    let state = if paused { "paused" } else { "active" };
    let changed = on_pool!(db, pool => sqlx::query(SQL).bind(journey_id).bind(state).execute(pool).await.map(|done| done.rows_affected()))?;
    if changed == 0 {
        return Err(DataError::NotFound);
    }
    Ok(())
}

/// Active and paused journeys with what happened since each started, for judging whether
/// it has ended (see `journeys::healing`).
pub async fn healing_facts(db: &Db) -> Result<Vec<(i64, HealingFacts)>, DataError> {
    const OPEN: &str = "SELECT id, customer_id, started_at FROM journeys WHERE state IN ('active', 'paused') ORDER BY id";
    // Before the incident: the customer's latest messages older than a day before the start.
    const BASELINE: &str = "SELECT AVG(sentiment) FROM (SELECT sentiment FROM messages WHERE author_customer_id = $1 \
         AND direction = 'inbound' AND sentiment IS NOT NULL AND created_at < $2 ORDER BY created_at DESC LIMIT 20) AS before_incident";
    const REPLIES: &str = "SELECT created_at, sentiment FROM messages WHERE author_customer_id = $1 AND direction = 'inbound' \
         AND sentiment IS NOT NULL AND created_at >= $2 ORDER BY created_at, id";
    const EVENTS: &str = "SELECT occurred_at, kind, value FROM customer_events WHERE customer_id = $1 AND occurred_at >= $2 \
         AND kind IN ('csat', 'purchase', 'return_visit', 'cancellation') ORDER BY occurred_at, id";
    const STEPS: &str =
        "SELECT COUNT(*) FILTER (WHERE status IN ('scheduled', 'paused')), MAX(due_at) FROM journey_steps WHERE journey_id = $1";
    let open: Vec<(i64, i64, DateTime<Utc>)> = on_pool!(db, pool => sqlx::query_as(OPEN).fetch_all(pool).await)?;
    let mut all = Vec::with_capacity(open.len());
    for (journey_id, customer_id, started_at) in open {
        let (baseline, replies, events, (steps_left, last_step_due)) = on_pool!(db, pool => {
            let baseline: Option<f64> = sqlx::query_scalar(BASELINE).bind(customer_id).bind(started_at - chrono::Duration::days(1)).fetch_one(pool).await?;
            let replies: Vec<(DateTime<Utc>, f64)> = sqlx::query_as(REPLIES).bind(customer_id).bind(started_at).fetch_all(pool).await?;
            let events: Vec<(DateTime<Utc>, String, Option<f64>)> = sqlx::query_as(EVENTS).bind(customer_id).bind(started_at).fetch_all(pool).await?;
            let steps: (i64, Option<DateTime<Utc>>) = sqlx::query_as(STEPS).bind(journey_id).fetch_one(pool).await?;
            (baseline, replies, events, steps)
        });
        let mut facts = HealingFacts {
            baseline,
            replies,
            steps_left: steps_left as usize,
            last_step_due: last_step_due.unwrap_or(started_at),
            ..HealingFacts::default()
        };
        for (at, kind, value) in events {
            match kind.as_str() {
                "csat" => facts.csat.extend(value.map(|score| (at, score))),
                "cancellation" => facts.cancelled_at = facts.cancelled_at.or(Some(at)),
                _ => facts.reengagements.push((at, kind)),
            }
        }
        all.push((journey_id, facts));
    }
    Ok(all)
}

/// Ends an active or paused journey with its evidence; its unsent steps are skipped.
/// Returns false when it had already ended.
pub async fn end(db: &Db, journey_id: i64, ending: &Ending, evidence: &str, at: DateTime<Utc>) -> Result<bool, DataError> {
    const END: &str = "UPDATE journeys SET state = $2, ended_at = $3, end_evidence = $4 WHERE id = $1 AND state IN ('active', 'paused')";
    const SKIP: &str = "UPDATE journey_steps SET status = 'skipped' WHERE journey_id = $1 AND status IN ('scheduled', 'paused')";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let ended = sqlx::query(END).bind(journey_id).bind(ending.key()).bind(at).bind(evidence).execute(&mut *tx).await?.rows_affected() == 1;
        if ended {
            sqlx::query(SKIP).bind(journey_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(ended)
    })
}

/// A journey's state and, once ended, its evidence.
pub async fn state_of(db: &Db, journey_id: i64) -> Result<(String, Option<String>), DataError> {
    const SQL: &str = "SELECT state, end_evidence FROM journeys WHERE id = $1";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(journey_id).fetch_one(pool).await)?)
}

/// Who a journey about a conversation is for and from: (conversation, customer, customer's
/// name, subject, assigned agent's name).
pub async fn conversation_people(db: &Db, conversation_ids: &[i64]) -> Result<Vec<(i64, i64, String, String, Option<String>)>, DataError> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_pool!(db, pool => {
        let mut select = QueryBuilder::new(
            "SELECT c.id, c.customer_id, cu.name, c.subject, u.display_name FROM conversations c \
             JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users u ON u.id = c.assignee_id WHERE c.id IN (",
        );
        let mut list = select.separated(", ");
        for id in conversation_ids {
            list.push_bind(*id);
        }
        select.push(")");
        select.build_query_as().fetch_all(pool).await
    })?)
}

/// Starts many journeys with the same steps in one transaction; those whose customer already
/// has one running for the issue are left out. Returns (journey, issue key) of those started.
pub async fn start_many(db: &Db, new_journeys: &[NewJourney<'_>], steps: &[PlannedStep]) -> Result<Vec<(i64, String)>, DataError> {
    if new_journeys.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<String> = new_journeys
        .iter()
        .map(|journey| serde_json::to_string(journey.personalization).map_err(DataError::from))
        .collect::<Result<_, _>>()?;
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut started: Vec<(i64, String)> = Vec::new();
        for (chunk, values) in new_journeys.chunks(STEPS_PER_BATCH as usize).zip(values.chunks(STEPS_PER_BATCH as usize)) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO journeys (customer_id, conversation_id, template_id, issue_key, state, started_at, personalization) ",
            );
            insert.push_values(chunk.iter().zip(values), |mut row, (journey, values)| {
                row.push_bind(journey.customer_id)
                    .push_bind(journey.conversation_id)
                    .push_bind(journey.template_id)
                    .push_bind(journey.issue_key)
                    .push_bind("active")
                    .push_bind(journey.started_at)
                    .push_bind(values.as_str());
            });
            insert.push(
                " ON CONFLICT (customer_id, issue_key) WHERE state IN ('active', 'paused') DO NOTHING RETURNING id, issue_key",
            );
            started.extend(insert.build_query_as::<(i64, String)>().fetch_all(&mut *tx).await?);
        }
        let mut remember = QueryBuilder::new(
            "UPDATE journeys SET situation = (SELECT c.situation FROM conversations c WHERE c.id = journeys.conversation_id) WHERE id IN (",
        );
        let mut ids = remember.separated(", ");
        for (id, _) in &started {
            ids.push_bind(*id);
        }
        remember.push(")");
        if !started.is_empty() {
            remember.build().execute(&mut *tx).await?;
        }
        let rows: Vec<(i64, &PlannedStep)> = started.iter().flat_map(|(id, _)| steps.iter().map(move |step| (*id, step))).collect();
        for chunk in rows.chunks(STEPS_PER_BATCH as usize) {
            let mut insert = QueryBuilder::new("INSERT INTO journey_steps (journey_id, position, channel, body, due_at, status) ");
            insert.push_values(chunk, |mut row, (id, step)| {
                row.push_bind(*id)
                    .push_bind(step.position)
                    .push_bind(step.channel.as_str())
                    .push_bind(step.body.as_str())
                    .push_bind(step.due_at)
                    .push_bind("scheduled");
            });
            insert.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(started)
    })
}

/// The newest journey about a conversation, with its steps.
pub async fn of_conversation(db: &Db, conversation_id: i64) -> Result<Option<JourneyView>, DataError> {
    const JOURNEY: &str = "SELECT id, state, started_at, ended_at, end_evidence, personalization FROM journeys \
         WHERE conversation_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1";
    type Row = (i64, String, DateTime<Utc>, Option<DateTime<Utc>>, Option<String>, String);
    let found: Option<Row> = on_pool!(db, pool => sqlx::query_as(JOURNEY).bind(conversation_id).fetch_optional(pool).await)?;
    let Some((id, state, started_at, ended_at, end_evidence, values)) = found else {
        return Ok(None);
    };
    let steps = steps_of(db, id).await?;
    Ok(Some(JourneyView {
        id,
        state,
        started_at,
        ended_at,
        end_evidence,
        values: serde_json::from_str(&values).unwrap_or_default(),
        steps,
    }))
}

/// The conversation a journey is about (for checking that a form names the right one).
pub async fn conversation_of(db: &Db, journey_id: i64) -> Result<Option<i64>, DataError> {
    const SQL: &str = "SELECT conversation_id FROM journeys WHERE id = $1";
    let found: Option<Option<i64>> = on_pool!(db, pool => sqlx::query_scalar(SQL).bind(journey_id).fetch_optional(pool).await)?;
    Ok(found.flatten())
}

/// Journeys started in `[from, to)` with what their customers did before and since, for
/// the KPIs (one statement; the correlated reads walk the customers' indexes).
pub async fn records(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<JourneyRecord>, DataError> {
    const SQL: &str = "SELECT j.started_at, j.ended_at, j.state, \
         COALESCE(c.channel, '') AS channel, COALESCE(j.situation, c.situation, '') AS situation, COALESCE(u.display_name, '') AS agent, \
         (SELECT AVG(e.value) FROM customer_events e WHERE e.customer_id = j.customer_id AND e.kind = 'csat' AND e.occurred_at < j.started_at) AS csat_before, \
         (SELECT AVG(e.value) FROM customer_events e WHERE e.customer_id = j.customer_id AND e.kind = 'csat' AND e.occurred_at >= j.started_at) AS csat_after, \
         (SELECT AVG(m.sentiment) FROM messages m WHERE m.author_customer_id = j.customer_id AND m.direction = 'inbound' \
            AND m.sentiment IS NOT NULL AND m.created_at <= j.started_at) AS sentiment_before, \
         (SELECT AVG(m.sentiment) FROM messages m WHERE m.author_customer_id = j.customer_id AND m.direction = 'inbound' \
            AND m.sentiment IS NOT NULL AND m.created_at > j.started_at) AS sentiment_after, \
         (SELECT COUNT(*) FROM messages m WHERE m.author_customer_id = j.customer_id AND m.direction = 'inbound' \
            AND m.created_at > j.started_at) AS replies_since, \
         (SELECT COUNT(*) FROM conversations o WHERE o.customer_id = j.customer_id AND o.created_at > j.started_at \
            AND (j.ended_at IS NULL OR o.created_at <= j.ended_at) AND o.id <> COALESCE(j.conversation_id, 0)) AS repeat_contacts, \
         (j.ended_at IS NOT NULL AND EXISTS (SELECT 1 FROM customer_events e WHERE e.customer_id = j.customer_id \
            AND e.kind = 'cancellation' AND e.occurred_at > j.ended_at)) AS cancelled_after_end \
         FROM journeys j LEFT JOIN conversations c ON c.id = j.conversation_id LEFT JOIN users u ON u.id = c.assignee_id \
         WHERE j.started_at >= $1 AND j.started_at < $2 ORDER BY j.started_at";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).bind(from).bind(to).fetch_all(pool).await)?)
}

/// The recovery paradox's comparison group: customers with a conversation in `[from, to)`
/// who were never at risk (no journey, no conversation at high or critical risk), and how
/// many of them cancelled since `from`.
pub async fn never_at_risk(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<ComparisonGroup, DataError> {
    const SQL: &str = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM customer_events e WHERE e.customer_id = cu.id \
            AND e.kind = 'cancellation' AND e.occurred_at >= $1) THEN 1 ELSE 0 END), 0) \
         FROM customers cu WHERE EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = cu.id AND c.created_at >= $1 AND c.created_at < $2) \
         AND NOT EXISTS (SELECT 1 FROM journeys j WHERE j.customer_id = cu.id) \
         AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = cu.id AND c.risk_level IN ('high', 'critical'))";
    let (customers, cancelled): (i64, i64) = on_pool!(db, pool => sqlx::query_as(SQL).bind(from).bind(to).fetch_one(pool).await)?;
    Ok(ComparisonGroup { customers, cancelled })
}

/// Replaces the text of a step that has not gone out yet (its placeholders checked by the
/// caller); a step that was held for a missing value is scheduled again, since the new text
/// may not need it.
pub async fn edit_step(db: &Db, journey_id: i64, position: i64, body: &str) -> Result<(), DataError> {
    const SQL: &str = "UPDATE journey_steps SET body = $3, status = 'scheduled', held_reason = NULL \
         WHERE journey_id = $1 AND position = $2 AND status IN ('scheduled', 'paused') \
         AND journey_id IN (SELECT id FROM journeys WHERE state IN ('active', 'paused'))";
    change_unsent_step(db, SQL, journey_id, position, Some(body)).await
}

/// Skips a step that has not gone out yet; it will never be sent.
pub async fn skip_step(db: &Db, journey_id: i64, position: i64) -> Result<(), DataError> {
    const SQL: &str = "UPDATE journey_steps SET status = 'skipped', held_reason = NULL \
         WHERE journey_id = $1 AND position = $2 AND status IN ('scheduled', 'paused') \
         AND journey_id IN (SELECT id FROM journeys WHERE state IN ('active', 'paused'))";
    change_unsent_step(db, SQL, journey_id, position, None).await
}

/// Runs one of the unsent-step changes; `NotFound` when the step went out, was skipped or
/// does not exist (the step row is the lock: the scheduler's claim and this update exclude
/// each other, so a step is never both edited and sent with the old text).
async fn change_unsent_step(db: &Db, sql: &str, journey_id: i64, position: i64, body: Option<&str>) -> Result<(), DataError> {
    let _turn = db.write_turn().await;
    let changed = on_pool!(db, pool => {
        let mut query = sqlx::query(sql).bind(journey_id).bind(position);
        if let Some(body) = body {
            query = query.bind(body);
        }
        query.execute(pool).await.map(|done| done.rows_affected())
    })?;
    if changed == 0 {
        return Err(DataError::NotFound);
    }
    Ok(())
}

/// Healed journeys with the customer's mean sentiment before and after the start.
const HEALED: &str = "SELECT j.id AS journey_id, j.conversation_id, cu.name AS customer_name, COALESCE(c.subject, '') AS subject, \
     j.ended_at, COALESCE(j.end_evidence, '') AS evidence, \
     (SELECT AVG(m.sentiment) FROM messages m WHERE m.author_customer_id = j.customer_id AND m.direction = 'inbound' \
        AND m.sentiment IS NOT NULL AND m.created_at <= j.started_at) AS sentiment_before, \
     (SELECT AVG(m.sentiment) FROM messages m WHERE m.author_customer_id = j.customer_id AND m.direction = 'inbound' \
        AND m.sentiment IS NOT NULL AND m.created_at > j.started_at) AS sentiment_after \
     FROM journeys j JOIN customers cu ON cu.id = j.customer_id LEFT JOIN conversations c ON c.id = j.conversation_id \
     WHERE j.state = 'healed' AND j.ended_at IS NOT NULL";

/// The latest healed journeys with the customer's mood before and since, for story
/// candidates (`journeys::candidates` picks the strong rebounds).
pub async fn recently_healed(db: &Db, limit: i64) -> Result<Vec<crate::domain::journeys::candidates::HealedJourney>, DataError> {
    let sql = format!("{HEALED} ORDER BY j.ended_at DESC LIMIT $1");
    Ok(on_pool!(db, pool => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await)?)
}

/// The healed journeys of one conversation.
pub async fn healed_of_conversation(
    db: &Db,
    conversation_id: i64,
) -> Result<Vec<crate::domain::journeys::candidates::HealedJourney>, DataError> {
    let sql = format!("{HEALED} AND j.conversation_id = $1");
    Ok(on_pool!(db, pool => sqlx::query_as(&sql).bind(conversation_id).fetch_all(pool).await)?)
}
