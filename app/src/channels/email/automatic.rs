//! Mail that no person wrote: bounces (delivery status reports), out-of-office and other
//! automatic replies, and bulk or list mail. Rapport records it but never reads it as the
//! customer's mood: it is not scored, and it reopens, heals and starts nothing (RFC 3834,
//! RFC 3464, and the headers the big mail clients add).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Automatic {
    /// A delivery status report: a mail of ours did not arrive.
    Bounce,
    /// An out-of-office or other automatic answer.
    AutoReply,
    /// Newsletters, mailing lists, bulk senders.
    Bulk,
}

impl Automatic {
    pub fn describe(self) -> &'static str {
        match self {
            Automatic::Bounce => "a delivery failure report (bounce)",
            Automatic::AutoReply => "an automatic reply (out of office or similar)",
            Automatic::Bulk => "bulk or mailing-list mail",
        }
    }
}

/// The headers (and envelope) that tell automatic mail apart, lower-cased where they are keys.
#[derive(Clone, Debug, Default)]
pub struct Signals<'a> {
    /// The SMTP `MAIL FROM`; empty for bounces (the null reverse path).
    pub envelope_from: &'a str,
    pub from: &'a str,
    pub subject: &'a str,
    /// `type/subtype` of the whole mail, and its `report-type` parameter.
    pub content_type: &'a str,
    pub report_type: Option<&'a str>,
    pub auto_submitted: Option<&'a str>,
    pub precedence: Option<&'a str>,
    /// `X-Autoreply`, `X-Autorespond` or `X-Auto-Response-Suppress`-style markers present.
    pub autoreply_marker: bool,
    /// `List-Id` or `List-Unsubscribe` present.
    pub list_headers: bool,
}

pub fn classify(signals: &Signals<'_>) -> Option<Automatic> {
    let content_type = signals.content_type.to_ascii_lowercase();
    let report = signals.report_type.map(str::to_ascii_lowercase);
    if content_type == "multipart/report" && report.as_deref() == Some("delivery-status") {
        return Some(Automatic::Bounce);
    }
    let from = signals.from.to_ascii_lowercase();
    let daemon = ["mailer-daemon@", "postmaster@"].iter().any(|local| from.starts_with(local));
    if signals.envelope_from.trim().is_empty() && daemon {
        return Some(Automatic::Bounce);
    }
    let auto_submitted = signals.auto_submitted.map(|value| value.trim().to_ascii_lowercase());
    if auto_submitted.as_deref().is_some_and(|value| !value.is_empty() && !value.starts_with("no")) {
        return Some(Automatic::AutoReply);
    }
    let precedence = signals.precedence.map(|value| value.trim().to_ascii_lowercase()).unwrap_or_default();
    if signals.autoreply_marker || precedence == "auto_reply" || report.as_deref() == Some("disposition-notification") {
        return Some(Automatic::AutoReply);
    }
    let subject = signals.subject.trim().to_lowercase();
    const AUTO_SUBJECTS: [&str; 5] = ["out of office", "automatic reply", "auto-reply", "autoreply", "abwesenheitsnotiz"];
    if AUTO_SUBJECTS.iter().any(|start| subject.starts_with(start)) {
        return Some(Automatic::AutoReply);
    }
    if ["bulk", "junk", "list"].contains(&precedence.as_str()) || signals.list_headers {
        return Some(Automatic::Bulk);
    }
    if signals.envelope_from.trim().is_empty() {
        // The null reverse path is only for notifications (RFC 5321 4.5.5).
        return Some(Automatic::AutoReply);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Signals<'static> {
        Signals {
            envelope_from: "dana@example.com",
            from: "dana@example.com",
            subject: "Re: Charged twice",
            content_type: "text/plain",
            ..Signals::default()
        }
    }

    #[test]
    fn people_are_people() {
        assert_eq!(classify(&person()), None);
        assert_eq!(classify(&Signals { auto_submitted: Some("no"), ..person() }), None);
        assert_eq!(classify(&Signals { subject: "Out of ideas, please help", ..person() }), None);
    }

    #[test]
    fn bounces_auto_replies_and_bulk_are_told_apart() {
        let dsn = Signals {
            envelope_from: "",
            from: "MAILER-DAEMON@mx.example.com",
            content_type: "multipart/report",
            report_type: Some("delivery-status"),
            ..person()
        };
        assert_eq!(classify(&dsn), Some(Automatic::Bounce));
        assert_eq!(classify(&Signals { content_type: "text/plain", report_type: None, ..dsn.clone() }), Some(Automatic::Bounce));
        assert_eq!(classify(&Signals { auto_submitted: Some("auto-replied"), ..person() }), Some(Automatic::AutoReply));
        assert_eq!(classify(&Signals { autoreply_marker: true, ..person() }), Some(Automatic::AutoReply));
        assert_eq!(classify(&Signals { subject: "Automatic reply: Charged twice", ..person() }), Some(Automatic::AutoReply));
        assert_eq!(classify(&Signals { precedence: Some("Bulk"), ..person() }), Some(Automatic::Bulk));
        assert_eq!(classify(&Signals { list_headers: true, ..person() }), Some(Automatic::Bulk));
        assert_eq!(classify(&Signals { envelope_from: "", ..person() }), Some(Automatic::AutoReply));
    }
}
