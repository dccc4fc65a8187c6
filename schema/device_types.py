"""Known devices as the API shows them: listed beside the sessions, forgotten one at a time."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth.network import mask_ip
from models import KnownDevice as KnownDeviceRow
from schema.enums import ClientKind
from schema.ids import global_id
from schema.types import Device, Node


@strawberry.type(
    description="A browser or app that completed a sign-in: its sign-in attempts are counted apart from "
    "everyone else's, so a lock others caused does not keep it out. Never shows its credential."
)
class KnownDevice(Node):
    client: ClientKind = strawberry.field(description="Web (a cookie) or mobile (SignedIn.deviceToken).")
    device: Device = strawberry.field(description="Browser and operating system at its last sign-in.")
    location: str | None = strawberry.field(description="Approximate place of its last sign-in.")
    ip_address: str | None = strawberry.field(description="IP address of its last sign-in, partially masked.")
    created_at: datetime = strawberry.field(description="Its first sign-in.")
    last_used_at: datetime = strawberry.field(description="Its latest completed sign-in.")

    @classmethod
    def from_row(cls, row: KnownDeviceRow) -> KnownDevice:
        """The API view of a known-device row (never its hash)."""
        return cls(
            id=strawberry.ID(global_id("KnownDevice", row.id)),
            client=ClientKind(row.client),
            device=Device(browser=row.browser, os=row.os),
            location=row.location,
            ip_address=mask_ip(row.ip_address),
            created_at=row.created_at,
            last_used_at=row.last_used_at,
        )


@strawberry.type(description="The device was forgotten: its credential no longer counts its sign-ins apart.")
class DeviceForgotten:
    known_device: KnownDevice = strawberry.field(description="The device as it was: remove it from cached lists.")
