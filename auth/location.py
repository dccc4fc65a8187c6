"""Approximate location of an IP address: "Berlin, Germany", "Germany" or ``None``.

Offline by default: ``iptocc`` (RIR registration data shipped in the package) gives the country
code and ``pycountry`` its English name. When a MaxMind City or Country ``.mmdb`` file is
configured (``GEOIP_DATABASE``) it is read with ``maxminddb`` instead, falling back to the offline
data for addresses it does not cover. Private, loopback, reserved and documentation addresses
have no location.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import iptocc
import maxminddb
import pycountry

from auth.network import IPAddress, parse_ip

__all__ = ["LocationResolver", "country_name"]

_CACHE_SIZE = 4096
_MAX_IP_TEXT = 64  # longer text is not an address (parse_ip agrees); keeps cache keys small

# Short names people use (and that MaxMind's English names use) where ISO's differ.
_NAME_OVERRIDES = {
    "BN": "Brunei",
    "CD": "DR Congo",
    "CG": "Congo Republic",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Vatican City",
    "XK": "Kosovo",  # user-assigned code, used by the RIRs and MaxMind, not in ISO 3166
}


@functools.lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """English short name for an ISO 3166-1 alpha-2 code ("DE" → "Germany"); ``None`` if unknown."""
    if not code or not isinstance(code, str) or len(code) != 2:
        return None
    code = code.upper()
    if code in _NAME_OVERRIDES:
        return _NAME_OVERRIDES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def _has_location(address: IPAddress) -> bool:
    return address.is_global and not (address.is_multicast or address.is_reserved)


def _english_name(record: Mapping[str, Any], key: str) -> str | None:
    section = record.get(key)
    if not isinstance(section, Mapping):
        return None
    names = section.get("names")
    if not isinstance(names, Mapping):
        return None
    name = names.get("en")
    return (name.strip() or None) if isinstance(name, str) else None


class LocationResolver:
    """Looks up where an IP address is, with a bounded cache; ``lookup`` never raises.

    A configured ``mmdb_path`` that cannot be opened raises at construction, so a wrong
    ``GEOIP_DATABASE`` fails at start rather than silently giving no locations.
    """

    def __init__(self, mmdb_path: str | None = None, *, cache_size: int = _CACHE_SIZE) -> None:
        self._reader: maxminddb.Reader | None = maxminddb.open_database(mmdb_path) if mmdb_path else None
        self._cached = functools.lru_cache(maxsize=cache_size)(self._resolve)

    def lookup(self, ip: str | None) -> str | None:
        """ "City, Country" (with a City database), else "Country", else ``None``."""
        if not ip or not isinstance(ip, str) or len(ip) > _MAX_IP_TEXT:
            return None
        # Keyed on the text as given: a hit skips parsing, which costs more than the lookup.
        return self._cached(ip)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def cache_clear(self) -> None:
        self._cached.cache_clear()

    def _resolve(self, ip: str) -> str | None:
        address = parse_ip(ip)
        if address is None or not _has_location(address):
            return None
        if self._reader is not None:
            try:
                record = self._reader.get(address)
            except Exception:  # e.g. an IPv6 address against an IPv4-only database
                record = None
            if isinstance(record, Mapping):
                country = _english_name(record, "country") or _english_name(record, "registered_country")
                if country:
                    city = _english_name(record, "city")
                    return f"{city}, {country}" if city else country
        try:
            # parse_ip already turned IPv4-mapped IPv6 into IPv4 (iptocc answers None for those).
            code = iptocc.country_code(str(address))
        except Exception:
            return None
        return country_name(code)
