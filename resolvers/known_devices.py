"""``knownDevices`` and ``forgetDevice``: the devices whose sign-ins are counted apart."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import NotFound
from auth.known_devices import forget_device as forget_device_flow
from auth.known_devices import list_known_devices
from schema.context import Context
from schema.device_types import DeviceForgotten, KnownDevice
from schema.errors import error_from
from schema.ids import parse_global_id
from schema.results import ForgetDeviceResult


async def known_devices(info: strawberry.Info[Context, None]) -> list[KnownDevice]:
    """The account's known devices, most recently used first."""
    viewer = await info.context.require_viewer()
    return [KnownDevice.from_row(row) for row in await list_known_devices(viewer.account_id)]


async def forget_device(
    info: strawberry.Info[Context, None],
    id: Annotated[
        strawberry.ID, strawberry.argument(description="The global id of the device to forget (from knownDevices).")
    ],
) -> ForgetDeviceResult:
    """Forget one of the account's devices; an id of another type or account is NOT_FOUND."""
    ctx = info.context
    viewer = await ctx.require_session()
    ref = parse_global_id(id, expect="KnownDevice")
    row = ref and await forget_device_flow(
        viewer.account_id, ref.key, ctx.client_info, clock=ctx.services.clock, session_id=viewer.session.id
    )
    if not row:
        return error_from(NotFound())
    return DeviceForgotten(known_device=KnownDevice.from_row(row))
