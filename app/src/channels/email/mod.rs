//! Email, both ways. Out: an agent's reply becomes a mail with a plain and an HTML part, the
//! agent's name and the team's signature, threading headers, and a reply address that leads
//! the customer's answer back to its conversation (`compose`, `reply_address`). In: mail that
//! reaches Rapport's SMTP receiver is read with `mail-parser` (`reading`), told apart from
//! automatic mail (`automatic`), and stripped of quoted history and signatures before the
//! engine scores it (`quotes`); `ingestion::mail` stores and threads it.

pub mod automatic;
pub mod compose;
pub mod files;
pub mod quotes;
pub mod reading;
pub mod reply_address;

/// Mail settings shared by the mail worker (out) and the SMTP receiver (in).
#[derive(Clone, Debug)]
pub struct MailIdentity {
    /// The domain of our own `Message-ID`s (the sender's domain).
    pub message_id_domain: String,
    /// The team's signature under every reply (plain text, may span lines).
    pub signature: String,
    /// Per-conversation reply addresses.
    pub reply_addresses: reply_address::ReplyAddresses,
}
