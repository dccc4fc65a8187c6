"""Queries about the signed-in viewer: ``me``, ``activeSessions`` and the ``activeSessions`` subscription.

An API key may use all of them; it is not a session, so no listed session is ``current`` for it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import replace

import strawberry

from auth.sessions import list_active_sessions
from schema.sharing import SharedPayload
from schema.types import Account, Session
from workestra.context import Context


async def me(info: strawberry.Info[Context, None]) -> Account | None:
    """The signed-in account, or null without an error."""
    viewer = await info.context.viewer()
    return Account.from_row(viewer.account) if viewer else None


async def active_sessions(info: strawberry.Info[Context, None]) -> list[Session]:
    """The account's live sessions, most recently active first."""
    ctx = info.context
    viewer = await ctx.require_viewer()
    rows = await list_active_sessions(viewer.account_id, clock=ctx.services.clock, policy=ctx.services.session_policy)
    return [Session.from_row(row, current_id=viewer.session_id, policy=ctx.services.session_policy) for row in rows]


async def watch_active_sessions(info: strawberry.Info[Context, None]) -> AsyncGenerator[list[Session], None]:
    """The list now, then again after every change of it."""
    ctx = info.context
    viewer = await ctx.require_viewer()
    policy = ctx.services.session_policy
    mine = strawberry.ID(str(viewer.session_id)) if viewer.session_id is not None else None
    async with ctx.services.feeds.watch(viewer.account_id) as snapshots:
        async for snapshot in snapshots:
            # Sockets of the same session get the very same list, so its selection is executed and encoded
            # once for all of them (schema.sharing); the rows are converted once per snapshot.
            seen_from = snapshot.memo.get(("views", mine))
            if seen_from is None:
                views = snapshot.memo.get("views")
                if views is None:
                    views = snapshot.memo["views"] = [
                        Session.from_row(row, current_id=None, policy=policy) for row in snapshot.sessions
                    ]
                seen_from = snapshot.memo[("views", mine)] = SharedPayload(
                    replace(view, current=view.id == mine) for view in views
                )
            yield seen_from
