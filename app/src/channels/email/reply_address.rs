//! Per-conversation reply addresses: `care+c42-1f0e…@reply.example.com`. The part after `+`
//! names the conversation and carries a keyed tag (HMAC-SHA256 with a key derived from the
//! server's secret), so an answer finds its conversation whatever the customer's mail client
//! does with the headers, and nobody can write into a conversation by guessing its number.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex digits of the tag: 64 bits, far beyond guessing at any rate a mail server accepts.
const TAG_HEX: usize = 16;

#[derive(Clone)]
pub struct ReplyAddresses {
    key: Vec<u8>,
    local: String,
    domain: String,
}

impl std::fmt::Debug for ReplyAddresses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ReplyAddresses({}+…@{})", self.local, self.domain)
    }
}

/// What a recipient address says about the conversation it answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// Not one of our reply addresses (or one without a conversation).
    Absent,
    /// A reply address whose tag is ours: this conversation.
    Conversation(i64),
    /// Looks like a reply address but its tag is not ours: ignored for threading.
    Forged,
}

impl ReplyAddresses {
    /// `local@domain` is the base address (the sender's local part, the reply domain).
    pub fn new(secret: &[u8], local: &str, domain: &str) -> ReplyAddresses {
        let mut derive = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts keys of any length");
        derive.update(b"rapport reply addresses v1");
        ReplyAddresses {
            key: derive.finalize().into_bytes().to_vec(),
            local: local.to_ascii_lowercase(),
            domain: domain.trim().trim_end_matches('.').to_ascii_lowercase(),
        }
    }

    pub fn domain(&self) -> &str {
        &self.domain
    }

    fn tag(&self, conversation_id: i64) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC accepts keys of any length");
        mac.update(format!("conversation:{conversation_id}").as_bytes());
        let mut tag = hex::encode(mac.finalize().into_bytes());
        tag.truncate(TAG_HEX);
        tag
    }

    /// The address a customer answers to about `conversation_id`.
    pub fn for_conversation(&self, conversation_id: i64) -> String {
        format!("{}+c{conversation_id}-{}@{}", self.local, self.tag(conversation_id), self.domain)
    }

    /// Reads a recipient address (with or without angle brackets).
    pub fn read(&self, address: &str) -> Token {
        let address = address.trim().trim_start_matches('<').trim_end_matches('>').to_ascii_lowercase();
        let Some((local, domain)) = address.rsplit_once('@') else {
            return Token::Absent;
        };
        if domain.trim_end_matches('.') != self.domain {
            return Token::Absent;
        }
        // The base may hold a `+` itself (care+support@…): the tag follows the base's own.
        let Some(token) = local.strip_prefix(&format!("{}+", self.local)) else {
            return Token::Absent;
        };
        let Some((number, tag)) = token.strip_prefix('c').and_then(|rest| rest.split_once('-')) else {
            return Token::Forged;
        };
        match number.parse::<i64>() {
            Ok(id) if id > 0 && crate::domain::signing::same_secret(tag, &self.tag(id)) => Token::Conversation(id),
            _ => Token::Forged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addresses() -> ReplyAddresses {
        ReplyAddresses::new(b"a secret of at least thirty-two bytes", "Care", "Reply.Example.com")
    }

    #[test]
    fn an_address_leads_back_to_its_conversation() {
        let addresses = addresses();
        let address = addresses.for_conversation(42);
        assert!(address.starts_with("care+c42-") && address.ends_with("@reply.example.com"), "{address}");
        assert_eq!(addresses.read(&address), Token::Conversation(42));
        assert_eq!(addresses.read(&format!("<{}>", address.to_uppercase())), Token::Conversation(42), "case and brackets do not matter");
    }

    #[test]
    fn forged_and_foreign_addresses_thread_nothing() {
        let addresses = addresses();
        let real = addresses.for_conversation(42);
        let other_number = real.replacen("c42-", "c43-", 1);
        assert_eq!(addresses.read(&other_number), Token::Forged, "another conversation's number with this tag");
        assert_eq!(addresses.read("care+c42-0000000000000000@reply.example.com"), Token::Forged);
        assert_eq!(addresses.read("care+hello@reply.example.com"), Token::Forged);
        assert_eq!(addresses.read("care@reply.example.com"), Token::Absent);
        assert_eq!(addresses.read("sales+c42-x@reply.example.com"), Token::Absent);
        assert_eq!(addresses.read(&real.replace("reply.example.com", "elsewhere.example")), Token::Absent);
        assert_eq!(addresses.read("not an address"), Token::Absent);
        let plus = ReplyAddresses::new(b"a secret of at least thirty-two bytes", "care+support", "reply.example.com");
        assert_eq!(plus.read(&plus.for_conversation(7)), Token::Conversation(7), "a sender address with its own +");
        let other_secret = ReplyAddresses::new(b"another secret of thirty-two bytes!!", "care", "reply.example.com");
        assert_eq!(other_secret.read(&real), Token::Forged, "a tag made with another key");
    }
}
