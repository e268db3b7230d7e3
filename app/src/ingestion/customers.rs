//! Customers as integrations send them: upserted by their external reference.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::validation::{Problems, MAX_KEY_CHARS, MAX_NAME_CHARS, UNKNOWN_CUSTOMER};
use crate::data::{customers, Db};
use crate::error::AppError;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct CustomerUpsert {
    /// Your system's id for this customer; the key of the upsert.
    pub external_ref: String,
    pub name: String,
    pub email: Option<String>,
    pub plan: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CustomerUpserted {
    pub id: i64,
    pub external_ref: String,
    /// False when an existing customer was updated.
    pub created: bool,
}

pub async fn upsert_customer(db: &Db, request: CustomerUpsert) -> Result<CustomerUpserted, AppError> {
    let mut problems = Problems::default();
    problems.text("external_ref", &request.external_ref, MAX_KEY_CHARS);
    problems.text("name", &request.name, MAX_NAME_CHARS);
    if let Some(email) = request.email.as_deref() {
        if crate::auth::validate::Email::parse(email).is_err() {
            problems.0.insert("email".into(), "is not an email address".into());
        }
    }
    problems.optional_text("plan", request.plan.as_deref(), 100);
    problems.finish()?;
    let email = request.email.as_deref().map(|e| e.trim().to_lowercase());
    let (id, created) = customers::upsert_by_ref(
        db,
        request.external_ref.trim(),
        request.name.trim(),
        email.as_deref(),
        request.plan.as_deref().map(str::trim),
        Utc::now(),
    )
    .await?;
    Ok(CustomerUpserted { id, external_ref: request.external_ref.trim().to_string(), created })
}

/// The id of the customer with this external reference.
pub(super) async fn customer_id_of(db: &Db, customer_ref: &str) -> Result<i64, AppError> {
    customers::id_by_ref(db, customer_ref.trim()).await?.ok_or_else(|| AppError::field_problem("customer_ref", UNKNOWN_CUSTOMER))
}
