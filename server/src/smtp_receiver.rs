//! Rapport's own SMTP receiver (`RAPPORT_INBOUND_SMTP_BIND`): the mail exchanger for the reply
//! domain, or the relay target of the team's mail server. It speaks enough ESMTP for any
//! sending server (8BITMIME, SMTPUTF8, SIZE, PIPELINING, enhanced status codes; the protocol
//! is parsed by `smtp-proto`), accepts mail only for the reply domain, and answers only
//! after the mail is stored, so a crash never loses an accepted mail. Limits, each with its
//! SMTP answer: too big (552, also checked while the data arrives), too many from one sender
//! (450, the sender's server tries later), too many connections (421). Reading and threading
//! are `app::ingestion::mail`.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use app::channels::email::MailIdentity;
use app::ingestion::mail::{receive_mail, Envelope};
use app::ingestion::queue::IngestQueue;
use app::ingestion::Ingestion;
use chrono::Utc;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use smtp_proto::request::receiver::{DataReceiver, DummyDataReceiver, RequestReceiver};
use smtp_proto::{EhloResponse, Error as SmtpError, Request, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// How the receiver is limited.
#[derive(Clone, Debug)]
pub struct ReceiverLimits {
    /// Largest mail accepted, in bytes.
    pub max_bytes: usize,
    /// Mails one sender address may send per hour; more are deferred (450).
    pub per_sender_per_hour: u32,
    /// Connections at once; more are turned away (421).
    pub max_connections: usize,
    /// Recipients per mail.
    pub max_recipients: usize,
    /// A connection that sends nothing this long is closed.
    pub idle: Duration,
    /// No connection lasts longer (a slow sender cannot keep its place with a NOOP a minute).
    pub session: Duration,
}

impl Default for ReceiverLimits {
    fn default() -> Self {
        ReceiverLimits {
            max_bytes: 25 * 1024 * 1024,
            per_sender_per_hour: 120,
            max_connections: 64,
            max_recipients: 50,
            idle: Duration::from_secs(300),
            session: Duration::from_secs(900),
        }
    }
}

struct Receiver {
    ingestion: Ingestion,
    /// Mails arriving at once are ingested together (group commit), as one-message API calls.
    queue: IngestQueue,
    identity: Arc<MailIdentity>,
    limits: ReceiverLimits,
    per_sender: DefaultKeyedRateLimiter<String>,
    connections: Arc<Semaphore>,
    hostname: String,
}

/// Starts the receiver when `inbound_smtp_bind` is configured; returns where it listens.
pub async fn start(
    config: &crate::Config,
    ingestion: Ingestion,
    identity: Option<Arc<MailIdentity>>,
) -> anyhow::Result<Option<SocketAddr>> {
    let Some(bind) = config.email.inbound_smtp_bind else {
        return Ok(None);
    };
    let identity =
        identity.ok_or_else(|| anyhow::anyhow!("the SMTP receiver needs a reply domain (RAPPORT_REPLY_DOMAIN or RAPPORT_MAIL_FROM)"))?;
    let listener =
        TcpListener::bind(bind).await.map_err(|error| anyhow::anyhow!("RAPPORT_INBOUND_SMTP_BIND: cannot listen on {bind}: {error}"))?;
    let address = listener.local_addr()?;
    let limits = ReceiverLimits {
        max_bytes: config.email.inbound_max_bytes,
        per_sender_per_hour: config.email.inbound_per_sender_per_hour,
        ..ReceiverLimits::default()
    };
    spawn(listener, ingestion, identity, limits);
    Ok(Some(address))
}

/// Serves SMTP on `listener` until the process ends.
pub fn spawn(listener: TcpListener, ingestion: Ingestion, identity: Arc<MailIdentity>, limits: ReceiverLimits) {
    let per_hour = NonZeroU32::new(limits.per_sender_per_hour.max(1)).unwrap_or(NonZeroU32::MIN);
    let receiver = Arc::new(Receiver {
        hostname: identity.reply_addresses.domain().to_string(),
        per_sender: RateLimiter::keyed(Quota::per_hour(per_hour)),
        connections: Arc::new(Semaphore::new(limits.max_connections)),
        queue: IngestQueue::start(ingestion.clone()),
        ingestion,
        identity,
        limits,
    });
    let sweeper = receiver.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            sweeper.per_sender.retain_recent();
        }
    });
    tokio::spawn(async move {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "inbound SMTP: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let receiver = receiver.clone();
            tokio::spawn(async move {
                if let Err(error) = receiver.serve(stream, peer).await {
                    tracing::debug!(%error, %peer, "inbound SMTP connection ended");
                }
            });
        }
    });
}

/// Where a connection is in its conversation with the sending server.
#[derive(Default)]
struct Transaction {
    greeted: bool,
    from: Option<String>,
    to: Vec<String>,
}

impl Transaction {
    /// After EHLO, RSET or a finished mail: greeted, no mail under way.
    fn greeted() -> Transaction {
        Transaction { greeted: true, ..Transaction::default() }
    }
}

fn too_big(out: &mut Vec<u8>, max_bytes: usize) {
    reply(out, 552, [5, 3, 4], &format!("Message too big: Rapport accepts mail up to {max_bytes} bytes"));
}

/// Whose mail counts against the hourly limit: the sender's address, or for the null sender
/// (bounces, automatic replies) the sending server's address, so that no one sender can use
/// up everyone's.
fn limit_key(sender: &str, peer: SocketAddr) -> String {
    if sender.is_empty() {
        format!("<>@{}", peer.ip())
    } else {
        sender.to_string()
    }
}

/// Acknowledges what arrived at once instead of up to 40 ms later (Linux's delayed ACK, which
/// it turns back on by itself). A client that writes a mail's last line in a separate small
/// segment (lettre does) holds that segment back until the ACK comes (Nagle's algorithm), so
/// every mail waited out the delay: ~18 mails/s per connection.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn quick_ack(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket descriptor and a c_int option of the right size.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn quick_ack(_stream: &TcpStream) {}

fn reply(out: &mut Vec<u8>, code: u16, status: [u8; 3], text: &str) {
    let _ = Response::new(code, status[0], status[1], status[2], text).write(&mut *out);
}

impl Receiver {
    async fn serve(&self, mut stream: TcpStream, peer: SocketAddr) -> std::io::Result<()> {
        let Ok(_permit) = self.connections.clone().try_acquire_owned() else {
            stream.write_all(b"421 4.3.2 Too many connections, try again later\r\n").await?;
            return Ok(());
        };
        let _ = stream.set_nodelay(true);
        stream.write_all(format!("220 {} Rapport ESMTP\r\n", self.hostname).as_bytes()).await?;
        // However busy a connection keeps itself, it gives its place back in the end.
        let deadline = tokio::time::Instant::now() + self.limits.session;
        let mut requests = RequestReceiver::default();
        let mut transaction = Transaction::default();
        let mut chunk = vec![0u8; 64 * 1024];
        // While a mail's data arrives: the receiver and what came so far (None: too big, discarded).
        let mut data: Option<(DataReceiver, Option<Vec<u8>>, DummyDataReceiver)> = None;
        loop {
            let wait = self.limits.idle.min(deadline.saturating_duration_since(tokio::time::Instant::now()));
            let read = match tokio::time::timeout(wait, stream.read(&mut chunk)).await {
                Ok(read) => read?,
                Err(_) => {
                    stream.write_all(b"421 4.4.2 Idle or connected too long, closing\r\n").await?;
                    return Ok(());
                }
            };
            if read == 0 {
                return Ok(());
            }
            quick_ack(&stream);
            let mut bytes = chunk[..read].iter();
            let mut out = Vec::new();
            loop {
                if let Some((receiver, kept, discard)) = &mut data {
                    let done = match kept {
                        Some(buffer) => {
                            let done = receiver.ingest(&mut bytes, buffer);
                            if !done && buffer.len() > self.limits.max_bytes {
                                // Too big: the rest is read and dropped, then refused.
                                *discard = DummyDataReceiver::new_data(receiver);
                                *kept = None;
                            }
                            done
                        }
                        None => discard.ingest(&mut bytes),
                    };
                    if !done {
                        break;
                    }
                    let (_, kept, _) = data.take().expect("data in progress");
                    match kept {
                        Some(raw) if raw.len() <= self.limits.max_bytes => self.deliver(&mut transaction, raw, peer, &mut out).await,
                        _ => {
                            too_big(&mut out, self.limits.max_bytes);
                            transaction = Transaction::greeted();
                        }
                    }
                    continue;
                }
                if bytes.as_slice().is_empty() {
                    break;
                }
                match requests.ingest(&mut bytes) {
                    Ok(request) => {
                        let request = request.into_owned();
                        if matches!(request, Request::Quit) {
                            reply(&mut out, 221, [2, 0, 0], "Bye");
                            stream.write_all(&out).await?;
                            return Ok(());
                        }
                        if matches!(request, Request::Data) && transaction.from.is_some() && !transaction.to.is_empty() {
                            reply(&mut out, 354, [0, 0, 0], "Start mail input; end with <CRLF>.<CRLF>");
                            let mut receiver = DataReceiver::new();
                            let mut buffer = Vec::new();
                            // The data starts right after a line break: a first line of "." ends it.
                            receiver.ingest(&mut b"\r\n".iter(), &mut buffer);
                            buffer.clear();
                            let discard = DummyDataReceiver::new_data(&receiver);
                            data = Some((receiver, Some(buffer), discard));
                            continue;
                        }
                        self.answer(request, &mut transaction, peer, &mut out);
                    }
                    Err(SmtpError::NeedsMoreData { .. }) => break,
                    Err(SmtpError::ResponseTooLong) => reply(&mut out, 500, [5, 5, 2], "Line too long"),
                    Err(SmtpError::UnknownCommand) => reply(&mut out, 500, [5, 5, 1], "Command not recognised"),
                    Err(SmtpError::InvalidSenderAddress) => reply(&mut out, 501, [5, 1, 7], "Invalid sender address"),
                    Err(SmtpError::InvalidRecipientAddress) => reply(&mut out, 501, [5, 1, 3], "Invalid recipient address"),
                    Err(SmtpError::SyntaxError { syntax }) => reply(&mut out, 501, [5, 5, 4], &format!("Syntax: {syntax}")),
                    Err(SmtpError::InvalidParameter { param }) => reply(&mut out, 501, [5, 5, 4], &format!("Invalid parameter {param}")),
                    Err(SmtpError::UnsupportedParameter { param }) => {
                        reply(&mut out, 504, [5, 5, 4], &format!("Unsupported parameter {param}"))
                    }
                    Err(_) => reply(&mut out, 500, [5, 5, 2], "Syntax error"),
                }
            }
            if !out.is_empty() {
                stream.write_all(&out).await?;
            }
        }
    }

    fn answer(&self, request: Request<String>, transaction: &mut Transaction, peer: SocketAddr, out: &mut Vec<u8>) {
        match request {
            Request::Ehlo { host: _ } => {
                let mut ehlo = EhloResponse::new(self.hostname.as_str());
                ehlo.capabilities = smtp_proto::EXT_8BIT_MIME
                    | smtp_proto::EXT_SMTP_UTF8
                    | smtp_proto::EXT_SIZE
                    | smtp_proto::EXT_PIPELINING
                    | smtp_proto::EXT_ENHANCED_STATUS_CODES;
                ehlo.size = self.limits.max_bytes;
                let _ = ehlo.write(&mut *out);
                *transaction = Transaction::greeted();
            }
            Request::Helo { host: _ } | Request::Lhlo { host: _ } => {
                reply(out, 250, [2, 0, 0], &self.hostname);
                *transaction = Transaction::greeted();
            }
            Request::Mail { from } => {
                if !transaction.greeted {
                    return reply(out, 503, [5, 5, 1], "Say EHLO first");
                }
                if transaction.from.is_some() {
                    return reply(out, 503, [5, 5, 1], "Sender already given");
                }
                if from.size > self.limits.max_bytes {
                    return too_big(out, self.limits.max_bytes);
                }
                transaction.from = Some(from.address.trim().to_ascii_lowercase());
                reply(out, 250, [2, 1, 0], "OK");
            }
            Request::Rcpt { to } => {
                if transaction.from.is_none() {
                    return reply(out, 503, [5, 5, 1], "Need MAIL before RCPT");
                }
                if transaction.to.len() >= self.limits.max_recipients {
                    return reply(out, 452, [4, 5, 3], "Too many recipients");
                }
                let address = to.address.trim().to_ascii_lowercase();
                let ours = address
                    .rsplit_once('@')
                    .is_some_and(|(_, domain)| domain.trim_end_matches('.') == self.identity.reply_addresses.domain());
                if !ours {
                    return reply(out, 550, [5, 1, 1], "Not a Rapport address: this server takes mail for its reply domain only");
                }
                // A mail bomb from one address is deferred, not stored: its server tries later.
                // Counted once per mail, at its first recipient we take.
                if transaction.to.is_empty() {
                    let key = limit_key(transaction.from.as_deref().unwrap_or_default(), peer);
                    if self.per_sender.check_key(&key).is_err() {
                        tracing::warn!(sender = %key, "inbound SMTP: sender over its hourly limit; deferred");
                        return reply(out, 450, [4, 7, 1], "Too many mails from this sender; try again later");
                    }
                }
                transaction.to.push(address);
                reply(out, 250, [2, 1, 5], "OK");
            }
            Request::Data => reply(out, 503, [5, 5, 1], "Need MAIL and RCPT before DATA"),
            Request::Rset => {
                *transaction = if transaction.greeted { Transaction::greeted() } else { Transaction::default() };
                reply(out, 250, [2, 0, 0], "OK");
            }
            Request::Noop { .. } => reply(out, 250, [2, 0, 0], "OK"),
            Request::Vrfy { .. } => reply(out, 252, [2, 5, 2], "Cannot verify; send the mail"),
            Request::Help { .. } => reply(out, 214, [2, 0, 0], "Rapport takes customer mail for its reply domain"),
            Request::Quit => reply(out, 221, [2, 0, 0], "Bye"),
            // AUTH, STARTTLS, BDAT, ETRN and the like: this receiver takes mail for its own
            // domain only, with no accounts, and is not offered them in EHLO either.
            _ => reply(out, 502, [5, 5, 1], "Not offered: this server takes mail for its reply domain (no AUTH, STARTTLS or BDAT)"),
        }
    }

    /// Stores and files one mail; answers only once it is stored.
    async fn deliver(&self, transaction: &mut Transaction, raw: Vec<u8>, peer: SocketAddr, out: &mut Vec<u8>) {
        let envelope = Envelope { from: transaction.from.take().unwrap_or_default(), to: std::mem::take(&mut transaction.to) };
        match receive_mail(&self.ingestion, &self.queue, &self.identity, &envelope, &raw, Utc::now()).await {
            Ok(receipt) => {
                tracing::info!(%peer, mail = receipt.inbound_mail_id, outcome = receipt.outcome.key(), "inbound mail received");
                reply(out, 250, [2, 0, 0], &format!("Received as #{}", receipt.inbound_mail_id));
            }
            Err(error) => {
                tracing::warn!(%error, %peer, "inbound mail could not be stored; the sender is asked to retry");
                reply(out, 451, [4, 3, 0], "Temporary failure storing the mail; try again later");
            }
        }
    }
}
