//! Mail throughput, used by `.dev/bench-mail`:
//! - inbound: mails sent over SMTP by concurrent clients (lettre) to Rapport's receiver, each
//!   stored raw, parsed, threaded (a customer's later mails name the first in `References`),
//!   stripped of its quote, scored and ingested before the receiver answers `250`;
//! - outbound: agents' replies to those conversations handed by the mail worker to a local
//!   SMTP peer (plain and HTML parts, threading headers, reply address).
//!
//!   mail_load <database-url> [inbound mails] [connections] [outbound mails]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use app::channels::replies::{self, Reply};
use app::data::conversations::ReplyTone;
use app::data::{deliveries, on_pool, Db, DbOptions};
use app::ingestion::Ingestion;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use server::config::{mail_identity, EmailConfig, MailConfig};
use server::smtp_receiver::{self, ReceiverLimits};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const BODIES: [&str; 6] = [
    "You charged me twice this month and nobody answers my emails. This is unacceptable.",
    "Thanks a lot, the parcel arrived today and everything works again!",
    "I still cannot log in after the password reset. Could you please look at it?",
    "This is the third time I am writing. Cancel my subscription if you cannot fix it.",
    "The new dashboard is great, but the export button does nothing in Firefox.",
    "Where is my refund? You promised it a week ago and I am running out of patience.",
];

const SENDERS: usize = 1_000;

fn mail(n: usize) -> (String, Vec<u8>) {
    let sender = format!("customer{}@example.com", n % SENDERS);
    let thread = if n >= SENDERS { format!("References: <first.{}@example.com>\r\n", n % SENDERS) } else { String::new() };
    let id = if n < SENDERS { format!("first.{n}@example.com") } else { format!("mail.{n}@example.com") };
    let raw = format!(
        "From: Customer {c} <{sender}>\r\nTo: care@rapport.test\r\nSubject: Order {c}\r\nMessage-ID: <{id}>\r\n{thread}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n\r\nOn Monday, Rapport Care wrote:\r\n> We are looking into it.\r\n> Sam\r\n\r\n-- \r\nCustomer {c}\r\n",
        c = n % SENDERS,
        body = BODIES[n % BODIES.len()],
    );
    (sender, raw.into_bytes())
}

/// An SMTP peer that takes every mail and counts it (the team's mail server, as fast as can be).
async fn counting_peer() -> anyhow::Result<(u16, Arc<AtomicUsize>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let counted = counted.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 peer ESMTP\r\n").await;
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let answer: &[u8] = if in_data {
                        if line != "." {
                            continue;
                        }
                        in_data = false;
                        counted.fetch_add(1, Ordering::Relaxed);
                        b"250 2.0.0 ok\r\n"
                    } else {
                        match line.get(..4).map(|verb| verb.to_ascii_uppercase()).as_deref() {
                            Some("EHLO") => b"250-peer\r\n250 8BITMIME\r\n",
                            Some("DATA") => {
                                in_data = true;
                                b"354 go ahead\r\n"
                            }
                            Some("QUIT") => b"221 bye\r\n",
                            _ => b"250 ok\r\n",
                        }
                    };
                    if write.write_all(answer).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Ok((port, count))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url =
        args.next().ok_or_else(|| anyhow::anyhow!("usage: mail_load <database-url> [inbound mails] [connections] [outbound mails]"))?;
    let inbound: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(5_000);
    let connections: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(16);
    let outbound: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(2_000);
    let db = Db::connect(&DbOptions { url, max_connections: 10 }).await?;
    db.migrate().await?;

    // Inbound.
    let (peer_port, handed) = counting_peer().await?;
    let sender = MailConfig { smtp_url: format!("smtp://127.0.0.1:{peer_port}"), from: "Rapport Care <care@rapport.test>".parse()? };
    let identity = Arc::new(
        mail_identity(Some(&sender), &EmailConfig::default(), b"mail load secret, at least 32 bytes long")
            .ok_or_else(|| anyhow::anyhow!("no mail identity"))?,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let receiver = listener.local_addr()?;
    let limits = ReceiverLimits { per_sender_per_hour: u32::MAX, max_connections: connections + 8, ..ReceiverLimits::default() };
    smtp_receiver::spawn(listener, Ingestion::local(db.clone(), Default::default()), identity.clone(), limits);
    // The first mail of every sender goes first, so that later ones have a thread to join.
    // One client with a connection per sender task, kept open across mails (lettre's pool).
    let client = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(receiver.port())
        .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(connections as u32))
        .build();
    let started = Instant::now();
    for wave in [0..SENDERS.min(inbound), SENDERS.min(inbound)..inbound] {
        let next = Arc::new(AtomicUsize::new(wave.start));
        let mut clients = Vec::new();
        for _ in 0..connections {
            let next = next.clone();
            let end = wave.end;
            let client = client.clone();
            clients.push(tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= end {
                        return Ok::<_, anyhow::Error>(());
                    }
                    let (from, raw) = mail(n);
                    let envelope = Envelope::new(Some(from.parse()?), vec!["care@rapport.test".parse()?])?;
                    client.send_raw(&envelope, &raw).await?;
                }
            }));
        }
        for client in clients {
            client.await??;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let (messages, conversations): (i64, i64) = on_pool!(&db, pool => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM messages WHERE mail_id IS NOT NULL), (SELECT COUNT(*) FROM conversations)").fetch_one(pool).await)?;
    println!(
        "| inbound: {inbound} mails over SMTP, {connections} connections → {messages} messages in {conversations} conversations | {seconds:.2} s | {:.0} mails/s |",
        inbound as f64 / seconds
    );
    anyhow::ensure!(messages as usize == inbound, "every mail became a message ({messages} of {inbound})");

    // Outbound: replies queued, then handed to the peer by the mail worker's own loop.
    server::accounts::create_user(&db, app::domain::accounts::Role::Agent, "load-agent@rapport.test", Some("Load Agent"), None).await?;
    let agent: i64 =
        on_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM users WHERE email = 'load-agent@rapport.test'").fetch_one(pool).await)?;
    let ids: Vec<i64> = on_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM conversations ORDER BY id LIMIT $1").bind(outbound as i64).fetch_all(pool).await)?;
    let now = chrono::Utc::now();
    for (n, id) in ids.iter().cycle().take(outbound).enumerate() {
        let context = deliveries::reply_context(&db, *id).await?.ok_or_else(|| anyhow::anyhow!("conversation {id} vanished"))?;
        let body = format!("I'm sorry about this. We have **refunded** the charge (reference {n}).");
        let reply = Reply { author_user_id: agent, author_name: "Load Agent", body: &body, tone: ReplyTone { seen: "", sent: "" } };
        replies::send(&db, &context, &reply, true, now).await?;
    }
    let mailer = server::mail_worker::Mailer::new(&sender, identity)?;
    let started = Instant::now();
    while server::mail_worker::deliver_due(&db, &mailer, chrono::Utc::now()).await? > 0 {}
    let seconds = started.elapsed().as_secs_f64();
    let handed = handed.load(Ordering::Relaxed);
    println!("| outbound: {handed} replies handed to SMTP by the mail worker | {seconds:.2} s | {:.0} mails/s |", handed as f64 / seconds);
    anyhow::ensure!(handed == outbound, "every reply was handed over ({handed} of {outbound})");
    Ok(())
}
