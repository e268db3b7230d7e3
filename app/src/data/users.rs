//! Accounts: customers who signed up and staff created by an admin.

use chrono::{DateTime, Utc};

use super::{on_pool, BeginWrite, DataError, Db};
use crate::domain::accounts::Role;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl UserRecord {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Customer)
    }
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

const INSERT_USER: &str = "INSERT INTO users (email, display_name, password_hash, role, created_at) \
     VALUES ($1, $2, $3, $4, $5) RETURNING id";
const INSERT_LINKED_CUSTOMER: &str = "INSERT INTO customers (user_id, name, email, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $4)";
use super::audit::INSERT_AUDIT;

/// Creates a user; a customer account also gets its customer record, in one transaction.
/// Fails with [`DataError::Conflict`] when the email is taken.
pub async fn create(db: &Db, user: NewUser<'_>, actor_label: &str) -> Result<i64, DataError> {
    let now = Utc::now();
    let id = on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(INSERT_USER)
            .bind(user.email)
            .bind(user.display_name)
            .bind(user.password_hash)
            .bind(user.role.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        if user.role == Role::Customer {
            sqlx::query(INSERT_LINKED_CUSTOMER)
                .bind(id)
                .bind(user.display_name)
                .bind(user.email)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(INSERT_AUDIT)
            .bind(now)
            .bind(Option::<i64>::None)
            .bind(actor_label)
            .bind("user.created")
            .bind(format!("user:{id}"))
            .bind(format!("role={}", user.role.as_str()))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        id
    });
    Ok(id)
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<UserRecord>, DataError> {
    const SQL: &str = "SELECT id, email, display_name, password_hash, role, created_at FROM users WHERE email = $1";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, UserRecord>(SQL).bind(email).fetch_optional(pool).await)?)
}

pub async fn find_by_id(db: &Db, id: i64) -> Result<Option<UserRecord>, DataError> {
    const SQL: &str = "SELECT id, email, display_name, password_hash, role, created_at FROM users WHERE id = $1";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, UserRecord>(SQL).bind(id).fetch_optional(pool).await)?)
}

pub async fn count_by_role(db: &Db, role: Role) -> Result<i64, DataError> {
    const SQL: &str = "SELECT COUNT(*) FROM users WHERE role = $1";
    Ok(on_pool!(db, pool => sqlx::query_scalar::<_, i64>(SQL).bind(role.as_str()).fetch_one(pool).await)?)
}

/// Staff who can take conversations (agents and admins), by name.
pub async fn assignable(db: &Db) -> Result<Vec<crate::domain::workspace::Assignee>, DataError> {
    const SQL: &str = "SELECT id, display_name FROM users WHERE role IN ('agent', 'admin') ORDER BY display_name, id";
    Ok(on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?)
}
