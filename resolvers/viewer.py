"""Queries about the signed-in viewer: ``me``, ``activeSessions`` and the ``activeSessions`` subscription.

An API key may use all of them; it is not a session, so no listed session is ``current`` for it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import replace
from typing import TYPE_CHECKING

import strawberry

from auth.sessions import list_active_sessions
from schema.context import AnyViewer, Context
from schema.metrics import SUBSCRIPTIONS
from schema.ports import SessionSnapshot
from schema.sharing import SharedPayload
from schema.types import Account, Session

if TYPE_CHECKING:
    from auth.sessions import SessionPolicy


async def me(info: strawberry.Info[Context, None]) -> Account | None:
    """The signed-in account, or null without an error."""
    viewer = await info.context.viewer()
    return Account.from_row(viewer.account) if viewer else None


async def active_sessions(info: strawberry.Info[Context, None]) -> list[Session]:
    """The account's live sessions, most recently active first."""
    ctx = info.context
    viewer = await ctx.require_viewer()
    rows = await list_active_sessions(viewer.account_id, clock=ctx.services.clock, policy=ctx.services.session_policy)
    return [
        Session.from_row(row, current_id=viewer.current_session_id, policy=ctx.services.session_policy) for row in rows
    ]


async def watch_active_sessions(info: strawberry.Info[Context, None]) -> AsyncGenerator[list[Session], None]:
    """The list now, then again after every change of it (an event that changed nothing sends nothing)."""
    ctx = info.context
    # Only the ids are kept: a socket waits here for hours and must not hold the viewer's rows meanwhile.
    account_id, mine = _whose(await ctx.require_viewer())
    policy = ctx.services.session_policy
    sent: list[Session] | None = None
    with SUBSCRIPTIONS.track_inprogress():
        async with ctx.services.feeds.watch(account_id, holder=ctx.live_socket) as snapshots:
            async for snapshot in snapshots:
                views = _views(snapshot, policy)
                # Unchanged: e.g. an API key was revoked, or the bus reconnected and nothing had changed meanwhile.
                if sent is None or not _same(snapshot, sent, views):
                    sent = views
                    yield _seen_from(snapshot, views, mine)
                # Waiting for the next change, the socket holds the views it sent, not the snapshot's rows.
                del snapshot


def _whose(viewer: AnyViewer) -> tuple[int, str | None]:
    """The account a viewer watches, and the session it watches from (None for an API key)."""
    current = viewer.current_session_id
    return viewer.account_id, str(current) if current is not None else None


def _seen_from(snapshot: SessionSnapshot, views: list[Session], mine: str | None) -> SharedPayload:
    """The list as the session ``mine`` sees it: sockets of the same session get the very same object, so its
    selection is executed and encoded once for all of them (schema.sharing)."""
    seen_from: SharedPayload | None = snapshot.memo.get(("views", mine))
    if seen_from is None:
        seen_from = snapshot.memo[("views", mine)] = SharedPayload(
            replace(view, current=view.key == mine) for view in views
        )
    return seen_from


def _views(snapshot: SessionSnapshot, policy: SessionPolicy) -> list[Session]:
    """The API views of the snapshot's rows, built once per snapshot for every watcher."""
    views = snapshot.memo.get("views")
    if views is None:
        views = snapshot.memo["views"] = [
            Session.from_row(row, current_id=None, policy=policy) for row in snapshot.sessions
        ]
    return views


def _same(snapshot: SessionSnapshot, sent: list[Session], views: list[Session]) -> bool:
    """Whether ``views`` equal what a watcher last sent; compared once per snapshot and earlier list."""
    key = ("same-as", id(sent))
    known = snapshot.memo.get(key)
    if known is None or known[0] is not sent:
        # The earlier list is kept with the answer, so its id cannot be reused while the snapshot lives.
        known = snapshot.memo[key] = (sent, sent == views)
    same: bool = known[1]
    return same
