//! Where webhooks may be sent. The server POSTs to the URL and shows admins what came back,
//! so a URL naming this machine, the cloud's metadata service (link-local) or a private
//! network would let it probe those. By default only public addresses are allowed: checked
//! when a webhook is added and again, on the resolved addresses, at every delivery (a name
//! may point elsewhere later). The `webhooks_allow_private_targets` setting lifts this for
//! receivers on the same machine or network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// Which addresses webhook deliveries may go to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TargetPolicy {
    /// Only public internet addresses (the default).
    #[default]
    PublicOnly,
    /// Any address, private networks and this machine included.
    AnyAddress,
}

impl TargetPolicy {
    /// The policy of the `webhooks_allow_private_targets` setting.
    pub fn allowing_private(allow_private: bool) -> TargetPolicy {
        if allow_private {
            TargetPolicy::AnyAddress
        } else {
            TargetPolicy::PublicOnly
        }
    }
}

/// What an admin reads when a target is refused.
pub const REFUSED: &str = "This address is on this machine or a private network (loopback, link-local or private addresses), \
     where webhooks are not sent. To allow it, set webhooks_allow_private_targets.";

/// Whether `ip` is a public internet address: not loopback, private, link-local, shared
/// (carrier NAT), unique-local, multicast, documentation, benchmarking or reserved, also when
/// written as an IPv4-mapped or NAT64 IPv6 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., high, low] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(high) << 16) | u32::from(low)));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00 // unique local
        || (segments[0] & 0xffc0) == 0xfe80 // link-local
        || (segments[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
        || segments[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible (deprecated), and ::/96
}

/// What the URL names, as an HTTP client reads it.
enum Target {
    Address(IpAddr),
    Name(String, u16),
}

fn target_of(url: &str) -> Result<Target, String> {
    let parsed = url::Url::parse(url).map_err(|_| "This is not a web address.".to_string())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("Webhook addresses start with https:// or http://.".into());
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    match parsed.host() {
        Some(url::Host::Ipv4(ip)) => Ok(Target::Address(IpAddr::V4(ip))),
        Some(url::Host::Ipv6(ip)) => Ok(Target::Address(IpAddr::V6(ip))),
        Some(url::Host::Domain(name)) => Ok(Target::Name(name.to_string(), port)),
        None => Err("This address names no host.".into()),
    }
}

/// The check a delivery needs before connecting, where no name is resolved: `url` must be
/// http(s), and an address written in it (`http://127.0.0.1/`, `http://[::1]/`, and forms
/// like `http://0x7f.1/` that clients read as addresses) must be allowed. Names are left to
/// the resolver, which must allow only public addresses (see the server's webhook worker).
pub fn check_address(url: &str, policy: TargetPolicy) -> Result<(), String> {
    match target_of(url)? {
        Target::Address(ip) if policy == TargetPolicy::PublicOnly && !is_public(ip) => Err(REFUSED.into()),
        _ => Ok(()),
    }
}

/// How long adding a webhook waits for its name to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// The check when a webhook is added: [`check_address`], and a name must not resolve to a
/// non-public address. A name that does not resolve (yet) is accepted: every delivery
/// resolves it again and sends only to public addresses.
pub async fn check_new_target(url: &str, policy: TargetPolicy) -> Result<(), String> {
    check_address(url, policy)?;
    let Target::Name(name, port) = target_of(url)? else {
        return Ok(());
    };
    if policy == TargetPolicy::AnyAddress {
        return Ok(());
    }
    let resolved: Vec<std::net::SocketAddr> =
        match tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((name.as_str(), port))).await {
            Ok(Ok(addresses)) => addresses.collect(),
            _ => Vec::new(),
        };
    if resolved.iter().any(|address| !is_public(address.ip())) {
        return Err(REFUSED.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "::127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "::ffff:1.1.1.1", "64:ff9b::101:101"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn addresses_in_urls_are_read_as_clients_read_them() {
        for refused in [
            "http://127.0.0.1:8080/hook",
            "http://0x7f.1/hook",
            "http://2130706433/hook",
            "http://[::1]/hook",
            "http://[::ffff:7f00:1]/hook",
            "https://169.254.169.254/latest/meta-data/",
            "http://user@10.0.0.1/",
        ] {
            assert_eq!(check_address(refused, TargetPolicy::PublicOnly), Err(REFUSED.to_string()), "{refused}");
            assert_eq!(check_address(refused, TargetPolicy::AnyAddress), Ok(()), "{refused}");
        }
        assert!(check_address("https://1.1.1.1/hook", TargetPolicy::PublicOnly).is_ok());
        assert!(check_address("https://hooks.example.com/x", TargetPolicy::PublicOnly).is_ok(), "names are resolved later");
        assert!(check_address("ftp://hooks.example.com/x", TargetPolicy::AnyAddress).is_err());
    }

    #[tokio::test]
    async fn a_new_target_named_for_this_machine_is_refused() {
        assert_eq!(check_new_target("http://localhost:9/hook", TargetPolicy::PublicOnly).await, Err(REFUSED.to_string()));
        assert_eq!(check_new_target("http://localhost:9/hook", TargetPolicy::AnyAddress).await, Ok(()));
    }
}
