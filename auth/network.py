"""Client IP addresses: which one to believe, and how much of it to show.

``client_ip`` reads ``X-Forwarded-For`` only when the TCP peer is a configured trusted proxy, and
then only the entries appended by trusted proxies, from the right: the left part of the header is
whatever the client chose to send. All header lines count, in order: a proxy may append its own line
(HAProxy's ``option forwardfor``) below one the client forged. ``mask_ip`` keeps the /24 of an IPv4
address and the /48 of an IPv6 address, which is what the sessions list and the security log show.
``ip_limit_key`` is what per-IP limits count: an IPv4 address alone, an IPv6 address by its network
(/64 by default), since one subscriber line gets a whole /64 and could otherwise rotate addresses.

uvicorn's ``ProxyHeadersMiddleware`` is not used: it believes a garbage entry as the client, reads the
whole header however long, and falls back to the left-most (client-written) entry when every hop is trusted.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "IPAddress",
    "IPNetwork",
    "client_ip",
    "ip_limit_key",
    "mask_ip",
    "parse_ip",
    "parse_trusted_proxies",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Longest text accepted as one address: a full IPv6 address with an embedded IPv4 tail, brackets,
# a port and a short zone id fit well within this.
_MAX_ADDRESS_LENGTH = 64
# X-Forwarded-For hops examined from the right; a deployment has a handful of proxies at most.
_MAX_HOPS = 16
_IPV4_WITH_PORT = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$")
_BRACKETED_V6 = re.compile(r"^\[([0-9A-Fa-f:.]+(?:%[^\]]*)?)\](?::\d{1,5})?$")


def parse_ip(value: str | None) -> IPAddress | None:
    """The address in ``value``, normalised; ``None`` for anything that is not one address.

    Accepts surrounding whitespace, ``[v6]`` / ``[v6]:port`` / ``v4:port`` (as some proxies write
    them), drops IPv6 zone ids (``fe80::1%eth0``, meaningless off the host), and turns
    IPv4-mapped IPv6 (``::ffff:192.0.2.1``, as dual-stack sockets report IPv4 peers) into IPv4.
    """
    if not value or not isinstance(value, str) or len(value) > _MAX_ADDRESS_LENGTH:
        return None
    text = value.strip()
    if match := _BRACKETED_V6.match(text):
        text = match.group(1)
    elif match := _IPV4_WITH_PORT.match(text):
        text = match.group(1)
    if "%" in text:
        text = text.split("%", 1)[0]
    if not text.isascii():
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def mask_ip(ip: str | None) -> str | None:
    """``203.0.113.xxx`` for IPv4, ``2001:db8:85a3::xxxx`` (the /48) for IPv6, ``None`` if not an IP."""
    address = parse_ip(ip)
    if address is None:
        return None
    if isinstance(address, ipaddress.IPv4Address):
        return str(address).rsplit(".", 1)[0] + ".xxx"
    prefix = str(ipaddress.IPv6Network((address, 48), strict=False).network_address)
    # The last 80 bits are zero, so the compressed form always ends in "::".
    return prefix + ("xxxx" if prefix.endswith("::") else "::xxxx")


def _is_trusted(address: IPAddress, trusted_proxies: Iterable[IPNetwork]) -> bool:
    return any(address in network for network in trusted_proxies)


def client_ip(
    peer: str | None,
    forwarded_for: str | Sequence[str] | None,
    trusted_proxies: Sequence[IPNetwork],
) -> str | None:
    """The address of the client, as a normalised string; ``None`` if the peer is not an IP.

    The socket peer is the answer unless it is inside ``trusted_proxies``. Then
    ``forwarded_for`` (the ``X-Forwarded-For`` header lines in order, or one value) is joined with
    ``,`` and read from the right, skipping trusted proxies, and the first other address is the
    client. An unparsable entry where an address should be, or a header with only trusted
    addresses, gives the peer: an entry is never believed unless every hop to its right is trusted.
    """
    peer_address = parse_ip(peer)
    if peer_address is None:
        return None
    if not trusted_proxies or not forwarded_for or not _is_trusted(peer_address, trusted_proxies):
        return str(peer_address)
    lines = [forwarded_for] if isinstance(forwarded_for, str) else list(forwarded_for)
    if not all(isinstance(line, str) for line in lines):
        return str(peer_address)
    # Only the last hops matter, and each line holds at least one: 10 kB of headers cost no more than a short one.
    hops = ",".join(lines[-_MAX_HOPS:]).rsplit(",", _MAX_HOPS)[-_MAX_HOPS:]
    for entry in reversed(hops):
        address = parse_ip(entry)
        if address is None:
            break
        if not _is_trusted(address, trusted_proxies):
            return str(address)
    return str(peer_address)


def ip_limit_key(ip: str | None, ipv6_prefix: int = 64) -> str | None:
    """What per-IP limits count for ``ip``: an IPv4 address itself, an IPv6 address as its ``/ipv6_prefix``
    network (``2001:db8:1:2::/64``); ``None`` when ``ip`` is not an address."""
    address = parse_ip(ip)
    if address is None:
        return None
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    return ipaddress.IPv6Network((address, ipv6_prefix), strict=False).with_prefixlen


def parse_trusted_proxies(value: str | None) -> tuple[IPNetwork, ...]:
    """Networks from a setting like ``"10.0.0.0/8, 192.168.1.10, ::1"`` (commas or spaces).

    Bare addresses become single-host networks, host bits are allowed (``10.0.0.1/8`` is
    ``10.0.0.0/8``), an empty value gives ``()``. Anything else raises ``ValueError`` naming it.
    """
    if value is None:
        return ()
    networks: list[IPNetwork] = []
    for item in re.split(r"[,\s]+", value.strip()):
        if not item:
            continue
        try:
            if "%" in item:
                raise ValueError("zone ids are not allowed")
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"invalid trusted proxy {item!r}: expected an IP address or a CIDR network "
                "such as 10.0.0.0/8 or 2001:db8::/32, separated by commas"
            ) from None
    return tuple(dict.fromkeys(networks))
