"""``node`` and ``nodes``: the viewer's own objects by global id, ``null`` for anything else."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

import strawberry
from tortoise.models import Model

from auth.nodes import find_owned
from models import Account as AccountRow
from models import ApiKey as ApiKeyRow
from models import KnownDevice as KnownDeviceRow
from models import SecurityEvent as SecurityEventRow
from models import Session as SessionRow
from schema.context import Context, Viewer
from schema.device_types import KnownDevice
from schema.errors import InvalidArgument
from schema.ids import NodeRef, parse_global_id
from schema.types import Account, ApiKey, Node, SecurityEvent, Session

MAX_NODES = 100


async def node(
    info: strawberry.Info[Context, None],
    id: Annotated[strawberry.ID, strawberry.argument(description="A global id, as any object's `id` gives it.")],
) -> Node | None:
    """One of the viewer's objects; null for an unknown, malformed or another account's id."""
    return (await _resolve(info, [id]))[0]


async def nodes(
    info: strawberry.Info[Context, None],
    ids: Annotated[list[strawberry.ID], strawberry.argument(description=f"Up to {MAX_NODES} global ids.")],
) -> list[Node | None]:
    """The viewer's objects in the order asked, null in place of each id that names none of them."""
    if len(ids) > MAX_NODES:
        raise InvalidArgument("ids", f"Ask for at most {MAX_NODES} ids.")
    return await _resolve(info, ids)


async def _resolve(info: strawberry.Info[Context, None], ids: list[strawberry.ID]) -> list[Node | None]:
    """One query per node type asked for, each filtered by the viewer's account."""
    ctx = info.context
    viewer = await ctx.require_viewer()
    refs = [parse_global_id(value) for value in ids]
    wanted: dict[str, set[NodeRef]] = defaultdict(set)
    for ref in refs:
        if ref is not None:
            wanted[ref.type_name].add(ref)
    now, policy = ctx.services.clock.now(), ctx.services.session_policy
    found: dict[NodeRef, Model] = {}
    for type_name, group in wanted.items():
        rows = await find_owned(viewer.account_id, type_name, {ref.key for ref in group}, now=now, policy=policy)
        found.update({NodeRef(type_name, key): row for key, row in rows.items()})
    return [_view(found[ref], viewer, ctx) if ref in found else None for ref in refs]


def _view(row: Model, viewer: Viewer, ctx: Context) -> Node:
    """The API view of a found row."""
    if isinstance(row, AccountRow):
        return Account.from_row(row)
    if isinstance(row, SessionRow):
        return Session.from_row(row, current_id=viewer.current_session_id, policy=ctx.services.session_policy)
    if isinstance(row, ApiKeyRow):
        return ApiKey.from_row(row)
    if isinstance(row, KnownDeviceRow):
        return KnownDevice.from_row(row)
    assert isinstance(row, SecurityEventRow)  # noqa: S101 (find_owned returns these five only)
    return SecurityEvent.from_row(row)
