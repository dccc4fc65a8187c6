"""B1 baseline: the ``activeSessions`` query's work without GraphQL.

A plain Starlette app that, for ``POST /graphql`` with ``Authorization: Bearer <token>``, reads the JSON
body, authenticates through ``auth.sessions.authenticate``, reads the list through
``auth.sessions.list_active_sessions`` (the project's own functions, same Tortoise models, same SQLite
schema) and returns by hand the JSON the real app returns for

    { activeSessions { id client device { browser os } location ipAddress lastActiveAt createdAt
                       expiresAt current } }

Run (uvicorn factory):  BARE_DATABASE_URL=sqlite:///tmp/x/db.sqlite3 \\
    python -m uvicorn bench.bare_app:create_app --factory --loop asyncio
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator, Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise.contrib.starlette import RegisterTortoise

from auth.clock import SystemClock
from auth.network import mask_ip
from auth.sessions import SessionPolicy, authenticate, list_active_sessions
from models import ClientKind
from workestra.db import tortoise_config


class _NoEvents:
    """Session changes go nowhere: this process has no subscribers."""

    async def sessions_changed(self, account_id: int, *, ended: Sequence[str] = ()) -> None:
        return None

    async def activity_advanced(self, account_id: int) -> None:
        return None


def _bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


_UNAUTHENTICATED = {
    "data": None,
    "errors": [{"message": "Sign in to continue.", "extensions": {"code": "UNAUTHENTICATED"}}],
}


def create_app() -> Starlette:
    database_url = os.environ["BARE_DATABASE_URL"]
    clock = SystemClock()
    # The real app's defaults (Settings: 7 d web, 30 d mobile, no absolute lifetime, 60 s activity writes).
    policy = SessionPolicy()
    events = _NoEvents()

    async def active_sessions(request: Request) -> Response:
        body = json.loads(await request.body() or b"{}")
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return JSONResponse({"errors": [{"message": "query required"}]}, status_code=400)
        session = await authenticate(
            _bearer(request.headers.get("authorization")), clock=clock, policy=policy, events=events
        )
        if session is None:
            return JSONResponse(_UNAUTHENTICATED)
        rows = await list_active_sessions(session.account_id, clock=clock, policy=policy)
        current = str(session.id)
        items = []
        for row in rows:
            row_id = str(row.id)
            items.append(
                {
                    "id": row_id,
                    "client": ClientKind(row.client).value,
                    "device": {"browser": row.browser, "os": row.os},
                    "location": row.location,
                    "ipAddress": mask_ip(row.ip_address),
                    "lastActiveAt": row.last_active_at.isoformat(),
                    "createdAt": row.created_at.isoformat(),
                    "expiresAt": policy.expires_at(row).isoformat(),
                    "current": row_id == current,
                }
            )
        return JSONResponse({"data": {"activeSessions": items}})

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Registered like the real app: Tortoise initialised in the lifespan, global fallback on.
        async with RegisterTortoise(app, config=tortoise_config(database_url)):
            yield

    return Starlette(
        routes=[Route("/graphql", active_sessions, methods=["POST"]), Route("/healthz", healthz)],
        lifespan=lifespan,
    )
