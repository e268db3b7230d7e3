//! Which address a request came from, for per-address limits. Behind a reverse proxy every
//! request arrives from the proxy, so its `X-Forwarded-For` is believed — but only when the
//! connection comes from a proxy the operator named (`trusted_proxies`), since anyone else can
//! write that header.

use std::net::IpAddr;

/// The client's address: the connection's peer, or — when the peer is a trusted proxy — the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy (proxies append the
/// address they saw, so entries further left are the client's own claims).
pub fn resolve(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for entry in header.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(address) => {
                client = address;
                if !trusted.contains(&address) {
                    break;
                }
            }
            // Garbage in the chain: stop at the last address a trusted proxy vouched for.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        assert_eq!(resolve(ip("203.0.113.9"), Some("1.2.3.4"), &[ip("127.0.0.1")]), ip("203.0.113.9"));
        assert_eq!(resolve(ip("127.0.0.1"), Some("1.2.3.4"), &[]), ip("127.0.0.1"), "no proxies trusted");
    }

    #[test]
    fn behind_a_trusted_proxy_the_address_it_saw_counts() {
        let proxies = [ip("127.0.0.1"), ip("10.0.0.2")];
        assert_eq!(resolve(ip("127.0.0.1"), Some("198.51.100.7"), &proxies), ip("198.51.100.7"));
        // A client that sends its own header cannot pick its address: the proxy appended the real one.
        assert_eq!(resolve(ip("127.0.0.1"), Some("6.6.6.6, 198.51.100.7"), &proxies), ip("198.51.100.7"));
        // Two proxies in a row.
        assert_eq!(resolve(ip("127.0.0.1"), Some("198.51.100.7, 10.0.0.2"), &proxies), ip("198.51.100.7"));
        assert_eq!(resolve(ip("127.0.0.1"), Some("not-an-ip, 10.0.0.2"), &proxies), ip("10.0.0.2"));
        assert_eq!(resolve(ip("127.0.0.1"), None, &proxies), ip("127.0.0.1"));
    }
}
