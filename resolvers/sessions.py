"""Ending sessions: ``signOut``, ``revokeSession``, ``revokeAllOtherSessions`` and ``signOutEverywhere``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import NotFound
from auth.sessions import revoke_other_sessions
from auth.sessions import revoke_session as revoke_session_flow
from auth.sessions import sign_out as sign_out_flow
from auth.sessions import sign_out_everywhere as sign_out_everywhere_flow
from resolvers.cookies import clear_session_cookie
from schema.context import Context
from schema.errors import HttpOnly, error_from
from schema.results import (
    RevokeAllOtherSessionsResult,
    RevokeSessionResult,
    SignOutEverywhereResult,
    SignOutResult,
)
from schema.types import SessionRevoked, SessionsRevoked, SignedOut


async def sign_out(info: strawberry.Info[Context, None]) -> SignOutResult:
    """End the current session."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    session_id = str(viewer.session.id)
    await sign_out_flow(viewer.session, ctx.client_info, clock=s.clock, events=s.events)
    clear_session_cookie(ctx)
    ctx.forget_viewer()
    return SignedOut(session_id=strawberry.ID(session_id))


async def revoke_session(
    info: strawberry.Info[Context, None],
    id: Annotated[strawberry.ID, strawberry.argument(description="The session to end (from activeSessions).")],
) -> RevokeSessionResult:
    """Sign one device out; the current session may be named too."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    if ctx.is_websocket and str(id) == str(viewer.session.id):
        # Naming the current session is signOut, which clears the cookie: HTTP only, like signOut.
        raise HttpOnly()
    if not await revoke_session_flow(str(id), viewer.account_id, ctx.client_info, clock=s.clock, events=s.events):
        return error_from(NotFound())
    if str(id) == str(viewer.session.id):
        clear_session_cookie(ctx)
        ctx.forget_viewer()
    return SessionRevoked(id=id)


async def revoke_all_other_sessions(info: strawberry.Info[Context, None]) -> RevokeAllOtherSessionsResult:
    """Keep only the current session."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    ended = await revoke_other_sessions(viewer.session, ctx.client_info, clock=s.clock, events=s.events)
    return SessionsRevoked(count=len(ended))


async def sign_out_everywhere(info: strawberry.Info[Context, None]) -> SignOutEverywhereResult:
    """End every session of the account, the current one included."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    ended = await sign_out_everywhere_flow(viewer.session, ctx.client_info, clock=s.clock, events=s.events)
    clear_session_cookie(ctx)
    ctx.forget_viewer()
    return SessionsRevoked(count=len(ended))
