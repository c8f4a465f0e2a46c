//! IPv4 and IPv6 addresses, parsed with the standard library (spec §5.4).

use std::net::{Ipv4Addr, Ipv6Addr};

/// How an address should be weighed: public addresses point at a person's
/// connection; private, loopback and documentation ranges rarely do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Routable on the internet.
    Public,
    /// Private, loopback, link-local, unspecified or documentation range.
    Internal,
}

/// Parses an IPv4 candidate (no leading zeros, octets 0–255).
pub fn ipv4(s: &[u8]) -> Option<(Ipv4Addr, Scope)> {
    let ip: Ipv4Addr = std::str::from_utf8(s).ok()?.parse().ok()?;
    let internal = ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_documentation()
        || ip.is_broadcast();
    Some((ip, if internal { Scope::Internal } else { Scope::Public }))
}

/// Parses an IPv6 candidate in any RFC 4291 text form.
pub fn ipv6(s: &[u8]) -> Option<(Ipv6Addr, Scope)> {
    let ip: Ipv6Addr = std::str::from_utf8(s).ok()?.parse().ok()?;
    let seg = ip.segments();
    let internal = ip.is_loopback()
        || ip.is_unspecified()
        || (seg[0] & 0xffc0) == 0xfe80
        || (seg[0] & 0xfe00) == 0xfc00
        || (seg[0] == 0x2001 && seg[1] == 0x0db8);
    Some((ip, if internal { Scope::Internal } else { Scope::Public }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        assert_eq!(ipv4(b"8.8.8.8").unwrap().1, Scope::Public);
        assert_eq!(ipv4(b"10.0.0.255").unwrap().1, Scope::Internal);
        assert_eq!(ipv6(b"2001:db8::1").unwrap().1, Scope::Internal);
        assert_eq!(ipv6(b"2a01:4f8::1").unwrap().1, Scope::Public);
    }
}
