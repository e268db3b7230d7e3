//! Journey templates and their steps. Invariants: one default template at most (a unique
//! index), names unique, and a template's steps replaced as a whole (one transaction).

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::journeys::templates::TemplateView;
use crate::domain::journeys::{default_template, TemplateStep};

/// The built-in template's name, shown while no stored template is the default.
pub const BUILT_IN_NAME: &str = "Built-in: apology, update, check-in";

async fn steps_of(db: &Db, template_id: i64) -> Result<Vec<TemplateStep>, DataError> {
    const SQL: &str = "SELECT CAST(delay_hours AS BIGINT), channel, body_template FROM journey_template_steps \
         WHERE template_id = $1 ORDER BY position";
    let rows: Vec<(i64, String, String)> = on_pool!(db, pool => sqlx::query_as(SQL).bind(template_id).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(hours, channel, body_template)| step(hours, channel, body_template)).collect())
}

fn step(hours: i64, channel: String, body_template: String) -> TemplateStep {
    TemplateStep { delay_hours: hours.max(0) as u32, channel, body_template }
}

fn built_in() -> TemplateView {
    TemplateView { id: None, name: BUILT_IN_NAME.to_string(), is_default: true, steps: default_template() }
}

/// Every stored template (the default first, then by name); the built-in one leads the list
/// while no stored template is the default.
pub async fn list(db: &Db) -> Result<Vec<TemplateView>, DataError> {
    const SQL: &str = "SELECT id, name, is_default FROM journey_templates ORDER BY is_default DESC, name";
    const STEPS: &str = "SELECT template_id, CAST(delay_hours AS BIGINT), channel, body_template FROM journey_template_steps \
         ORDER BY template_id, position";
    let rows: Vec<(i64, String, bool)> = on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    // One read for every template's steps: the conversation page lists them all.
    let step_rows: Vec<(i64, i64, String, String)> = on_pool!(db, pool => sqlx::query_as(STEPS).fetch_all(pool).await)?;
    let mut steps_by_template: std::collections::HashMap<i64, Vec<TemplateStep>> = std::collections::HashMap::new();
    for (template_id, hours, channel, body_template) in step_rows {
        steps_by_template.entry(template_id).or_default().push(step(hours, channel, body_template));
    }
    let mut templates = Vec::with_capacity(rows.len() + 1);
    if !rows.iter().any(|(_, _, is_default)| *is_default) {
        templates.push(built_in());
    }
    for (id, name, is_default) in rows {
        let steps = steps_by_template.remove(&id).unwrap_or_default();
        templates.push(TemplateView { id: Some(id), name, is_default, steps });
    }
    Ok(templates)
}

/// The template a journey starts with: the one asked for, else the default (stored, or the
/// built-in one). Returns (stored id, steps).
pub async fn for_start(db: &Db, template_id: Option<i64>) -> Result<(Option<i64>, Vec<TemplateStep>), DataError> {
    const DEFAULT: &str = "SELECT id FROM journey_templates WHERE is_default ORDER BY id LIMIT 1";
    const EXISTS: &str = "SELECT id FROM journey_templates WHERE id = $1";
    let id: Option<i64> = match template_id {
        Some(id) => Some(on_pool!(db, pool => sqlx::query_scalar(EXISTS).bind(id).fetch_optional(pool).await)?.ok_or(DataError::NotFound)?),
        None => on_pool!(db, pool => sqlx::query_scalar(DEFAULT).fetch_optional(pool).await)?,
    };
    match id {
        Some(id) => Ok((Some(id), steps_of(db, id).await?)),
        None => Ok((None, default_template())),
    }
}

/// Saves a template (a new one when `id` is `None`) with its steps, replacing the old steps;
/// making it the default takes that from any other. Steps must be checked by the caller
/// (`journeys::templates::steps_from_form`). Returns its id.
pub async fn save(
    db: &Db,
    id: Option<i64>,
    name: &str,
    steps: &[TemplateStep],
    make_default: bool,
    now: DateTime<Utc>,
) -> Result<i64, DataError> {
    const INSERT: &str = "INSERT INTO journey_templates (name, created_at, updated_at, is_default) VALUES ($1, $2, $2, $3) RETURNING id";
    const UPDATE: &str = "UPDATE journey_templates SET name = $2, updated_at = $3, is_default = $4 WHERE id = $1";
    const CLEAR_DEFAULT: &str = "UPDATE journey_templates SET is_default = $1 WHERE is_default";
    const KEEP_DEFAULT: &str = "SELECT is_default FROM journey_templates WHERE id = $1";
    const DELETE_STEPS: &str = "DELETE FROM journey_template_steps WHERE template_id = $1";
    let _turn = db.write_turn().await;
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // A default stays the default unless another one is chosen.
        let was_default: bool = match id {
            Some(id) => sqlx::query_scalar(KEEP_DEFAULT).bind(id).fetch_optional(&mut *tx).await?.ok_or(DataError::NotFound)?,
            None => false,
        };
        let is_default = make_default || was_default;
        if make_default {
            sqlx::query(CLEAR_DEFAULT).bind(false).execute(&mut *tx).await?;
        }
        let id = match id {
            Some(id) => {
                sqlx::query(UPDATE).bind(id).bind(name).bind(now).bind(is_default).execute(&mut *tx).await?;
                id
            }
            None => sqlx::query_scalar(INSERT).bind(name).bind(now).bind(is_default).fetch_one(&mut *tx).await?,
        };
        sqlx::query(DELETE_STEPS).bind(id).execute(&mut *tx).await?;
        let mut insert = QueryBuilder::new("INSERT INTO journey_template_steps (template_id, position, delay_hours, channel, body_template) ");
        insert.push_values(steps.iter().enumerate(), |mut row, (index, step)| {
            row.push_bind(id)
                .push_bind(index as i64 + 1)
                .push_bind(i64::from(step.delay_hours))
                .push_bind(step.channel.as_str())
                .push_bind(step.body_template.as_str());
        });
        insert.build().execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    })
}

/// Deletes a template; journeys started from it keep their steps. Deleting the default
/// brings back the built-in template.
pub async fn delete(db: &Db, id: i64) -> Result<(), DataError> {
    const SQL: &str = "DELETE FROM journey_templates WHERE id = $1";
    let done = on_pool!(db, pool => sqlx::query(SQL).bind(id).execute(pool).await.map(|done| done.rows_affected()))?;
    if done == 0 {
        return Err(DataError::NotFound);
    }
    Ok(())
}
