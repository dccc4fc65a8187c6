"""Ending sessions: ``signOut``, ``revokeSession``, ``revokeAllOtherSessions`` and ``signOutEverywhere``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.api_keys import revoke_and_announce_api_keys
from auth.errors import NotFound
from auth.nodes import sessions_by_id
from auth.sessions import revoke_other_sessions
from auth.sessions import revoke_session as revoke_session_flow
from auth.sessions import sign_out as sign_out_flow
from auth.sessions import sign_out_everywhere as sign_out_everywhere_flow
from resolvers.cookies import clear_session_cookie
from schema.context import Context, Viewer
from schema.errors import HttpOnly, error_from
from schema.ids import global_id, parse_global_id
from schema.results import (
    RevokeAllOtherSessionsResult,
    RevokeSessionResult,
    SignOutEverywhereResult,
    SignOutResult,
)
from schema.types import Session, SessionRevoked, SessionsRevoked, SignedOut


async def sign_out(info: strawberry.Info[Context, None]) -> SignOutResult:
    """End the current session."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    session_id = str(viewer.session.id)
    await sign_out_flow(viewer.session, ctx.client_info, clock=s.clock, events=s.events)
    clear_session_cookie(ctx)
    ctx.forget_viewer()
    return SignedOut(session_id=strawberry.ID(global_id("Session", session_id)))


async def revoke_session(
    info: strawberry.Info[Context, None],
    id: Annotated[
        strawberry.ID, strawberry.argument(description="The global id of the session to end (from activeSessions).")
    ],
) -> RevokeSessionResult:
    """Sign one device out; the current session may be named too. An id of another type is NOT_FOUND."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    ref = parse_global_id(id, expect="Session")
    if ref is None:
        return error_from(NotFound())
    key, current = str(ref.key), str(viewer.session.id)
    if ctx.is_websocket and key == current:
        # Naming the current session is signOut, which clears the cookie: HTTP only, like signOut.
        raise HttpOnly()
    if not await revoke_session_flow(key, viewer.account_id, ctx.client_info, clock=s.clock, events=s.events):
        return error_from(NotFound())
    if key == current:
        clear_session_cookie(ctx)
        ctx.forget_viewer()
    (ended,) = await _ended(viewer, ctx, [key])
    return SessionRevoked(id=strawberry.ID(global_id("Session", key)), session=ended)


async def revoke_all_other_sessions(info: strawberry.Info[Context, None]) -> RevokeAllOtherSessionsResult:
    """Keep only the current session."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    ended = await revoke_other_sessions(viewer.session, ctx.client_info, clock=s.clock, events=s.events)
    return SessionsRevoked(count=len(ended), sessions=await _ended(viewer, ctx, ended))


async def sign_out_everywhere(
    info: strawberry.Info[Context, None],
    revoke_api_keys: Annotated[
        bool, strawberry.argument(description="Also revoke every API key of the account (their sockets close).")
    ] = False,
) -> SignOutEverywhereResult:
    """End every session of the account, the current one included (and its API keys, when asked)."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    keys = (
        await revoke_and_announce_api_keys(
            viewer.account_id, ctx.client_info, clock=s.clock, events=s.events, session_id=viewer.session.id
        )
        if revoke_api_keys
        else []
    )
    ended = await sign_out_everywhere_flow(viewer.session, ctx.client_info, clock=s.clock, events=s.events)
    clear_session_cookie(ctx)
    ctx.forget_viewer()
    return SessionsRevoked(count=len(ended), sessions=await _ended(viewer, ctx, ended), revoked_api_keys=len(keys))


async def _ended(viewer: Viewer, ctx: Context, ids: list[str]) -> list[Session]:
    """The API views of the sessions a call ended, seen from the viewer's session."""
    rows = await sessions_by_id(viewer.account_id, ids)
    policy = ctx.services.session_policy
    return [Session.from_row(row, current_id=viewer.current_session_id, policy=policy) for row in rows]
