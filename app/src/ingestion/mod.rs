//! Ingestion: every way a customer's words reach Rapport — the `/api/v1` endpoints, the forum
//! bridge, inbound email — comes through here. Requests are validated, inbound messages are
//! scored by the emotion engine, everything is written idempotently, and the side effects of
//! new messages (the conversation's risk, a recovery journey, the `risk.raised` webhook, live
//! inbox events) are recorded in the same transaction as the messages and then carried out
//! (`effects`), so that a crash at any point loses none of them.

mod customers;
pub mod effects;
mod events;
pub mod mail;
mod messages;
pub mod queue;
mod risk;
mod validation;

use std::sync::Arc;

pub use customers::{upsert_customer, CustomerUpsert, CustomerUpserted};
pub use events::{change_rating, record_csat, record_event, record_rating, CsatIn, EventIn, EventRecorded};
pub use messages::{
    excerpt, ingest_from_portal, ingest_message_batch, MessageBatchIn, MessageBatchIngested, MessageIn, MessageIngested, MAX_BATCH_MESSAGES,
};
pub use risk::refresh_risk;
pub use validation::{MAX_BODY_CHARS, MESSAGE_DIRECTIONS};

use crate::data::Db;
use crate::emotion::EngineSettings;
use crate::realtime::Hub;

/// What ingestion works with: the database, the engine's settings, and the hub that tells
/// open inboxes about changes.
#[derive(Clone)]
pub struct Ingestion {
    pub db: Db,
    pub engine: Arc<EngineSettings>,
    pub realtime: Arc<Hub>,
}

impl Ingestion {
    /// Ingestion with its own event hub, heard by this process only (tools, tests).
    pub fn local(db: Db, engine: EngineSettings) -> Ingestion {
        Ingestion { db, engine: Arc::new(engine), realtime: Arc::new(Hub::local()) }
    }
}
