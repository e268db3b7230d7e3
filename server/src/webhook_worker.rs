//! Sends queued webhook deliveries: claims due ones, POSTs them signed, records the outcome
//! (retries with back-off are decided in the data layer). Runs inside the server.

use std::time::Duration;

use app::data::webhooks::{self, Due};
use app::data::Db;
use app::webhooks::model::signature;
use chrono::{DateTime, Utc};

/// How long a claimed delivery stays with this worker before another may try it.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
const BATCH: i64 = 20;

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .user_agent("Rapport-Webhooks/1")
        .build()
        .expect("a client with a timeout builds")
}

/// Sends what is due at `now`; returns how many deliveries were attempted.
pub async fn deliver_due(
    db: &Db,
    client: &reqwest::Client,
    now: DateTime<Utc>,
) -> Result<usize, app::data::DataError> {
    let due = webhooks::claim_due(db, now, now + LEASE, BATCH).await?;
    for delivery in &due {
        let outcome = send(client, delivery, now).await;
        webhooks::record_attempt(db, delivery, outcome, Utc::now().max(now)).await?;
    }
    Ok(due.len())
}

async fn send(client: &reqwest::Client, delivery: &Due, now: DateTime<Utc>) -> Result<u16, String> {
    let timestamp = now.timestamp();
    let response = client
        .post(&delivery.url)
        .header("Content-Type", "application/json")
        .header("X-Rapport-Event", &delivery.event)
        .header("X-Rapport-Delivery", delivery.id.to_string())
        .header("X-Rapport-Timestamp", timestamp.to_string())
        .header(
            "X-Rapport-Signature",
            signature(&delivery.secret, timestamp, &delivery.payload),
        )
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|error| format!("could not reach the endpoint: {error}"))?;
    Ok(response.status().as_u16())
}

/// Polls every two seconds until the process ends.
pub fn spawn(db: Db) {
    tokio::spawn(async move {
        let client = client();
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            if let Err(error) = deliver_due(&db, &client, Utc::now()).await {
                tracing::warn!(%error, "webhook deliveries could not be processed");
            }
        }
    });
}
