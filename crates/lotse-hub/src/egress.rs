//! The guard on the hub's outgoing feed requests.
//!
//! Feed URLs are entered by operators and followed by the hub automatically. Without a guard,
//! a feed URL (or a redirect, or a DNS name that later resolves elsewhere) could make the hub
//! fetch addresses of the network it runs in — a metadata service at `169.254.169.254`, an
//! admin interface on `10.0.0.1` — and reveal something of the answers in its harvest errors.
//! The guard therefore sits where addresses are decided: a DNS resolver that drops private,
//! loopback, link-local and other non-public addresses, a check of IP literals in URLs before
//! each request, and a redirect policy that applies the same check to every hop. It is switched
//! off by `allow_private_feeds` (see [`crate::config::HubConfig::allow_private_feeds`]), which
//! a hub on a developer's machine or in the demo needs to harvest nodes on `127.0.0.1`.
//! Proxies from the environment are not used, since a proxy would resolve names itself and so
//! bypass the guard.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why an outgoing request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("nur http(s)-Adressen sind erlaubt / only http(s) URLs are allowed: {0}")]
    Scheme(String),
    #[error("die Adresse enthält Zugangsdaten / the URL contains credentials")]
    Credentials,
    #[error("die Adresse hat keinen Host / the URL has no host")]
    NoHost,
    #[error(
        "{0} ist eine private, lokale oder reservierte Adresse (allow_private_feeds) / \
         {0} is a private, local or reserved address (allow_private_feeds)"
    )]
    Private(String),
    #[error("{0} lässt sich nicht auflösen / {0} does not resolve: {1}")]
    Unresolvable(String, String),
}

/// Whether an address belongs to the public internet. Everything else — private ranges,
/// loopback, link-local, carrier-grade NAT, documentation, benchmarking, multicast, reserved
/// and unspecified addresses, and IPv6 unique-local and mapped forms of those — is refused.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            is_public_v6(v6)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Carrier-grade NAT, 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24.
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (b == 18 || b == 19))
        // Reserved, 240.0.0.0/4.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local, fc00::/7.
        || (s[0] & 0xfe00) == 0xfc00
        // Link-local, fe80::/10.
        || (s[0] & 0xffc0) == 0xfe80
        // Site-local (deprecated), fec0::/10.
        || (s[0] & 0xffc0) == 0xfec0
        // Documentation, 2001:db8::/32.
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        // Discard-only, 100::/64.
        || (s[0] == 0x0100 && s[1] == 0 && s[2] == 0 && s[3] == 0)
        // IPv4-compatible (deprecated) and NAT64 forms carry an IPv4 address that is checked
        // on its own when it is used; refusing them outright is simpler and loses nothing.
        || (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0 && s[5] == 0)
        || (s[0] == 0x0064 && s[1] == 0xff9b))
}

/// Checks a URL before a request: http(s), no credentials, and an IP literal host must be
/// public unless private targets are allowed. Host names are checked by [`GuardedResolver`].
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), Refused> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refused::Scheme(url.scheme().to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refused::Credentials);
    }
    let host = url.host().ok_or(Refused::NoHost)?;
    if allow_private {
        return Ok(());
    }
    let literal = match host {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(_) => None,
    };
    match literal {
        Some(ip) if !is_public(ip) => Err(Refused::Private(ip.to_string())),
        _ => Ok(()),
    }
}

/// A DNS resolver that keeps only public addresses (or all, when private targets are allowed).
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    allow_private: bool,
}

impl GuardedResolver {
    /// A resolver that drops non-public addresses unless `allow_private`.
    pub fn new(allow_private: bool) -> Self {
        Self { allow_private }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| Refused::Unresolvable(host.clone(), e.to_string()))?
                .collect();
            let allowed: Vec<SocketAddr> =
                resolved.iter().copied().filter(|a| allow_private || is_public(a.ip())).collect();
            if allowed.is_empty() {
                let shown = resolved.first().map_or_else(|| host.clone(), |a| format!("{host} ({})", a.ip()));
                return Err(Refused::Private(shown).into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// Most redirects a feed request follows.
const MAX_REDIRECTS: usize = 5;

/// An HTTP client for feed requests with the guard installed.
pub fn guarded_client(allow_private: bool, timeout: Duration) -> reqwest::Result<reqwest::Client> {
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        match check_url(attempt.url(), allow_private) {
            Ok(()) => attempt.follow(),
            Err(refused) => attempt.error(refused),
        }
    });
    reqwest::Client::builder()
        .user_agent(concat!("lotse-hub/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .redirect(policy)
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_addresses() {
        for private in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "2001:db8::1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "141.2.3.4", "2a00:1450:4001::1", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn checks_urls() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(check_url(&u("http://8.8.8.8/feed"), false), Ok(()));
        assert_eq!(check_url(&u("https://feed.example.org/feed"), false), Ok(()));
        assert!(matches!(check_url(&u("http://127.0.0.1:8080/feed"), false), Err(Refused::Private(_))));
        assert!(matches!(check_url(&u("http://[::1]/feed"), false), Err(Refused::Private(_))));
        assert_eq!(check_url(&u("http://127.0.0.1:8080/feed"), true), Ok(()));
        assert!(matches!(check_url(&u("file:///etc/passwd"), true), Err(Refused::Scheme(_))));
        assert_eq!(check_url(&u("http://user:pw@example.org/"), true), Err(Refused::Credentials));
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_of_private_addresses() {
        let guarded = GuardedResolver { allow_private: false };
        let name: Name = "localhost".parse().unwrap();
        assert!(guarded.resolve(name).await.is_err());
        let open = GuardedResolver { allow_private: true };
        let name: Name = "localhost".parse().unwrap();
        let addrs: Vec<SocketAddr> = open.resolve(name).await.unwrap().collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()) && !addrs.is_empty());
    }

    #[tokio::test]
    async fn a_guarded_client_does_not_reach_loopback() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = guarded_client(false, Duration::from_secs(5)).unwrap();
        let err = client.get(format!("http://localhost:{port}/feed")).send().await.unwrap_err();
        assert!(err.is_connect() || err.is_request(), "{err:?}");
    }
}
