//! Hands outbox messages to the mail server (SMTP, with lettre): claims due ones, sends each
//! with its outbox key as `Message-ID`, records the outcome (back-off and giving up are
//! decided in `app::outbox`). Runs inside the server when a transport is configured.

use std::time::Duration;

use app::data::outbox::{self, MailDue};
use app::data::Db;
use app::outbox::{message_id, Attempt, NO_ADDRESS};
use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;

/// How long a claimed message stays with this worker before another may try it.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
const BATCH: i64 = 20;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(config: &MailConfig) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|error| anyhow::anyhow!("RAPPORT_SMTP_URL / smtp_url cannot be used: {error}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Mailer { transport, from: config.from.clone() })
    }

    async fn send(&self, mail: &MailDue) -> Attempt {
        let Some(address) = &mail.customer_email else {
            return Attempt::Permanent(NO_ADDRESS.trim_start_matches("not sent: ").to_string());
        };
        let to = match address.parse() {
            Ok(address) => Mailbox::new(Some(mail.customer_name.clone()), address),
            Err(error) => return Attempt::Permanent(format!("the address {address} is not valid ({error})")),
        };
        let built = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(message_id(&mail.dedupe_key, self.from.email.domain())))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone());
        let message = match built {
            Ok(message) => message,
            Err(error) => return Attempt::Permanent(format!("the message could not be built ({error})")),
        };
        match self.transport.send(message).await {
            Ok(_) => Attempt::Accepted,
            Err(error) if error.is_permanent() => Attempt::Permanent(format!("the mail server refused it ({error})")),
            Err(error) => Attempt::Temporary(format!("the mail server could not take it ({error})")),
        }
    }
}

/// Sends what is due at `now`; returns how many messages were attempted.
pub async fn deliver_due(db: &Db, mailer: &Mailer, now: DateTime<Utc>) -> Result<usize, app::data::DataError> {
    let due = outbox::claim_due(db, now, now + LEASE, BATCH).await?;
    for mail in &due {
        let attempt = mailer.send(mail).await;
        outbox::record_attempt(db, mail, &attempt, now).await?;
    }
    Ok(due.len())
}

/// Polls every two seconds until the process ends.
pub fn spawn(db: Db, mailer: Mailer) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            match deliver_due(&db, &mailer, Utc::now()).await {
                Ok(0) => {}
                Ok(attempted) => tracing::info!(attempted, "outbox: mail handed to the mail server"),
                Err(error) => tracing::warn!(%error, "outbox mail could not be processed; retrying"),
            }
        }
    });
}
