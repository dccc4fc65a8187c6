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


def clear_session_cookie(ctx: Context) -> None:
    """Tell the browser to forget the session cookie, and every other cookie of the site with it."""
    settings = ctx.services.settings
    if ctx.response is None or ctx.request.cookies.get(settings.session_cookie_name) is None:
        return
    ctx.response.delete_cookie(
        settings.session_cookie_name, path="/", secure=settings.production, httponly=True, samesite="lax"
    )
    ctx.response.headers["Clear-Site-Data"] = '"cookies"'
