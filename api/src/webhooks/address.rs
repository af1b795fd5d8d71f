//! Where webhooks may go: `http`/`https` URLs whose host resolves only to
//! public addresses. Loopback, private, link-local, shared (CGNAT),
//! unspecified, multicast and documentation ranges are refused unless
//! `WEBHOOK_ALLOW_PRIVATE` is set. The check runs on the resolved addresses
//! at every send ([`GuardedResolver`], the client's only resolver), not only
//! on the name when the subscription is made, so a name that later resolves
//! to an inside address (DNS rebinding) is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Longest endpoint URL.
pub const MAX_URL_LEN: usize = 2048;

/// True for addresses a webhook may not reach without `WEBHOOK_ALLOW_PRIVATE`.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return internal_v4(v4);
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (seg[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (seg[0] == 0x2001 && seg[1] == 0x0db8) // documentation
                || (seg[0] == 0x0064 && seg[1] == 0xff9b) // NAT64 maps to IPv4 inside
                || v6 == Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1)
        }
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space (CGNAT)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (18..20).contains(&o[1])) // benchmarking
        || o[0] >= 240
}

/// Checks an endpoint URL when a subscription is made or changed; answers
/// the parsed URL or why it is refused.
pub fn check_url(raw: &str, allow_private: bool) -> Result<Url, String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_URL_LEN {
        return Err(format!(
            "give an http(s) URL of at most {MAX_URL_LEN} characters"
        ));
    }
    let url = Url::parse(raw).map_err(|_| "not a valid URL".to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the URL must start with https:// or http://".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("put no user name or password in the URL".into());
    }
    let Some(host) = url.host() else {
        return Err("the URL has no host".into());
    };
    if !allow_private {
        let internal = match host {
            url::Host::Ipv4(ip) => is_internal(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => is_internal(IpAddr::V6(ip)),
            url::Host::Domain(d) => {
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                d == "localhost" || d.ends_with(".localhost") || d.ends_with(".internal")
            }
        };
        if internal {
            return Err(
                "private, loopback and link-local addresses are refused (an administrator may allow them with WEBHOOK_ALLOW_PRIVATE)".into(),
            );
        }
    }
    Ok(url)
}

/// The webhook client's resolver: every address a name resolves to must be
/// public (unless private ones are allowed), or the send fails.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    /// `WEBHOOK_ALLOW_PRIVATE`.
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow_private;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            if addrs.is_empty() {
                return Err("the name resolves to no address".into());
            }
            if !allow && addrs.iter().any(|a| is_internal(a.ip())) {
                return Err(format!(
                    "{} resolves to a private or loopback address: refused",
                    name.as_str()
                )
                .into());
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_addresses_are_refused_and_public_ones_pass() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(is_internal(bad.parse().unwrap()), "{bad}");
        }
        for good in ["8.8.8.8", "2a00:1450:4001::1", "185.1.2.3"] {
            assert!(!is_internal(good.parse().unwrap()), "{good}");
        }
    }

    #[test]
    fn urls_are_checked_before_they_are_stored() {
        assert!(check_url("https://hooks.example.org/x", false).is_ok());
        assert!(check_url("http://127.0.0.1:9/x", false).is_err());
        assert!(check_url("http://127.0.0.1:9/x", true).is_ok());
        assert!(check_url("http://[::1]/", false).is_err());
        assert!(check_url("http://localhost/", false).is_err());
        assert!(check_url("ftp://example.org/", false).is_err());
        assert!(check_url("https://u:p@example.org/", false).is_err());
        assert!(check_url("not a url", false).is_err());
        assert!(check_url(&format!("https://e.org/{}", "a".repeat(3000)), false).is_err());
    }
}
