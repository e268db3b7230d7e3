//! Keyed hashes for what Rapport signs or stores in place of a secret: session and API tokens,
//! reply addresses, rating and digest links, webhook signatures.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The keyed hash under which a token is stored; a leaked table does not yield usable tokens.
pub fn token_hash(secret: &[u8], token: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether two secrets (tokens, tags) are equal, in time that does not depend on where they
/// first differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
