//! Reading a received mail with `mail-parser` (MIME, encodings, charsets, HTML-only mail):
//! who sent it, what it answers, what the customer wrote now, what is attached, and whether
//! a person wrote it at all. Anything a parser could choke on is reported as `Unreadable`
//! (the raw mail is kept by the caller either way).

use crate::domain::channels::mail::Attachment;
use mail_parser::{HeaderValue, Message, MessageParser, MimeHeaders};

use crate::channels::email::automatic::{classify, Automatic, Signals};
use crate::channels::email::quotes::new_text;

/// Longest text kept as the message (the whole mail stays in the raw copy).
pub const MAX_TEXT_CHARS: usize = crate::ingestion::MAX_BODY_CHARS - 200;
/// Longest subject kept.
pub const MAX_SUBJECT_CHARS: usize = 280;

/// A received mail as Rapport uses it.
#[derive(Clone, Debug, PartialEq)]
pub struct IncomingMail {
    /// The `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    pub from_address: String,
    pub from_name: Option<String>,
    pub subject: String,
    /// What the customer wrote now (quotes and signature cut, control characters dropped).
    pub text: String,
    /// Whether quoted history or a signature was cut away.
    pub cut: bool,
    /// Message-IDs this mail answers: `In-Reply-To` first, then `References` newest first.
    pub answers: Vec<String>,
    /// `To` and `Cc` addresses.
    pub recipients: Vec<String>,
    pub attachments: Vec<Attachment>,
    pub automatic: Option<Automatic>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable(pub String);

pub fn read(raw: &[u8], envelope_from: &str) -> Result<IncomingMail, Unreadable> {
    let message =
        MessageParser::default().parse(raw).ok_or_else(|| Unreadable("the mail could not be parsed as a message (RFC 5322)".into()))?;
    let from = message.from().and_then(|from| from.first());
    let from_address = from
        .and_then(|from| from.address())
        .map(|address| address.trim().to_ascii_lowercase())
        .filter(|address| address.contains('@'))
        .or_else(|| Some(envelope_from.trim().to_ascii_lowercase()).filter(|address| address.contains('@')))
        .ok_or_else(|| Unreadable("the mail has no sender address (From)".into()))?;
    let from_name = from.and_then(|from| from.name()).map(clean_line).filter(|name| !name.is_empty());
    let subject = shorten(&clean_line(message.subject().unwrap_or("")), MAX_SUBJECT_CHARS);
    let body = message.body_text(0).map(|text| text.into_owned()).unwrap_or_default();
    let stripped = new_text(&without_control_characters(&body));
    let answers = answered(ids(message.in_reply_to()), ids(message.references()));
    let recipients = message
        .to()
        .into_iter()
        .chain(message.cc())
        .flat_map(|list| list.iter())
        .filter_map(|addr| addr.address())
        .map(|address| address.trim().to_ascii_lowercase())
        .collect();
    let automatic = classify(&signals(&message, envelope_from, &from_address));
    let attachments = message
        .attachments()
        .map(|part| Attachment {
            filename: part.attachment_name().map(clean_line).filter(|name| !name.is_empty()).unwrap_or_else(|| "unnamed".into()),
            content_type: part
                .content_type()
                .map(|kind| format!("{}/{}", kind.ctype(), kind.subtype().unwrap_or("octet-stream")).to_ascii_lowercase())
                .unwrap_or_else(|| "application/octet-stream".into()),
            size_bytes: part.len() as i64,
        })
        .collect();
    Ok(IncomingMail {
        message_id: message.message_id().map(clean_line).filter(|id| !id.is_empty() && id.len() <= MAX_ID_CHARS),
        from_address,
        from_name,
        subject,
        text: shorten(&stripped.text, MAX_TEXT_CHARS),
        cut: stripped.cut,
        answers,
        recipients,
        attachments,
        automatic,
    })
}

fn signals<'a>(message: &'a Message<'a>, envelope_from: &'a str, from: &'a str) -> Signals<'a> {
    let content_type = message.root_part().content_type();
    let header = |name: &str| message.header_raw(name.to_string()).map(str::trim);
    Signals {
        envelope_from,
        from,
        subject: message.subject().unwrap_or(""),
        content_type: match content_type {
            Some(kind) if kind.subtype().is_some() => {
                if kind.ctype().eq_ignore_ascii_case("multipart") && kind.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report")) {
                    "multipart/report"
                } else {
                    "other"
                }
            }
            _ => "text/plain",
        },
        report_type: content_type.and_then(|kind| kind.attribute("report-type")),
        auto_submitted: header("Auto-Submitted"),
        precedence: header("Precedence"),
        autoreply_marker: header("X-Autoreply").is_some() || header("X-Autorespond").is_some() || header("X-Autoresponse").is_some(),
        list_headers: header("List-Id").is_some() || header("List-Unsubscribe").is_some(),
    }
}

/// Longest Message-ID kept (RFC 5322 sets none; real ones are well under 100).
const MAX_ID_CHARS: usize = 300;
/// Most Message-IDs a mail is threaded by, and most of our replies a bounce may name: enough
/// for any real thread, and a bounded query whatever a mail claims.
const MAX_ANSWERED: usize = 24;

/// What a mail answers: `In-Reply-To`, the thread's root (the first of `References`), then
/// `References` newest first, at most `MAX_ANSWERED` in all.
fn answered(in_reply_to: Vec<String>, references: Vec<String>) -> Vec<String> {
    let root = references.first().cloned();
    let mut answers: Vec<String> = Vec::with_capacity(MAX_ANSWERED);
    for id in in_reply_to.into_iter().take(4).chain(root).chain(references.into_iter().rev()) {
        if answers.len() >= MAX_ANSWERED {
            break;
        }
        if !answers.contains(&id) {
            answers.push(id);
        }
    }
    answers
}

/// Message-IDs in a header, without angle brackets.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let texts: Vec<&str> = match value {
        HeaderValue::Text(text) => vec![text.as_ref()],
        HeaderValue::TextList(list) => list.iter().map(|text| text.as_ref()).collect(),
        _ => Vec::new(),
    };
    texts
        .into_iter()
        .flat_map(|text| text.split_whitespace())
        .map(|id| id.trim_matches(|c| c == '<' || c == '>' || c == ','))
        .filter(|id| !id.is_empty() && id.len() <= MAX_ID_CHARS)
        .map(str::to_string)
        .collect()
}

/// Our replies (`<reply.N@domain>`) that a mail mentions anywhere — a bounce carries the
/// failed mail's headers in its report part.
pub fn our_replies_mentioned(raw: &[u8], domain: &str) -> Vec<i64> {
    let text = String::from_utf8_lossy(raw);
    let suffix = format!("@{}", domain.to_ascii_lowercase());
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("<reply.") {
        let after = &rest[at + "<reply.".len()..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && after[digits.len()..].starts_with(&suffix) {
            if let Ok(id) = digits.parse::<i64>() {
                if !found.contains(&id) {
                    found.push(id);
                }
                if found.len() >= MAX_ANSWERED {
                    break;
                }
            }
        }
        rest = after;
    }
    found
}

fn without_control_characters(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect()
}

fn clean_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_answer_is_read_with_what_it_answers() {
        let raw = b"From: Dana Doe <Dana@Example.com>\r\nTo: care+c7-abc@reply.example.com\r\nCc: boss@example.com\r\nSubject: Re: Charged twice\r\nMessage-ID: <abc@mail.example.com>\r\nIn-Reply-To: <reply.9@rapport.test>\r\nReferences: <first@mail.example.com> <reply.9@rapport.test>\r\n\r\nStill broken.\r\n\r\nOn Mon, Sam wrote:\r\n> fixed\r\n";
        let mail = read(raw, "dana@example.com").unwrap();
        assert_eq!(mail.from_address, "dana@example.com");
        assert_eq!(mail.from_name.as_deref(), Some("Dana Doe"));
        assert_eq!(mail.message_id.as_deref(), Some("abc@mail.example.com"));
        assert_eq!(mail.text, "Still broken.");
        assert!(mail.cut);
        assert_eq!(mail.answers, ["reply.9@rapport.test", "first@mail.example.com"]);
        assert_eq!(mail.recipients, ["care+c7-abc@reply.example.com", "boss@example.com"]);
        assert_eq!(mail.automatic, None);
    }

    #[test]
    fn a_mail_naming_thousands_of_mails_is_threaded_by_a_few() {
        let references: Vec<String> = (0..5_000).map(|n| format!("{n}@x")).collect();
        let answers = answered(vec!["reply@x".into()], references);
        assert_eq!(answers.len(), MAX_ANSWERED);
        assert_eq!((answers[0].as_str(), answers[1].as_str(), answers[2].as_str()), ("reply@x", "0@x", "4999@x"));
        assert_eq!(answers.last().map(String::as_str), Some("4978@x"));
        assert_eq!(answered(vec![], vec!["root@x".into(), "a@x".into()]), ["root@x", "a@x"]);
    }

    #[test]
    fn html_only_mail_encoded_words_and_attachments() {
        let raw = concat!(
            "From: =?UTF-8?B?w4lsb2TDqWU=?= <eloise@example.com>\r\n",
            "Subject: =?ISO-8859-1?Q?R=E9clamation?=\r\n",
            "Content-Type: multipart/mixed; boundary=b1\r\n\r\n",
            "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Le colis est <b>arrivé</b> cassé.</p>\r\n",
            "--b1\r\nContent-Type: application/pdf; name=\"facture.pdf\"\r\nContent-Disposition: attachment; filename=\"facture.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n",
            "--b1--\r\n"
        );
        let mail = read(raw.as_bytes(), "eloise@example.com").unwrap();
        assert_eq!(mail.from_name.as_deref(), Some("Élodée"));
        assert_eq!(mail.subject, "Réclamation");
        assert!(mail.text.contains("Le colis est arrivé cassé."), "{}", mail.text);
        assert_eq!(
            mail.attachments,
            [Attachment { filename: "facture.pdf".into(), content_type: "application/pdf".into(), size_bytes: 9 }]
        );
    }

    #[test]
    fn broken_mail_is_read_as_far_as_it_goes_or_reported() {
        let invalid_utf8 = b"From: x@example.com\r\nSubject: \xff\xfe bad\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64\xff\x00\r\n";
        let mail = read(invalid_utf8, "x@example.com").unwrap();
        assert!(!mail.text.contains('\0'));
        assert!(!mail.subject.chars().any(char::is_control));
        assert_eq!(read(b"", "").unwrap_err().0, "the mail could not be parsed as a message (RFC 5322)");
        assert!(read(b"Subject: nobody\r\n\r\nhi", "").unwrap_err().0.contains("no sender"));
        assert_eq!(
            read(b"Subject: hi\r\n\r\nhi", "bob@example.com").unwrap().from_address,
            "bob@example.com",
            "the envelope names the sender"
        );
    }

    #[test]
    fn a_bounce_names_the_reply_it_bounced() {
        let raw = concat!(
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n",
            "Subject: Undelivered Mail Returned to Sender\r\n",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n",
            "--r\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n",
            "--r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n",
            "--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <reply.41@rapport.test>\r\nSubject: Re: hi\r\n",
            "--r--\r\n"
        );
        let mail = read(raw.as_bytes(), "").unwrap();
        assert_eq!(mail.automatic, Some(Automatic::Bounce));
        assert_eq!(our_replies_mentioned(raw.as_bytes(), "rapport.test"), [41]);
        assert_eq!(our_replies_mentioned(raw.as_bytes(), "elsewhere.test"), Vec::<i64>::new());
    }
}
