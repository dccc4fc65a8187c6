"""What a request says about the device it comes from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientInfo:
    """What the request says about the device: IP (resolved through trusted proxies only), User-Agent, place."""

    ip: str | None
    user_agent: str | None
    location: str | None = None
