//! Group commit for one-message API requests. Each request alone costs two write
//! transactions and about ten statements, so integrations that send messages one by one
//! stalled near 850 messages/s on SQLite. Requests that arrive while a batch is being
//! stored wait in a queue and are stored together as the next batch: the same validation,
//! scoring, idempotency and risk as the batch endpoint, but one request's bad message never
//! fails another's — it is answered with its own error and the rest is stored without it.

use std::collections::{BTreeMap, HashMap};
use tokio::sync::{mpsc, oneshot};

use super::messages::{ingest_many, validate_message};
use super::{Ingestion, MessageIn, MessageIngested, MAX_BATCH_MESSAGES};
use crate::error::AppError;

/// Requests waiting beyond this make callers wait to enqueue (back-pressure).
const QUEUE_CAPACITY: usize = 4_096;

type Reply = oneshot::Sender<Result<MessageIngested, AppError>>;

struct Job {
    request: MessageIn,
    /// The customer the caller already found (a mail's sender), if any.
    customer: Option<i64>,
    reply: Reply,
}

/// The sending side; the worker task stops when the last clone is dropped.
#[derive(Clone)]
pub struct IngestQueue {
    jobs: mpsc::Sender<Job>,
}

impl IngestQueue {
    /// Starts the worker on the current tokio runtime.
    pub fn start(ingestion: Ingestion) -> IngestQueue {
        let (jobs, queued) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(store_batches(ingestion, queued));
        IngestQueue { jobs }
    }

    /// Validates one message on its own, then stores it with whatever else is waiting.
    pub async fn ingest(&self, request: MessageIn) -> Result<MessageIngested, AppError> {
        self.enqueue(request, None).await
    }

    /// Like `ingest`, for a customer the caller has found itself (inbound mail: by address);
    /// `request.customer_ref` only names them within the batch.
    pub async fn ingest_for(&self, customer_id: i64, request: MessageIn) -> Result<MessageIngested, AppError> {
        self.enqueue(request, Some(customer_id)).await
    }

    async fn enqueue(&self, request: MessageIn, customer: Option<i64>) -> Result<MessageIngested, AppError> {
        validate_message(&request)?;
        let (reply, answer) = oneshot::channel();
        let stopped = || AppError::Unavailable("Rapport is shutting down; send the message again in a moment.".into());
        self.jobs.send(Job { request, customer, reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn store_batches(ingestion: Ingestion, mut queued: mpsc::Receiver<Job>) {
    while let Some(first) = queued.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH_MESSAGES {
            match queued.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        store(&ingestion, jobs).await;
    }
}

/// Stores the jobs as one batch; a message refused for its own reason (unknown customer,
/// someone else's conversation) is answered with that error and the rest is tried again.
async fn store(ingestion: &Ingestion, mut jobs: Vec<Job>) {
    while !jobs.is_empty() {
        let requests: Vec<MessageIn> = jobs.iter().map(|job| job.request.clone()).collect();
        let known: HashMap<String, i64> =
            jobs.iter().filter_map(|job| job.customer.map(|customer| (job.request.customer_ref.trim().to_string(), customer))).collect();
        match ingest_many(ingestion, requests, &known, |index| format!("{index}.")).await {
            Ok(results) => {
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(Ok(result));
                }
                return;
            }
            Err(AppError::Invalid { fields, .. }) => {
                let by_job = problems_by_job(fields);
                if by_job.is_empty() {
                    // Not attributable to one message: nothing to retry without.
                    tracing::error!("a batch was refused without naming a message");
                    for job in jobs {
                        let _ = job.reply.send(Err(AppError::Internal));
                    }
                    return;
                }
                let mut kept = Vec::with_capacity(jobs.len());
                for (index, job) in jobs.into_iter().enumerate() {
                    match by_job.get(&index) {
                        Some(problems) => {
                            let _ = job.reply.send(Err(AppError::invalid_fields(problems.clone())));
                        }
                        None => kept.push(job),
                    }
                }
                jobs = kept;
            }
            Err(_) if jobs.len() > 1 => {
                // Nothing of the group was written, and the failure may be one message's own:
                // each is tried alone, so a bad message fails alone, never its neighbours.
                for job in jobs {
                    Box::pin(store(ingestion, vec![job])).await;
                }
                return;
            }
            Err(error) => {
                for job in jobs {
                    let _ = job.reply.send(Err(error.clone()));
                }
                return;
            }
        }
    }
}

/// Splits field problems named "{index}.{field}" by message.
fn problems_by_job(fields: BTreeMap<String, String>) -> BTreeMap<usize, BTreeMap<String, String>> {
    let mut by_job: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    for (name, problem) in fields {
        if let Some((index, field)) = name.split_once('.') {
            if let Ok(index) = index.parse() {
                by_job.entry(index).or_default().insert(field.to_string(), problem);
            }
        }
    }
    by_job
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_go_back_to_the_message_that_has_them() {
        let fields = BTreeMap::from([
            ("0.customer_ref".to_string(), "unknown".to_string()),
            ("2.conversation_id".to_string(), "not theirs".to_string()),
            ("2.customer_ref".to_string(), "unknown".to_string()),
        ]);
        let by_job = problems_by_job(fields);
        assert_eq!(by_job.len(), 2);
        assert_eq!(by_job[&0]["customer_ref"], "unknown");
        assert_eq!(by_job[&2].len(), 2);
        assert!(!by_job.contains_key(&1));
    }
}
