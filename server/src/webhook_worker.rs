//! Sends queued webhook deliveries: claims due ones, POSTs them signed, records the outcome
//! (retries with back-off are decided in the data layer). Runs inside the server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::data::webhooks::{self, Due};
use app::data::Db;
use app::domain::webhooks::signature;
use app::webhooks::targets::{self, TargetPolicy};
use chrono::{DateTime, Utc};

/// How long a claimed delivery stays with this worker before another may try it.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
const BATCH: i64 = 20;

/// An HTTP client for deliveries that reaches only the addresses `targets` allows.
pub struct WebhookClient {
    http: reqwest::Client,
    targets: TargetPolicy,
}

pub fn client(targets: TargetPolicy) -> WebhookClient {
    let builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .user_agent("Rapport-Webhooks/1")
        // A redirect could lead anywhere, past the checks below: a 3xx counts as an answer.
        .redirect(reqwest::redirect::Policy::none());
    let builder = match targets {
        TargetPolicy::PublicOnly => builder.dns_resolver(Arc::new(PublicAddressesOnly)),
        TargetPolicy::AnyAddress => builder,
    };
    WebhookClient { http: builder.build().expect("a client with a timeout builds"), targets }
}

/// Resolves a name to its public addresses only, so the connection goes to an address that
/// was checked (a second lookup by the client could get another answer).
struct PublicAddressesOnly;

impl reqwest::dns::Resolve for PublicAddressesOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_string();
        Box::pin(async move {
            let public: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.filter(|address| targets::is_public(address.ip())).collect();
            if public.is_empty() {
                return Err(targets::REFUSED.into());
            }
            let addresses: reqwest::dns::Addrs = Box::new(public.into_iter());
            Ok(addresses)
        })
    }
}

/// Sends what is due at `now`; returns how many deliveries were attempted.
pub async fn deliver_due(db: &Db, client: &WebhookClient, now: DateTime<Utc>) -> Result<usize, app::data::DataError> {
    let due = webhooks::claim_due(db, now, now + LEASE, BATCH).await?;
    for delivery in &due {
        let outcome = send(client, delivery, now).await;
        webhooks::record_attempt(db, delivery, outcome, Utc::now().max(now)).await?;
    }
    Ok(due.len())
}

async fn send(client: &WebhookClient, delivery: &Due, now: DateTime<Utc>) -> Result<u16, String> {
    // An address written in the URL is connected to without resolving: check it here.
    targets::check_address(&delivery.url, client.targets)?;
    let timestamp = now.timestamp();
    let response = client
        .http
        .post(&delivery.url)
        .header("Content-Type", "application/json")
        .header("X-Rapport-Event", &delivery.event)
        .header("X-Rapport-Delivery", delivery.id.to_string())
        .header("X-Rapport-Timestamp", timestamp.to_string())
        .header("X-Rapport-Signature", signature(&delivery.secret, timestamp, &delivery.payload))
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|error| format!("could not reach the endpoint: {}", with_causes(&error)))?;
    Ok(response.status().as_u16())
}

/// An error and what caused it (a refused address is the resolver's error, deep inside).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text = format!("{text}: {inner_text}");
        }
        cause = inner.source();
    }
    text
}

/// Polls every two seconds until the process ends; sends where `targets` allows
/// (`webhooks_allow_private_targets`).
pub fn spawn(db: Db, targets: targets::TargetPolicy) {
    tokio::spawn(async move {
        let client = client(targets);
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            if let Err(error) = deliver_due(&db, &client, Utc::now()).await {
                tracing::warn!(%error, "webhook deliveries could not be processed");
            }
        }
    });
}
