"""The session and known-device cookies: HttpOnly, and ``__Host-`` + Secure in production."""

from __future__ import annotations

from typing import Literal

from schema.context import Context

# Browsers keep no cookie longer than 400 days.
_BROWSER_CAP = 400 * 86400


def set_session_cookie(ctx: Context, token: str) -> None:
    """Hand a WEB session's token to the browser; it never appears in a response body."""
    # The server decides when a session ends; browsers cap cookie lifetimes at 400 days anyway.
    lifetime = ctx.services.settings.session_absolute_lifetime or _BROWSER_CAP
    _set_cookie(ctx, ctx.services.settings.session_cookie_name, token, max_age=lifetime, samesite="lax")


def set_device_cookie(ctx: Context, token: str) -> None:
    """Hand a browser its known-device credential: long-lived, HttpOnly, sent only with same-site requests."""
    # Only the service's own page signs in, so the credential never needs to travel cross-site; forgetting
    # the device ends it sooner, on the server.
    _set_cookie(ctx, ctx.services.settings.device_cookie_name, token, max_age=_BROWSER_CAP, samesite="strict")


def _set_cookie(ctx: Context, name: str, value: str, *, max_age: int, samesite: Literal["lax", "strict"]) -> None:
    if ctx.response is None:
        return
    secure = ctx.services.settings.production
    ctx.response.set_cookie(name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite=samesite)


def device_credential(ctx: Context, sent: str | None) -> str | None:
    """The known-device credential of a sign-in: the one in the input (apps), else the browser's cookie."""
    return sent if sent is not None else ctx.request.cookies.get(ctx.services.settings.device_cookie_name)


def clear_session_cookie(ctx: Context) -> None:
    """Tell the browser to forget the session cookie, and every other cookie of the site with it."""
    settings = ctx.services.settings
    if ctx.response is None or ctx.request.cookies.get(settings.session_cookie_name) is None:
        return
    ctx.response.delete_cookie(
        settings.session_cookie_name, path="/", secure=settings.production, httponly=True, samesite="lax"
    )
    ctx.response.headers["Clear-Site-Data"] = '"cookies"'
