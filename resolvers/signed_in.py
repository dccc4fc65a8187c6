"""The ``SignedIn`` payload shared by every way of completing a sign-in."""

from __future__ import annotations

from auth.accounts import SignedIn as SignedInResult
from auth.sessions import sign_out_replaced_session
from models import ClientKind
from resolvers.cookies import set_device_cookie, set_session_cookie
from schema.context import Context
from schema.types import Account, Session, SignedIn


async def signed_in_payload(ctx: Context, result: SignedInResult) -> SignedIn:
    """WEB sessions get the token and the device credential as cookies only, replacing (and ending) the
    browser's earlier session; MOBILE sessions get both in the body."""
    mobile = ClientKind(result.session.client) is ClientKind.MOBILE
    if not mobile:
        s = ctx.services
        earlier = ctx.request.cookies.get(s.settings.session_cookie_name)
        await sign_out_replaced_session(earlier, result.session, ctx.client_info, clock=s.clock, events=s.events)
        set_session_cookie(ctx, result.token)
        set_device_cookie(ctx, result.device_token)
    ctx.forget_viewer()
    return SignedIn(
        account=Account.from_row(result.account),
        session=Session.from_row(result.session, current_id=result.session.id, policy=ctx.services.session_policy),
        token=result.token if mobile else None,
        device_token=result.device_token if mobile else None,
    )
