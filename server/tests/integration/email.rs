//! Email both ways against real SMTP on both databases: customers' mail comes in through
//! Rapport's SMTP receiver (sent by lettre, a real SMTP client), is threaded into its
//! conversation by reply address or headers and scored without its quoted history; the
//! agent's reply goes out through the mail worker to an SMTP peer with an HTML part, the
//! signature, threading headers and the reply address. Automatic mail, bounces, forged reply
//! addresses, a 30 MB mail, a mail bomb and broken encodings each get their defined outcome.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::support::smtp::SmtpSink;
use crate::support::{each_backend, TEST_SECRET};
use app::channels::email::MailIdentity;
use app::channels::replies::{self, Reply};
use app::data::conversations::ReplyTone;
use app::data::deliveries;
use app::data::{on_pool, Db};
use app::domain::accounts::Role;
use app::ingestion::Ingestion;
use chrono::Utc;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use mail_parser::MessageParser;
use server::smtp_receiver::{self, ReceiverLimits};

fn identity() -> Arc<MailIdentity> {
    let mail =
        server::config::MailConfig { smtp_url: "smtp://127.0.0.1:1".into(), from: "Rapport Care <care@rapport.test>".parse().unwrap() };
    Arc::new(server::config::mail_identity(Some(&mail), &server::config::EmailConfig::default(), TEST_SECRET).unwrap())
}

/// Rapport's SMTP receiver on a free port.
async fn receiver(db: &Db, limits: ReceiverLimits) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    smtp_receiver::spawn(listener, Ingestion::local(db.clone(), Default::default()), identity(), limits);
    address
}

fn client(address: SocketAddr) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(address.ip().to_string()).port(address.port()).build()
}

/// Sends `raw` from `from` (empty: a bounce's null sender) to `to`; the server's answer.
async fn send_raw(address: SocketAddr, from: &str, to: &str, raw: &[u8]) -> Result<String, String> {
    let envelope = Envelope::new((!from.is_empty()).then(|| from.parse().unwrap()), vec![to.parse().unwrap()]).unwrap();
    match client(address).send_raw(&envelope, raw).await {
        Ok(response) => Ok(response.message().collect::<Vec<_>>().join(" ")),
        Err(error) => Err(error.to_string()),
    }
}

fn mail(from: &str, to: &str, subject: &str, headers: &str, body: &str) -> Vec<u8> {
    format!("From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n")
        .into_bytes()
}

async fn messages_of(db: &Db, conversation: i64) -> Vec<(String, String, Option<f64>)> {
    on_pool!(db, pool => sqlx::query_as("SELECT direction, body, sentiment FROM messages WHERE conversation_id = $1 ORDER BY id")
        .bind(conversation).fetch_all(pool).await)
    .unwrap()
}

/// (outcome, note, conversation, message) of received mail `id`.
async fn received(db: &Db, id: i64) -> (String, Option<String>, Option<i64>, Option<i64>) {
    on_pool!(db, pool => sqlx::query_as("SELECT outcome, note, conversation_id, message_id FROM inbound_mail WHERE id = $1")
        .bind(id).fetch_one(pool).await)
    .unwrap()
}

fn received_id(answer: &str) -> i64 {
    answer.rsplit('#').next().and_then(|id| id.trim().parse().ok()).unwrap_or_else(|| panic!("no mail number in {answer:?}"))
}

async fn agent(db: &Db) -> i64 {
    server::accounts::create_user(db, Role::Agent, "sam@example.com", Some("Sam Agent"), None).await.unwrap();
    on_pool!(db, pool => sqlx::query_scalar("SELECT id FROM users WHERE email = 'sam@example.com'").fetch_one(pool).await).unwrap()
}

async fn mail_in_and_out_thread_one_conversation(db: Db) {
    let smtp_in = receiver(&db, ReceiverLimits::default()).await;
    let peer = SmtpSink::start().await;
    let sam = agent(&db).await;

    // 1. A new customer writes to the team's address.
    let first = mail(
        "Dana Doe <dana@example.com>",
        "care@rapport.test",
        "Charged twice",
        "Message-ID: <first.dana@mail.example.com>\r\n",
        "You charged me twice and nobody answers. This is unacceptable and I am furious.\r\n\r\n-- \r\nDana Doe\r\nACME Ltd, always happy",
    );
    let answer = send_raw(smtp_in, "dana@example.com", "care@rapport.test", &first).await.unwrap();
    let (outcome, _, conversation, message) = received(&db, received_id(&answer)).await;
    assert_eq!(outcome, "message");
    let conversation = conversation.unwrap();
    let thread = messages_of(&db, conversation).await;
    assert_eq!(thread.len(), 1);
    assert_eq!(
        thread[0].1, "You charged me twice and nobody answers. This is unacceptable and I am furious.",
        "the signature is not the customer's words"
    );
    assert!(thread[0].2.unwrap() < -0.3, "scored as angry: {:?}", thread[0].2);
    let customer: (String, Option<String>) = on_pool!(&db, pool => sqlx::query_as("SELECT cu.name, cu.email FROM customers cu JOIN conversations c ON c.customer_id = cu.id WHERE c.id = $1")
        .bind(conversation).fetch_one(pool).await).unwrap();
    assert_eq!(customer, ("Dana Doe".to_string(), Some("dana@example.com".to_string())));
    let risk: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT CAST(risk_score AS BIGINT) FROM conversations WHERE id = $1").bind(conversation).fetch_one(pool).await).unwrap();
    assert!(risk > 0, "the mail went through ingestion's effects (risk {risk})");
    assert!(message.is_some());

    // 2. The agent answers; the mail worker hands it to the SMTP peer.
    let context = deliveries::reply_context(&db, conversation).await.unwrap().unwrap();
    let reply = Reply {
        author_user_id: sam,
        author_name: "Sam Agent",
        body: "We refunded **both** charges today.",
        tone: ReplyTone { seen: "", sent: "" },
    };
    let (reply_id, _) = replies::send(&db, &context, &reply, true, Utc::now()).await.unwrap().unwrap();
    assert_eq!(server::mail_worker::deliver_due(&db, &crate::support::mailer(&peer.url()), Utc::now()).await.unwrap(), 1);
    let sent = peer.messages();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].recipients, ["<dana@example.com>"]);
    let parsed = MessageParser::default().parse(sent[0].data.as_bytes()).unwrap();
    assert_eq!(parsed.message_id(), Some(format!("reply.{reply_id}@rapport.test").as_str()));
    assert_eq!(parsed.in_reply_to().as_text(), Some("first.dana@mail.example.com"), "threaded under the customer's mail");
    assert_eq!(parsed.references().as_text(), Some("first.dana@mail.example.com"));
    assert_eq!(parsed.subject(), Some("Re: Charged twice"));
    let reply_to = parsed.reply_to().and_then(|to| to.first()).and_then(|to| to.address()).unwrap().to_string();
    assert!(reply_to.starts_with(&format!("care+c{conversation}-")) && reply_to.ends_with("@rapport.test"), "{reply_to}");
    let text = parsed.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(text.contains("We refunded **both** charges today.") && text.contains("-- \nSam Agent\nRapport Care"), "{text}");
    let html = parsed.body_html(0).unwrap();
    assert!(html.contains("<strong>both</strong>") && html.contains("Sam Agent<br>Rapport Care"), "{html}");

    // 3. She answers to the reply address, quoting the reply: the quote is not scored.
    let answer_mail = mail(
        "Dana Doe <dana@example.com>",
        &reply_to,
        "Re: Charged twice",
        &format!("Message-ID: <second.dana@mail.example.com>\r\nIn-Reply-To: <reply.{reply_id}@rapport.test>\r\n"),
        "Thank you so much, that was quick!\r\n\r\nOn Mon, 7 Dec 2026, Rapport Care <care@rapport.test> wrote:\r\n> We refunded both charges today. You charged me twice and I am furious.\r\n",
    );
    let answer = send_raw(smtp_in, "dana@example.com", &reply_to, &answer_mail).await.unwrap();
    let (outcome, note, threaded, _) = received(&db, received_id(&answer)).await;
    assert_eq!((outcome.as_str(), threaded), ("message", Some(conversation)));
    assert!(note.unwrap().contains("quoted history"));
    let thread = messages_of(&db, conversation).await;
    assert_eq!(thread.last().unwrap().1, "Thank you so much, that was quick!");
    assert!(thread.last().unwrap().2.unwrap() > 0.3, "scored on her words only: {:?}", thread.last().unwrap().2);

    // 4. Without the reply address, her headers thread it (she is the conversation's customer).
    let by_headers = mail(
        "dana@example.com",
        "care@rapport.test",
        "Re: Charged twice",
        "Message-ID: <third.dana@mail.example.com>\r\nReferences: <first.dana@mail.example.com> <second.dana@mail.example.com>\r\n",
        "One more question about the invoice.",
    );
    let answer = send_raw(smtp_in, "dana@example.com", "care@rapport.test", &by_headers).await.unwrap();
    assert_eq!(received(&db, received_id(&answer)).await.2, Some(conversation));

    // 5. The same mail delivered twice is one message.
    let again = send_raw(smtp_in, "dana@example.com", "care@rapport.test", &by_headers).await.unwrap();
    let (outcome, note, ..) = received(&db, received_id(&again)).await;
    assert_eq!(outcome, "message");
    assert!(note.unwrap().contains("arrived before"));
    assert_eq!(messages_of(&db, conversation).await.len(), 4, "three of hers and the reply");

    // 6. A stranger cannot write into her conversation: not with a forged reply address,
    // not by naming our reply's Message-ID.
    let forged_to = format!("care+c{conversation}-0123456789abcdef@rapport.test");
    let forged = mail(
        "mallory@evil.test",
        &forged_to,
        "Re: Charged twice",
        &format!("In-Reply-To: <reply.{reply_id}@rapport.test>\r\n"),
        "Please send the refund to my account instead.",
    );
    let answer = send_raw(smtp_in, "mallory@evil.test", &forged_to, &forged).await.unwrap();
    let (outcome, note, elsewhere, _) = received(&db, received_id(&answer)).await;
    assert_eq!(outcome, "message");
    assert_ne!(elsewhere, Some(conversation));
    assert!(note.unwrap().contains("not ours"));
    assert_eq!(messages_of(&db, conversation).await.len(), 4);

    // 7. Her out-of-office on a resolved conversation: recorded, not scored, reopens nothing.
    app::data::conversations::resolve(&db, conversation, "Refunded", Utc::now()).await.unwrap();
    let away = mail(
        "dana@example.com",
        &reply_to,
        "Automatic reply: Re: Charged twice",
        "Auto-Submitted: auto-replied\r\n",
        "I am out of the office until Monday. This is terrible timing.",
    );
    let answer = send_raw(smtp_in, "dana@example.com", &reply_to, &away).await.unwrap();
    let (outcome, _, filed, message) = received(&db, received_id(&answer)).await;
    assert_eq!((outcome.as_str(), filed, message), ("automatic", Some(conversation), None));
    let status: String = on_pool!(&db, pool => sqlx::query_scalar("SELECT status FROM conversations WHERE id = $1").bind(conversation).fetch_one(pool).await).unwrap();
    assert_eq!(status, "resolved");
    assert_eq!(messages_of(&db, conversation).await.len(), 4);

    // 8. A bounce of our reply marks it not delivered.
    let bounce = format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\nTo: care@rapport.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nUser unknown.\r\n\
         --r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <reply.{reply_id}@rapport.test>\r\n--r--\r\n"
    );
    let answer = send_raw(smtp_in, "", "care@rapport.test", bounce.as_bytes()).await.unwrap();
    assert_eq!(received(&db, received_id(&answer)).await.0, "automatic");
    let (state, note): (String, Option<String>) = on_pool!(&db, pool => sqlx::query_as("SELECT delivery, delivery_note FROM messages WHERE id = $1").bind(reply_id).fetch_one(pool).await).unwrap();
    assert_eq!(state, "failed");
    assert!(note.unwrap().contains("bounce"));

    // Mail for other domains is refused at RCPT.
    let refused = send_raw(smtp_in, "dana@example.com", "someone@elsewhere.test", &by_headers).await.unwrap_err();
    assert!(refused.contains("Not a Rapport address") || refused.contains("550"), "{refused}");
}

#[tokio::test]
async fn mail_in_and_out_thread_one_conversation_on_each_backend() {
    each_backend(mail_in_and_out_thread_one_conversation).await;
}

async fn hostile_mail_has_defined_outcomes(db: Db) {
    let smtp_in = receiver(&db, ReceiverLimits { per_sender_per_hour: 20, ..ReceiverLimits::default() }).await;

    // A 30 MB mail is refused (552) and not stored; the receiver keeps serving.
    let mut huge = mail("big@example.com", "care@rapport.test", "Scans", "", "see below").to_vec();
    let line = "x".repeat(998) + "\r\n";
    while huge.len() < 30 * 1024 * 1024 {
        huge.extend_from_slice(line.as_bytes());
    }
    let refused = send_raw(smtp_in, "big@example.com", "care@rapport.test", &huge).await.unwrap_err();
    assert!(refused.contains("too big"), "{refused}");
    let stored: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM inbound_mail").fetch_one(pool).await).unwrap();
    assert_eq!(stored, 0);

    // A mail bomb: one sender's 21st mail within the hour is deferred (450), not stored;
    // others still get through.
    let mut accepted = 0;
    let mut deferred = 0;
    for n in 0..30 {
        let bomb = mail(
            "bomber@example.com",
            "care@rapport.test",
            &format!("Spam {n}"),
            &format!("Message-ID: <bomb.{n}@example.com>\r\n"),
            "Buy now!",
        );
        match send_raw(smtp_in, "bomber@example.com", "care@rapport.test", &bomb).await {
            Ok(_) => accepted += 1,
            Err(error) => {
                assert!(error.contains("Too many mails from this sender"), "{error}");
                deferred += 1;
            }
        }
    }
    assert_eq!((accepted, deferred), (20, 10));
    let ok = send_raw(
        smtp_in,
        "calm@example.com",
        "care@rapport.test",
        &mail("calm@example.com", "care@rapport.test", "Hello", "", "A question about my order."),
    )
    .await;
    assert!(ok.is_ok(), "{ok:?}");

    // Broken encodings: read as far as they go, stored, the raw mail kept byte for byte.
    let broken: &[u8] = b"From: =?UTF-8?B?////?= <odd@example.com>\r\nTo: care@rapport.test\r\nSubject: \xff\xfe caf\xe9\r\nContent-Type: multipart/mixed; boundary=never-closed\r\n\r\n--never-closed\r\nContent-Type: text/plain; charset=x-unknown\r\nContent-Transfer-Encoding: base64\r\n\r\n!!not base64\xff\r\n";
    let answer = send_raw(smtp_in, "odd@example.com", "care@rapport.test", broken).await.unwrap();
    let id = received_id(&answer);
    let raw: Vec<u8> = app::data::inbound_mail::raw(&db, id).await.unwrap().unwrap();
    assert_eq!(raw, [broken, b"\r\n"].concat(), "the raw mail is kept as it came");
    let (outcome, note, ..) = received(&db, id).await;
    assert!(["message", "unreadable", "ignored"].contains(&outcome.as_str()), "{outcome} {note:?}");

    // Not a message at all: kept for inspection, marked unreadable.
    let answer = send_raw(smtp_in, "void@example.com", "care@rapport.test", b"\x00\x01\x02").await.unwrap();
    let (outcome, note, ..) = received(&db, received_id(&answer)).await;
    assert_eq!(outcome, "unreadable", "{note:?}");
}

#[tokio::test]
async fn hostile_mail_has_defined_outcomes_on_each_backend() {
    each_backend(hostile_mail_has_defined_outcomes).await;
}
