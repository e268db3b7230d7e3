//! Hands outbox messages to the mail server (SMTP, with lettre): claims due ones, sends each
//! with its outbox key as `Message-ID`, records the outcome (back-off and giving up are
//! decided in `app::workspace::outbox`). Runs inside the server when a transport is configured.
//!
//! Each mail has a plain and an HTML part (`app::channels::email::compose`), the agent's name
//! and the team's signature, `In-Reply-To` / `References` that thread it under the customer's
//! mail, and a `Reply-To` that leads the answer back to its conversation.

use std::sync::Arc;
use std::time::Duration;

use app::channels::email::compose::{bodies, threading, EarlierMail};
use app::channels::email::MailIdentity;
use app::data::outbox::{self, MailDue};
use app::data::Db;
use app::domain::outbox::{message_id, reply_key, Attempt, NO_ADDRESS};
use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;

/// How long a claimed message stays with this worker before another may try it.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
const BATCH: i64 = 64;
/// Mails handed to the mail server at once (separate SMTP connections).
const IN_FLIGHT: usize = 16;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    identity: Arc<MailIdentity>,
    /// Tells open conversation pages that a reply's delivery state changed.
    hub: Option<Arc<app::realtime::Hub>>,
}

impl Mailer {
    pub fn new(config: &MailConfig, identity: Arc<MailIdentity>) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|error| anyhow::anyhow!("RAPPORT_SMTP_URL / smtp_url cannot be used: {error}"))?
            .timeout(Some(Duration::from_secs(20)))
            .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(IN_FLIGHT as u32))
            .build();
        Ok(Mailer { transport, from: config.from.clone(), identity, hub: None })
    }

    /// Announces each attempt's outcome to the conversation's open pages.
    pub fn announcing(mut self, hub: Arc<app::realtime::Hub>) -> Mailer {
        self.hub = Some(hub);
        self
    }

    async fn send(&self, mail: &MailDue) -> Attempt {
        let Some(address) = &mail.customer_email else {
            return Attempt::Permanent(NO_ADDRESS.trim_start_matches("not sent: ").to_string());
        };
        let to = match address.parse() {
            Ok(address) => Mailbox::new(Some(mail.customer_name.clone()), address),
            Err(error) => return Attempt::Permanent(format!("the address {address} is not valid ({error})")),
        };
        let domain = self.identity.message_id_domain.as_str();
        let earlier: Vec<EarlierMail> = mail
            .thread
            .iter()
            .map(|earlier| EarlierMail {
                id: earlier.mail_id.clone().unwrap_or_else(|| {
                    message_id(&reply_key(earlier.message_id), domain).trim_matches(|c| c == '<' || c == '>').to_string()
                }),
                from_customer: earlier.from_customer,
            })
            .collect();
        let threading = threading(&earlier);
        let bodies = bodies(&mail.body, mail.agent_name.as_deref(), &self.identity.signature);
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(message_id(&mail.dedupe_key, domain)));
        if let Some(conversation) = mail.conversation_id {
            match self.identity.reply_addresses.for_conversation(conversation).parse() {
                Ok(address) => builder = builder.reply_to(Mailbox::new(self.from.name.clone(), address)),
                Err(error) => tracing::warn!(%error, conversation, "the reply address is not a valid address; sent without Reply-To"),
            }
        }
        if let Some(in_reply_to) = threading.in_reply_to {
            builder = builder.in_reply_to(in_reply_to).references(threading.references.join(" "));
        }
        let built = builder.multipart(MultiPart::alternative_plain_html(bodies.text, bodies.html));
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

/// Sends what is due at `now`; returns how many messages were attempted. Up to `IN_FLIGHT`
/// mails are handed over at once: one SMTP exchange spends most of its time waiting for the
/// other side, and each outcome is recorded as soon as it is known.
pub async fn deliver_due(db: &Db, mailer: &Mailer, now: DateTime<Utc>) -> Result<usize, app::data::DataError> {
    use futures::StreamExt;
    let due = outbox::claim_due(db, now, now + LEASE, BATCH).await?;
    let count = due.len();
    let mut attempts = futures::stream::iter(due)
        .map(|mail| async move {
            let attempt = mailer.send(&mail).await;
            (mail, attempt)
        })
        .buffer_unordered(IN_FLIGHT);
    while let Some((mail, attempt)) = attempts.next().await {
        outbox::record_attempt(db, &mail, &attempt, now).await?;
        if let (Some(hub), Some(conversation)) = (&mailer.hub, mail.conversation_id) {
            hub.publish(app::domain::workspace::InboxChange::Update, conversation);
        }
    }
    Ok(count)
}

/// Polls every two seconds until the process ends; a full batch is followed by the next one
/// at once, so a queue of thousands drains at the mail server's pace, not 20 per poll.
pub fn spawn(db: Db, mailer: Mailer) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            loop {
                match deliver_due(&db, &mailer, Utc::now()).await {
                    Ok(0) => break,
                    Ok(attempted) => {
                        tracing::info!(attempted, "outbox: mail handed to the mail server");
                        if attempted < BATCH as usize {
                            break;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "outbox mail could not be processed; retrying");
                        break;
                    }
                }
            }
        }
    });
}
