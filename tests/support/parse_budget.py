"""The parse budget's settings and documents: a budget tight enough that one fresh document spends it."""

from __future__ import annotations

import uuid

from auth.network import parse_trusted_proxies

BEHIND_PROXY = parse_trusted_proxies("127.0.0.1/32")  # the in-process client's peer is 127.0.0.1
POLICY_FIELDS = ("minLength", "maxLength", "historySize", "__typename")
# A tight budget: 1 ms per second, so one fresh document puts a client in debt for longer than the refusal's
# pause (at most a second) and its next request is refused too.
TIGHT = {"trusted_proxies": BEHIND_PROXY, "parse_cpu_ms_per_second": 1, "parse_cpu_burst_ms": 1}


def fresh_document() -> str:
    """A valid document never sent before (so neither cache helps), near the limits' cost."""
    name = "Q" + uuid.uuid4().hex
    fields = " ".join(f"passwordPolicy {{ {POLICY_FIELDS[i % 4]} }}" for i in range(10))
    return f"query {name} {{ {fields} }}"
