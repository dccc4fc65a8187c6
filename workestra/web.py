"""The Settings › Security page: the built files of ``web/`` served at ``/`` under a strict policy.

The page's routes all answer ``index.html`` (the page routes itself in the browser); the hashed files
under ``/assets/`` never change, so browsers may keep them for a year. Without a build the routes say
how to make one, with a 503, rather than failing.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# The paths the page knows; anything else under / is a 404 rather than a page that routes nowhere.
PAGE_ROUTES = ("/", "/sign-in", "/sign-up", "/forgot-password", "/reset-password", "/settings/security")
IMMUTABLE = "public, max-age=31536000, immutable"

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Workestra security page not built</title></head>
<body><h1>The Security page and GraphiQL have not been built</h1>
<p>Run <code>make serve</code> (it builds the page from <code>web/</code> when its sources change; Node 20+ is
needed), or build it once with <code>npm --prefix web ci &amp;&amp; npm --prefix web run build</code>.</p>
<p>The API itself is available at <code>/graphql</code>.</p></body></html>
"""


def content_security_policy(request: Request) -> str:
    """The page's policy: its own scripts, styles and API only, plus the WebSocket to the same host."""
    socket_scheme = "wss" if request.url.scheme == "https" else "ws"
    host = request.headers.get("host", "")
    socket = f" {socket_scheme}://{host}" if host and _plain_host(host) else ""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
        f"connect-src 'self'{socket}; object-src 'none'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    )


def _plain_host(host: str) -> bool:
    # A Host header is the client's to write: never let one carry separators into the policy.
    return all(c.isalnum() or c in ".-:[]" for c in host)


class _Assets(StaticFiles):
    """Hashed build output: cached immutably, and a 404 for anything else."""

    async def check_config(self) -> None:
        # Before the first build there is no directory: answer 404s until there is one, never a 500.
        return

    def file_response(
        self, full_path: os.PathLike[str] | str, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def built_page(html: Path, request: Request) -> Response:
    """One built HTML page, never cached, under the page's policy; a 503 saying how to build when missing."""
    headers = {"Cache-Control": "no-store", "Content-Security-Policy": content_security_policy(request)}
    if not html.is_file():
        return HTMLResponse(_NOT_BUILT, status_code=503, headers=headers)
    return FileResponse(html, media_type="text/html; charset=utf-8", headers=headers)


def graphiql_page(dist: Path, request: Request) -> Response:
    """The self-hosted GraphiQL from the same build (no CDN), for a browser's GET of /graphql."""
    return built_page(dist / "graphiql.html", request)


def page_routes(dist: Path) -> list[BaseRoute]:
    """Routes serving the built page from ``dist`` (``index.html`` plus ``assets/``)."""
    index = dist / "index.html"

    async def page(request: Request) -> Response:
        return built_page(index, request)

    routes: list[BaseRoute] = [Route(path, page, methods=["GET", "HEAD"]) for path in PAGE_ROUTES]
    routes.append(Mount("/assets", app=_Assets(directory=dist / "assets", check_dir=False), name="assets"))
    return routes
