//! Command-line account tasks: staff users and API tokens.

use anyhow::{bail, Result};
use app::auth::validate::{DisplayName, Email, NewPassword};
use app::data::{api_tokens, audit, users, DataError, Db};
use app::domain::accounts::Role;

/// Creates a staff (or customer) account. Returns the password that was set.
pub async fn create_user(db: &Db, role: Role, email: &str, name: Option<&str>, password: Option<String>) -> Result<String> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let default_name = email.as_str().split('@').next().unwrap_or("staff").to_string();
    let name = DisplayName::parse(name.unwrap_or(&default_name)).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let password = match password {
        Some(password) => password,
        None => app::auth::session::new_token()[..24].to_string(),
    };
    let checked = NewPassword::parse_for(&password, &[email.as_str(), name.as_str()]).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let hash = app::auth::password::hash(checked.expose().to_string()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let new_user = users::NewUser { email: email.as_str(), display_name: name.as_str(), password_hash: &hash, role };
    match users::create(db, new_user, "cli").await {
        Ok(_) => Ok(password),
        Err(DataError::Conflict(_)) => bail!("an account with the email {} already exists", email.as_str()),
        Err(other) => Err(other.into()),
    }
}

/// Creates an API token and returns it; only its hash is stored, so this is the one time it is seen.
pub async fn create_token(db: &Db, secret: &[u8], name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 80 {
        bail!("--name must be 1 to 80 characters");
    }
    let token = format!("rpt_{}", app::auth::session::new_token());
    let hash = app::domain::signing::token_hash(secret, &token);
    match api_tokens::create(db, name, &hash, &token[..12]).await {
        Ok(id) => {
            let entry = audit::NewAuditEntry {
                actor_user_id: None,
                actor_label: "cli",
                action: "api_token.created",
                subject: &format!("api_token:{id}"),
                detail: name,
            };
            audit::record(db, entry).await?;
            Ok(token)
        }
        Err(DataError::Conflict(_)) => bail!("an API token named `{name}` already exists"),
        Err(other) => Err(other.into()),
    }
}

pub async fn revoke_token(db: &Db, name: &str) -> Result<()> {
    if !api_tokens::revoke(db, name).await? {
        bail!("no active API token named `{name}`");
    }
    let entry =
        audit::NewAuditEntry { actor_user_id: None, actor_label: "cli", action: "api_token.revoked", subject: "api_token", detail: name };
    audit::record(db, entry).await?;
    Ok(())
}
