//! Mail that reaches the SMTP receiver: kept raw, read, threaded into its conversation, and
//! ingested like every other customer message — or recorded as automatic or unreadable mail.
//!
//! Threading, first match wins: a reply address whose tag verifies (`reply_address`); then
//! `In-Reply-To` / `References` naming a mail of one of the sender's own conversations; then
//! a new conversation for the sender, who becomes a customer if unknown. Automatic mail never
//! creates customers or conversations and is never scored; a bounce of one of our replies
//! marks that reply not delivered.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::messages::MessageIn;
use super::queue::IngestQueue;
use super::Ingestion;
use crate::channels::email::automatic::Automatic;
use crate::channels::email::reading::{our_replies_mentioned, read, IncomingMail};
use crate::channels::email::reply_address::Token;
use crate::channels::email::MailIdentity;
use crate::data::inbound_mail::{self, Finished, Outcome};
use crate::domain::outbox::reply_of_mail_id;
use crate::error::AppError;

/// The SMTP envelope: who the sending server says the mail is from (empty for bounces), and
/// the accepted recipients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub from: String,
    pub to: Vec<String>,
}

/// What became of one received mail.
#[derive(Clone, Debug, PartialEq)]
pub struct MailReceipt {
    pub inbound_mail_id: i64,
    pub outcome: Outcome,
    pub note: Option<String>,
    pub conversation_id: Option<i64>,
    pub message_id: Option<i64>,
}

/// Keeps, reads and files one received mail. `Err` only when it could not be stored (the
/// database failed, Rapport is stopping): the raw mail may be stored, and the sending server
/// should try again (SMTP 451), which replays. A mail that cannot become a message is filed
/// with the reason, not refused.
/// The message goes through `queue`, stored together with other mails arriving meanwhile.
pub async fn receive_mail(
    ingestion: &Ingestion,
    queue: &IngestQueue,
    identity: &MailIdentity,
    envelope: &Envelope,
    raw: &[u8],
    now: DateTime<Utc>,
) -> Result<MailReceipt, AppError> {
    let inbound_mail_id = inbound_mail::store_raw(&ingestion.db, &envelope.from, &envelope.to, raw, now).await?;
    let db = &ingestion.db;
    let finish =
        |outcome: Outcome, note: Option<String>, customer_id: Option<i64>, conversation_id: Option<i64>, message_id: Option<i64>| Filed {
            inbound_mail_id,
            outcome,
            note,
            customer_id,
            conversation_id,
            message_id,
            list_attachments: false,
        };
    let mail = match read(raw, &envelope.from) {
        Ok(mail) => mail,
        Err(unreadable) => return file(db, finish(Outcome::Unreadable, Some(unreadable.0), None, None, None), None).await,
    };

    // Threading: the reply address first, then what the mail says it answers.
    let tokens: Vec<Token> = envelope.to.iter().chain(&mail.recipients).map(|address| identity.reply_addresses.read(address)).collect();
    let mut notes: Vec<String> = Vec::new();
    let mut by_token = None;
    for token in &tokens {
        if let Token::Conversation(id) = token {
            if let Some(customer) = inbound_mail::conversation_customer(&ingestion.db, *id).await? {
                by_token = Some((customer, *id));
                break;
            }
        }
    }
    if by_token.is_none() && tokens.contains(&Token::Forged) {
        notes.push(
            "its reply address carried a conversation tag that is not ours (forged or damaged), so it was threaded by its headers instead"
                .into(),
        );
    }
    let known_customer = match by_token {
        Some((customer, _)) => Some(customer),
        None => inbound_mail::customer_by_address(&ingestion.db, &mail.from_address).await?,
    };
    let our_replies: Vec<i64> = mail.answers.iter().filter_map(|id| reply_of_mail_id(id, &identity.message_id_domain)).collect();
    let conversation = match (by_token, known_customer) {
        (Some((_, conversation)), _) => Some(conversation),
        (None, Some(customer)) => inbound_mail::conversation_answered(&ingestion.db, customer, &mail.answers, &our_replies).await?,
        (None, None) => None,
    };

    if let Some(kind) = mail.automatic {
        let mut note = format!("{} from {}: not scored, and it changes nothing in the conversation", kind.describe(), mail.from_address);
        if kind == Automatic::Bounce {
            let bounced = our_replies_mentioned(raw, &identity.message_id_domain);
            let reason = format!("the customer's mail server returned it (bounce, received mail #{inbound_mail_id})");
            let marked = inbound_mail::mark_bounced(&ingestion.db, &bounced, &reason, now).await?;
            if marked > 0 {
                note.push_str(&format!("; {marked} reply marked not delivered"));
            }
        }
        notes.insert(0, note);
        return file(db, finish(Outcome::Automatic, Some(notes.join("; ")), known_customer, conversation, None), Some(&mail)).await;
    }

    let text = if mail.text.trim().is_empty() {
        if mail.attachments.is_empty() {
            notes.insert(0, "nothing new in it: the mail only quoted earlier mail".into());
            return file(db, finish(Outcome::Ignored, Some(notes.join("; ")), known_customer, conversation, None), Some(&mail)).await;
        }
        let names: Vec<&str> = mail.attachments.iter().map(|attachment| attachment.filename.as_str()).collect();
        super::excerpt(&format!("(attachments only: {})", names.join(", ")))
    } else {
        mail.text.clone()
    };
    let display_name = mail.from_name.clone().unwrap_or_else(|| mail.from_address.split('@').next().unwrap_or("Customer").to_string());
    let customer = match known_customer {
        Some(customer) => customer,
        None => inbound_mail::customer_for_address(&ingestion.db, &mail.from_address, &display_name, now).await?,
    };
    let request = MessageIn {
        idempotency_key: mail_key(&mail.from_address, mail.message_id.as_deref(), raw),
        customer_ref: format!("mail-customer-{customer}"),
        conversation_id: conversation,
        subject: Some(if mail.subject.trim().is_empty() { "(no subject)".to_string() } else { mail.subject.clone() }),
        channel: crate::domain::channels::Channel::Email.key().into(),
        direction: crate::domain::channels::Direction::Inbound.key().into(),
        body: text,
        sent_at: None,
    };
    match queue.ingest_for(customer, request).await {
        Ok(ingested) => {
            if !ingested.created {
                notes.push("the same mail arrived before (same Message-ID): nothing new was stored".into());
            }
            if mail.cut {
                notes.push("quoted history and signature were left out of the message (the whole mail is kept)".into());
            }
            let note = (!notes.is_empty()).then(|| notes.join("; "));
            let mut filed = finish(Outcome::Message, note, Some(customer), Some(ingested.conversation_id), Some(ingested.message_id));
            // A mail delivered twice lists its attachments once.
            filed.list_attachments = ingested.created;
            file(db, filed, Some(&mail)).await
        }
        Err(AppError::Invalid { fields, .. }) => {
            let problems: Vec<String> = fields.into_iter().map(|(field, problem)| format!("{field} {problem}")).collect();
            notes.insert(0, format!("not stored as a message: {}", problems.join("; ")));
            file(db, finish(Outcome::Unreadable, Some(notes.join("; ")), Some(customer), conversation, None), Some(&mail)).await
        }
        Err(other) => Err(other),
    }
}

/// What becomes of a received mail, before it is written.
struct Filed {
    inbound_mail_id: i64,
    outcome: Outcome,
    note: Option<String>,
    customer_id: Option<i64>,
    conversation_id: Option<i64>,
    message_id: Option<i64>,
    /// Whether the mail's attachments are listed under the message (a new one only).
    list_attachments: bool,
}

/// Writes what became of a received mail (with the mail's Message-ID and attachments).
async fn file(db: &crate::data::Db, filed: Filed, mail: Option<&IncomingMail>) -> Result<MailReceipt, AppError> {
    inbound_mail::finish(
        db,
        filed.inbound_mail_id,
        &Finished {
            outcome: filed.outcome,
            note: filed.note.as_deref(),
            mail_id: mail.and_then(|mail| mail.message_id.as_deref()),
            customer_id: filed.customer_id,
            conversation_id: filed.conversation_id,
            message_id: filed.message_id,
            attachments: mail.filter(|_| filed.list_attachments).map(|mail| mail.attachments.as_slice()).unwrap_or(&[]),
        },
    )
    .await?;
    Ok(MailReceipt {
        inbound_mail_id: filed.inbound_mail_id,
        outcome: filed.outcome,
        note: filed.note,
        conversation_id: filed.conversation_id,
        message_id: filed.message_id,
    })
}

/// The idempotency key of a received mail: its sender and Message-ID, or its content when it
/// has none, so that a mail the sending server delivers twice is stored once (and nobody else
/// can claim a customer's Message-ID first).
fn mail_key(sender: &str, message_id: Option<&str>, raw: &[u8]) -> String {
    let digest = match message_id {
        Some(id) => Sha256::digest(format!("{}\n{id}", sender.to_ascii_lowercase()).as_bytes()),
        None => Sha256::digest(raw),
    };
    format!("mail:{}", &hex::encode(digest)[..40])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_is_keyed_by_its_message_id_or_its_content() {
        assert_eq!(mail_key("dana@example.com", Some("a@b"), b"one"), mail_key("Dana@Example.com", Some("a@b"), b"two"));
        assert_ne!(
            mail_key("dana@example.com", Some("a@b"), b"one"),
            mail_key("mallory@evil.test", Some("a@b"), b"one"),
            "another sender's mail with her Message-ID is another mail"
        );
        assert_ne!(mail_key("x@y", None, b"one"), mail_key("x@y", None, b"two"));
        assert!(mail_key("x@y", None, b"x").starts_with("mail:") && mail_key("x@y", None, b"x").len() == 45);
    }
}
