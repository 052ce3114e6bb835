"""Which internet addresses are public: the judgement the link guard and the findings share.

Kept apart from the guard (generator/links/guard.py, which is built on httpcore) so that
what only reads an address, like a finding about a link, loads no HTTP library.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The IPv4 address inside NAT64 (RFC 6052), which a NAT64 gateway would connect to.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def public(ip: IPAddress) -> bool:
    """Whether `ip` is an ordinary internet address, reachable by anyone.

    IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4, Teredo) are judged
    by that address too: ::ffff:127.0.0.1 is still this computer.
    """
    inner: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return public(ip.ipv4_mapped)  # the IPv4 address is all there is to it
        if ip in _NAT64:
            inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF))
        if ip.sixtofour:
            inner.append(ip.sixtofour)
        if ip.teredo:
            inner.extend(ip.teredo)
    return all(a.is_global and not (a.is_private or a.is_loopback or a.is_link_local
                                    or a.is_multicast or a.is_reserved or a.is_unspecified)
               for a in inner)


def address_of(host: str) -> IPAddress | None:
    """The address `host` spells literally (brackets and zone allowed), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None
