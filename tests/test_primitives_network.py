"""Table tests for auth.network (client IP, masking, trusted proxies) and auth.location."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager

from auth.location import LocationResolver, country_name
from auth.network import client_ip, ip_limit_key, mask_ip, parse_ip, parse_trusted_proxies
from tests.support.databases import Backend
from tests.support.settings import test_settings
from workestra.app import create_app

LONG = "1" * 10_000

# ---------------------------------------------------------------------------------------------
# parse_ip

PARSE_IP = [
    ("ipv4", "203.0.113.7", "203.0.113.7"),
    ("ipv4-whitespace", "  203.0.113.7\t", "203.0.113.7"),
    ("ipv4-port", "203.0.113.7:8443", "203.0.113.7"),
    ("ipv6", "2001:DB8:85A3:0:0:8A2E:370:7334", "2001:db8:85a3::8a2e:370:7334"),
    ("ipv6-brackets", "[2001:db8::1]", "2001:db8::1"),
    ("ipv6-brackets-port", "[2001:db8::1]:443", "2001:db8::1"),
    ("ipv6-zone", "fe80::1%eth0", "fe80::1"),
    ("ipv6-zone-brackets", "[fe80::1%25eth0]:80", "fe80::1"),
    ("ipv4-mapped", "::ffff:203.0.113.7", "203.0.113.7"),
    ("ipv4-mapped-hex", "::ffff:cb00:7107", "203.0.113.7"),
    ("none", None, None),
    ("empty", "", None),
    ("hostname", "testclient", None),
    ("unknown", "unknown", None),
    ("ipv4-leading-zeros", "010.0.0.1", None),
    ("ipv4-out-of-range", "256.1.1.1", None),
    ("cidr", "203.0.113.0/24", None),
    ("two-addresses", "203.0.113.7 203.0.113.8", None),
    ("nul", "203.0.113.7\x00", None),
    ("crlf", "203.0.113.7\r\n", "203.0.113.7"),  # surrounding whitespace, like any other
    ("crlf-inside", "203.0.\r\n113.7", None),
    ("unicode-digits", "２０３.0.113.7", None),
    ("arabic-digits", "٢٠٣.0.113.7", None),
    ("10kB", LONG, None),
    ("bad-port", "203.0.113.7:http", None),
    ("bare-ipv6-with-port-lookalike", "2001:db8::1:443", "2001:db8::1:443"),
]


@pytest.mark.parametrize(("value", "expected"), [r[1:] for r in PARSE_IP], ids=[r[0] for r in PARSE_IP])
def test_parse_ip(value: str | None, expected: str | None) -> None:
    address = parse_ip(value)
    assert (None if address is None else str(address)) == expected


# ---------------------------------------------------------------------------------------------
# mask_ip (documentation ranges only)

MASK = [
    ("ipv4", "203.0.113.7", "203.0.113.xxx"),
    ("ipv4-other-range", "198.51.100.255", "198.51.100.xxx"),
    ("ipv4-zero", "0.0.0.0", "0.0.0.xxx"),
    ("ipv4-port", "192.0.2.1:1234", "192.0.2.xxx"),
    ("ipv6-full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3::xxxx"),
    ("ipv6-spec-example", "2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::xxxx"),
    ("ipv6-zero-in-prefix", "2001:db8:0:1234::1", "2001:db8::xxxx"),
    ("ipv6-prefix-mostly-zero", "2001::1", "2001::xxxx"),
    ("ipv6-third-group", "2001:db8:ffff:ffff::", "2001:db8:ffff::xxxx"),
    ("ipv6-loopback", "::1", "::xxxx"),
    ("ipv6-zone-id", "fe80::1%eth0", "fe80::xxxx"),
    ("ipv6-brackets", "[2001:db8:85a3::1]:443", "2001:db8:85a3::xxxx"),
    ("ipv4-mapped", "::ffff:203.0.113.7", "203.0.113.xxx"),
    ("ipv4-mapped-upper", "::FFFF:198.51.100.9", "198.51.100.xxx"),
    ("none", None, None),
    ("empty", "", None),
    ("garbage", "not-an-ip", None),
    ("cidr", "203.0.113.0/24", None),
    ("10kB", LONG, None),
    ("nul", "\x00", None),
    ("unicode", "２０３.0.113.7", None),
]


@pytest.mark.parametrize(("ip", "expected"), [r[1:] for r in MASK], ids=[r[0] for r in MASK])
def test_mask_ip(ip: str | None, expected: str | None) -> None:
    assert mask_ip(ip) == expected


def test_mask_ip_never_shows_more_than_the_prefix() -> None:
    assert "7334" not in mask_ip("2001:db8:85a3::8a2e:370:7334")
    assert "7" not in mask_ip("203.0.113.7").rsplit(".", 1)[1]


# ---------------------------------------------------------------------------------------------
# parse_trusted_proxies

V4 = ipaddress.IPv4Network
V6 = ipaddress.IPv6Network

TRUSTED_OK = [
    ("empty", "", ()),
    ("blank", "  ", ()),
    ("none", None, ()),
    ("one-cidr", "10.0.0.0/8", (V4("10.0.0.0/8"),)),
    ("bare-address", "192.0.2.10", (V4("192.0.2.10/32"),)),
    ("ipv6", "2001:db8::/32, ::1", (V6("2001:db8::/32"), V6("::1/128"))),
    ("host-bits", "10.1.2.3/8", (V4("10.0.0.0/8"),)),
    ("spaces-and-trailing-comma", " 10.0.0.0/8 ,172.16.0.0/12,, ", (V4("10.0.0.0/8"), V4("172.16.0.0/12"))),
    ("space-separated", "10.0.0.0/8 127.0.0.1", (V4("10.0.0.0/8"), V4("127.0.0.1/32"))),
    ("duplicates", "10.0.0.0/8,10.0.0.0/8", (V4("10.0.0.0/8"),)),
]


@pytest.mark.parametrize(("value", "expected"), [r[1:] for r in TRUSTED_OK], ids=[r[0] for r in TRUSTED_OK])
def test_parse_trusted_proxies(value: str | None, expected: tuple) -> None:
    assert parse_trusted_proxies(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "localhost",
        "10.0.0.0/33",
        "10.0.0.0/8;192.168.0.0/16",
        "*",
        "10.0.0.0/8, junk",
        "fe80::1%eth0",
        "１０.0.0.1",
        "10.0.0.0/8\x00",
        "x" * 10_000,
    ],
)
def test_parse_trusted_proxies_rejects_junk(value: str) -> None:
    with pytest.raises(ValueError, match="invalid trusted proxy"):
        parse_trusted_proxies(value)


# ---------------------------------------------------------------------------------------------
# client_ip

PROXIES = parse_trusted_proxies("10.0.0.0/8, 2001:db8:ffff::/48")
CLIENT = [
    # (id, peer, X-Forwarded-For, trusted proxies, expected)
    ("no-proxy-configured", "203.0.113.7", "198.51.100.1", (), "203.0.113.7"),
    ("spoofed-xff-untrusted-peer", "203.0.113.7", "198.51.100.1", PROXIES, "203.0.113.7"),
    ("spoofed-xff-chain-untrusted-peer", "203.0.113.7", "10.0.0.1, 198.51.100.1", PROXIES, "203.0.113.7"),
    ("trusted-peer-no-xff", "10.0.0.2", None, PROXIES, "10.0.0.2"),
    ("trusted-peer-empty-xff", "10.0.0.2", "", PROXIES, "10.0.0.2"),
    ("one-trusted-proxy", "10.0.0.2", "198.51.100.1", PROXIES, "198.51.100.1"),
    ("client-spoof-before-real", "10.0.0.2", "192.0.2.66, 198.51.100.1", PROXIES, "198.51.100.1"),
    ("two-trusted-proxies", "10.0.0.2", "198.51.100.1, 10.0.0.3", PROXIES, "198.51.100.1"),
    (
        "two-trusted-proxies-with-spoof",
        "10.0.0.2",
        "1.2.3.4, 192.0.2.66, 198.51.100.1, 10.0.0.3",
        PROXIES,
        "198.51.100.1",
    ),
    ("spoofed-trusted-leftmost", "10.0.0.2", "10.9.9.9, 198.51.100.1", PROXIES, "198.51.100.1"),
    ("ipv6-client-ipv6-proxy", "2001:db8:ffff::2", "2001:db8:1::7", PROXIES, "2001:db8:1::7"),
    ("mixed-families", "2001:db8:ffff::2", "198.51.100.1, 10.0.0.3", PROXIES, "198.51.100.1"),
    ("ipv4-mapped-peer", "::ffff:10.0.0.2", "198.51.100.1", PROXIES, "198.51.100.1"),
    ("ipv4-mapped-entry", "10.0.0.2", "::ffff:198.51.100.1", PROXIES, "198.51.100.1"),
    ("entry-with-port", "10.0.0.2", "198.51.100.1:5678", PROXIES, "198.51.100.1"),
    ("bracketed-ipv6-entry", "10.0.0.2", "[2001:db8:1::7]:443", PROXIES, "2001:db8:1::7"),
    ("zone-id-entry", "10.0.0.2", "fe80::1%eth0", PROXIES, "fe80::1"),
    ("zone-id-peer-untrusted", "fe80::1%eth0", "198.51.100.1", PROXIES, "fe80::1"),
    ("extra-whitespace", "10.0.0.2", "  198.51.100.1 ,\t10.0.0.3  ", PROXIES, "198.51.100.1"),
    ("garbage-rightmost", "10.0.0.2", "198.51.100.1, garbage", PROXIES, "10.0.0.2"),
    ("garbage-behind-trusted", "10.0.0.2", "198.51.100.1, unknown, 10.0.0.3", PROXIES, "10.0.0.2"),
    ("garbage-left-of-client", "10.0.0.2", "garbage, 198.51.100.1", PROXIES, "198.51.100.1"),
    ("empty-entry", "10.0.0.2", "198.51.100.1,", PROXIES, "10.0.0.2"),
    ("only-commas", "10.0.0.2", ",,,", PROXIES, "10.0.0.2"),
    ("all-trusted", "10.0.0.2", "10.0.0.5, 10.0.0.3", PROXIES, "10.0.0.2"),
    ("nul-entry", "10.0.0.2", "198.51.100.1\x00", PROXIES, "10.0.0.2"),
    ("crlf-entry", "10.0.0.2", "192.0.2.66\r\nX: y, 198.51.100.1", PROXIES, "198.51.100.1"),
    ("unicode-entry", "10.0.0.2", "１９８.51.100.1", PROXIES, "10.0.0.2"),
    ("10kB-xff", "10.0.0.2", LONG, PROXIES, "10.0.0.2"),
    ("10kB-spoof-then-real", "10.0.0.2", "9," * 5_000 + "198.51.100.1", PROXIES, "198.51.100.1"),
    ("many-trusted-hops", "10.0.0.2", "198.51.100.1" + ", 10.0.0.3" * 5_000, PROXIES, "10.0.0.2"),
    ("cidr-entry", "10.0.0.2", "198.51.100.0/24", PROXIES, "10.0.0.2"),
    ("peer-none", None, "198.51.100.1", PROXIES, None),
    ("peer-hostname", "testclient", "198.51.100.1", PROXIES, None),
    ("peer-empty", "", None, (), None),
    ("peer-normalised", "2001:DB8:0:0::1", None, (), "2001:db8::1"),
]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "trusted", "expected"),
    [r[1:] for r in CLIENT],
    ids=[r[0] for r in CLIENT],
)
def test_client_ip(peer: str | None, forwarded_for: str | None, trusted: tuple, expected: str | None) -> None:
    assert client_ip(peer, forwarded_for, trusted) == expected


# Several X-Forwarded-For header lines, in the order they arrived (a proxy may append its own line).
CLIENT_LINES = [
    # (id, peer, header lines, expected)
    ("one-line", "10.0.0.2", ["198.51.100.1"], "198.51.100.1"),
    ("forged-line-then-proxy-line", "10.0.0.2", ["192.0.2.66", "198.51.100.1"], "198.51.100.1"),
    ("forged-list-then-proxy-line", "10.0.0.2", ["1.2.3.4, 192.0.2.66", "198.51.100.1"], "198.51.100.1"),
    ("forged-line-then-two-proxy-lines", "10.0.0.2", ["192.0.2.66", "198.51.100.1", "10.0.0.3"], "198.51.100.1"),
    ("proxy-line-with-list", "10.0.0.2", ["192.0.2.66", "198.51.100.1, 10.0.0.3"], "198.51.100.1"),
    ("forged-trusted-line-first", "10.0.0.2", ["10.9.9.9", "198.51.100.1"], "198.51.100.1"),
    ("ipv6-lines", "2001:db8:ffff::2", ["2001:db8:66::1", "[2001:db8:1::7]:443"], "2001:db8:1::7"),
    ("port-in-last-line", "10.0.0.2", ["192.0.2.66", "198.51.100.1:5678"], "198.51.100.1"),
    ("garbage-last-line", "10.0.0.2", ["198.51.100.1", "garbage"], "10.0.0.2"),
    ("garbage-first-line", "10.0.0.2", ["garbage", "198.51.100.1"], "198.51.100.1"),
    ("empty-last-line", "10.0.0.2", ["198.51.100.1", ""], "10.0.0.2"),
    ("empty-first-line", "10.0.0.2", ["", "198.51.100.1"], "198.51.100.1"),
    ("all-lines-trusted", "10.0.0.2", ["10.0.0.5", "10.0.0.3"], "10.0.0.2"),
    ("no-lines", "10.0.0.2", [], "10.0.0.2"),
    ("untrusted-peer-ignores-lines", "203.0.113.7", ["192.0.2.66", "198.51.100.1"], "203.0.113.7"),
    ("thousand-forged-lines-then-real", "10.0.0.2", ["192.0.2.66"] * 1_000 + ["198.51.100.1"], "198.51.100.1"),
    ("huge-line-then-real", "10.0.0.2", [LONG, "198.51.100.1"], "198.51.100.1"),
    ("real-then-many-trusted-lines", "10.0.0.2", ["198.51.100.1"] + ["10.0.0.3"] * 1_000, "10.0.0.2"),
    ("non-string-line", "10.0.0.2", [b"198.51.100.1"], "10.0.0.2"),
]


@pytest.mark.parametrize(("peer", "lines", "expected"), [r[1:] for r in CLIENT_LINES], ids=[r[0] for r in CLIENT_LINES])
def test_client_ip_joins_every_header_line_in_order(peer: str, lines: list, expected: str) -> None:
    assert client_ip(peer, lines, PROXIES) == expected


# ---------------------------------------------------------------------------------------------
# ip_limit_key

LIMIT_KEY = [
    # (id, ip, IPv6 prefix, expected)
    ("ipv4-alone", "203.0.113.7", 64, "203.0.113.7"),
    ("ipv4-prefix-ignored", "203.0.113.7", 48, "203.0.113.7"),
    ("ipv4-mapped-is-ipv4", "::ffff:203.0.113.7", 64, "203.0.113.7"),
    ("ipv6-by-64", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, "2001:db8:1:2::/64"),
    ("ipv6-same-64", "2001:db8:1:2::1", 64, "2001:db8:1:2::/64"),
    ("ipv6-other-64", "2001:db8:1:3::1", 64, "2001:db8:1:3::/64"),
    ("ipv6-uppercase", "2001:DB8:1:2::FFFF", 64, "2001:db8:1:2::/64"),
    ("ipv6-by-48", "2001:db8:1:2::1", 48, "2001:db8:1::/48"),
    ("ipv6-by-56", "2001:db8:1:2ff::1", 56, "2001:db8:1:200::/56"),
    ("ipv6-by-128", "2001:db8::1", 128, "2001:db8::1/128"),
    (
        "ipv6-longest-fits-column",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        128,
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
    ),
    ("ipv6-brackets-port", "[2001:db8:1:2::9]:443", 64, "2001:db8:1:2::/64"),
    ("ipv6-zone", "fe80::1%eth0", 64, "fe80::/64"),
    ("loopback-v6", "::1", 64, "::/64"),
    ("none", None, 64, None),
    ("empty", "", 64, None),
    ("garbage", "garbage", 64, None),
    ("nul", "203.0.113.7\x00", 64, None),
    ("unicode-digits", "２０３.0.113.7", 64, None),
    ("huge", LONG, 64, None),
]


@pytest.mark.parametrize(("ip", "prefix", "expected"), [r[1:] for r in LIMIT_KEY], ids=[r[0] for r in LIMIT_KEY])
def test_ip_limit_key(ip: str | None, prefix: int, expected: str | None) -> None:
    key = ip_limit_key(ip, prefix)
    assert key == expected
    assert key is None or len(key) <= 45  # the ip column of the per-IP tables


def test_client_ip_accepts_a_list_of_networks() -> None:
    trusted = [ipaddress.ip_network("127.0.0.1/32")]
    assert client_ip("127.0.0.1", "198.51.100.1", trusted) == "198.51.100.1"


# ---------------------------------------------------------------------------------------------
# LocationResolver — offline (iptocc + pycountry); real public addresses, checked against iptocc

OFFLINE = [
    ("google-dns", "8.8.8.8", "United States"),
    ("heise", "193.99.144.80", "Germany"),
    ("cloudflare-dns", "1.1.1.1", "Australia"),  # APNIC registration, not where it answers
    ("google-dns-v6", "2001:4860:4860::8888", "United States"),
    ("google-v6-registered-in-ireland", "2a00:1450:4001::1", "Ireland"),
    ("uk", "81.2.69.142", "United Kingdom"),
    ("japan", "133.242.0.1", "Japan"),
    ("brazil", "200.160.2.3", "Brazil"),
    ("russia-short-name", "5.255.255.5", "Russia"),
    ("ipv4-mapped", "::ffff:8.8.8.8", "United States"),
    ("with-port", "8.8.8.8:53", "United States"),
    ("whitespace", " 193.99.144.80 ", "Germany"),
    ("private-10", "10.0.0.1", None),
    ("private-192", "192.168.1.1", None),
    ("cgnat", "100.64.0.1", None),
    ("loopback", "127.0.0.1", None),
    ("loopback-v6", "::1", None),
    ("link-local", "169.254.1.1", None),
    ("link-local-v6-zone", "fe80::1%eth0", None),
    ("unique-local-v6", "fd00::1", None),
    ("documentation", "203.0.113.7", None),
    ("documentation-v6", "2001:db8::1", None),
    ("unspecified", "0.0.0.0", None),
    ("multicast", "224.0.0.1", None),
    ("multicast-v6", "ff02::1", None),
    ("reserved", "240.0.0.1", None),
    ("broadcast", "255.255.255.255", None),
    ("none", None, None),
    ("empty", "", None),
    ("garbage", "not an ip", None),
    ("10kB", LONG, None),
    ("nul", "8.8.8.8\x00", None),
    ("unicode", "８.8.8.8", None),
]


@pytest.fixture(scope="module")
def offline() -> LocationResolver:
    return LocationResolver()


@pytest.mark.parametrize(("ip", "expected"), [r[1:] for r in OFFLINE], ids=[r[0] for r in OFFLINE])
def test_lookup_offline(offline: LocationResolver, ip: str | None, expected: str | None) -> None:
    assert offline.lookup(ip) == expected


def test_lookup_is_cached_and_bounded() -> None:
    resolver = LocationResolver(cache_size=8)
    assert resolver.lookup("8.8.8.8") == resolver.lookup("8.8.8.8") == "United States"
    resolver.lookup("x" * 10_000)  # never reaches the cache
    info = resolver._cached.cache_info()
    assert (info.hits, info.misses, info.maxsize) == (1, 1, 8)
    for n in range(1, 20):  # bounded: old entries fall out
        resolver.lookup(f"8.8.4.{n}")
    assert resolver._cached.cache_info().currsize == 8


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DE", "Germany"),
        ("de", "Germany"),
        ("US", "United States"),
        ("GB", "United Kingdom"),
        ("KR", "South Korea"),
        ("TW", "Taiwan"),
        ("IR", "Iran"),
        ("RU", "Russia"),
        ("XK", "Kosovo"),
        ("EU", None),
        ("ZZ", None),
        ("", None),
        (None, None),
        ("DEU", None),
    ],
)
def test_country_name(code: str | None, expected: str | None) -> None:
    assert country_name(code) == expected


# ---------------------------------------------------------------------------------------------
# LocationResolver — with a MaxMind-style City database built for the test


@pytest.fixture(scope="module")
def city_mmdb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GeoIP2-City-shaped database (IPv6 tree with the IPv4 space under ::/96)."""
    mmdb_writer = pytest.importorskip("mmdb_writer", reason="dev dependency mmdb-writer==0.2.7")
    netaddr = pytest.importorskip("netaddr")

    def place(city: str | None, country: str | None, iso: str | None) -> dict:
        record: dict = {}
        if city:
            record["city"] = {"geoname_id": 1, "names": {"en": city, "de": city + "-de"}}
        if country:
            record["country"] = {"iso_code": iso, "names": {"en": country, "de": "x"}}
        return record

    writer = mmdb_writer.MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoIP2-City", languages=["en"])
    writer.insert_network(netaddr.IPSet(["193.99.144.0/24"]), place("Hanover", "Germany", "DE"))
    writer.insert_network(netaddr.IPSet(["81.2.69.0/24"]), place("London", "United Kingdom", "GB"))
    writer.insert_network(netaddr.IPSet(["2a00:1450::/32"]), place("Dublin", "Ireland", "IE"))
    writer.insert_network(netaddr.IPSet(["89.160.20.0/24"]), place(None, "Sweden", "SE"))
    writer.insert_network(
        netaddr.IPSet(["2.125.160.0/24"]),
        {"registered_country": {"names": {"en": "Spain"}}},  # anycast-style: no country
    )
    writer.insert_network(netaddr.IPSet(["67.43.156.0/24"]), {"city": {"names": {"de": "Nur"}}})
    writer.insert_network(netaddr.IPSet(["10.0.0.0/8"]), place("Intranet", "Nowhere", "ZZ"))
    path = tmp_path_factory.mktemp("geo") / "City-Test.mmdb"
    writer.to_db_file(str(path))
    return path


CITY = [
    ("city-and-country", "193.99.144.80", "Hanover, Germany"),
    ("city-and-country-uk", "81.2.69.142", "London, United Kingdom"),
    ("ipv6-city", "2a00:1450:4001::1", "Dublin, Ireland"),
    ("ipv4-mapped", "::ffff:193.99.144.80", "Hanover, Germany"),
    ("country-only", "89.160.20.1", "Sweden"),
    ("registered-country-only", "2.125.160.1", "Spain"),
    ("no-english-country-falls-back-to-offline", "67.43.156.1", "United States"),  # per iptocc
    ("not-in-database-falls-back-to-offline", "8.8.8.8", "United States"),
    ("private-never-looked-up", "10.1.2.3", None),
    ("loopback", "127.0.0.1", None),
    ("garbage", "garbage", None),
    ("none", None, None),
    ("10kB", LONG, None),
]


@pytest.mark.parametrize(("ip", "expected"), [r[1:] for r in CITY], ids=[r[0] for r in CITY])
def test_lookup_with_city_database(city_mmdb: Path, ip: str | None, expected: str | None) -> None:
    resolver = LocationResolver(str(city_mmdb))
    try:
        assert resolver.lookup(ip) == expected
    finally:
        resolver.close()


def test_ipv4_only_database_does_not_raise_on_ipv6(tmp_path: Path) -> None:
    mmdb_writer = pytest.importorskip("mmdb_writer")
    netaddr = pytest.importorskip("netaddr")
    writer = mmdb_writer.MMDBWriter(ip_version=4, database_type="GeoIP2-Country")
    writer.insert_network(netaddr.IPSet(["193.99.144.0/24"]), {"country": {"names": {"en": "Germany"}}})
    path = tmp_path / "v4.mmdb"
    writer.to_db_file(str(path))
    resolver = LocationResolver(str(path))
    assert resolver.lookup("193.99.144.80") == "Germany"
    assert resolver.lookup("2001:4860:4860::8888") == "United States"  # offline fallback


def test_missing_database_fails_at_construction(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        LocationResolver(str(tmp_path / "missing.mmdb"))


async def test_the_app_closes_its_geoip_database_at_shutdown(city_mmdb: Path, clean_backend: Backend) -> None:
    app = create_app(test_settings(clean_backend, geoip_database=str(city_mmdb)))
    async with LifespanManager(app):
        locations = app.state.services.locations
        assert locations.lookup("193.99.144.80") == "Hanover, Germany"
    # Closed: the City database no longer answers (an address not yet cached), the offline country table does.
    assert locations.lookup("193.99.144.81") == "Germany"
