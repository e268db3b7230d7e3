//! Outbound webhooks: admins register URLs for events; deliveries go through an outbox in the
//! database, signed with HMAC-SHA256, retried with back-off, and logged for admins.
//! The sending worker lives in the server (`server/src/webhook_worker.rs`).

pub mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod targets;

pub use pages::WebhooksPage;

#[cfg(feature = "ssr")]
use crate::domain::webhooks::WebhookEvent;

/// What a delivery of `event` sends: `{"event": …, "data": …}`.
#[cfg(feature = "ssr")]
pub fn delivery_body(event: WebhookEvent, data: serde_json::Value) -> String {
    serde_json::json!({"event": event.name(), "data": data}).to_string()
}

/// Queues an event for every subscribed webhook; never fails the caller's request.
#[cfg(feature = "ssr")]
pub async fn emit(db: &crate::data::Db, event: WebhookEvent, payload: serde_json::Value) {
    emit_all(db, event, vec![payload]).await;
}

/// Queues several events of one kind in one write.
#[cfg(feature = "ssr")]
pub async fn emit_all(db: &crate::data::Db, event: WebhookEvent, payloads: Vec<serde_json::Value>) {
    if payloads.is_empty() {
        return;
    }
    let bodies: Vec<String> = payloads.into_iter().map(|payload| delivery_body(event, payload)).collect();
    if let Err(error) = crate::data::webhooks::enqueue(db, event, &bodies, chrono::Utc::now()).await {
        tracing::error!(%error, event = event.name(), "could not queue webhook deliveries");
    }
}
