"""The session cookie: HttpOnly, SameSite=Lax, and ``__Host-`` + Secure in production."""

from __future__ import annotations

from schema.context import Context


def set_session_cookie(ctx: Context, token: str) -> None:
    """Hand a WEB session's token to the browser; it never appears in a response body."""
    settings = ctx.services.settings
    if ctx.response is None:
        return
    ctx.response.set_cookie(
        settings.session_cookie_name,
        token,
        # The server decides when a session ends; browsers cap cookie lifetimes at 400 days anyway.
        max_age=settings.session_absolute_lifetime or 400 * 86400,
        path="/",
        secure=settings.production,
        httponly=True,
        samesite="lax",
    )


def set_device_cookie(ctx: Context, token: str) -> None:
    """Hand a browser its known-device credential: long-lived, HttpOnly, sent only with same-site requests."""
    settings = ctx.services.settings
    if ctx.response is None:
        return
    ctx.response.set_cookie(
        settings.device_cookie_name,
        token,
        # Browsers cap cookie lifetimes at 400 days; forgetting the device ends it sooner, on the server.
        max_age=400 * 86400,
        path="/",
        secure=settings.production,
        httponly=True,
        # Only the service's own page signs in, so the credential never needs to travel cross-site.
        samesite="strict",
    )


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
