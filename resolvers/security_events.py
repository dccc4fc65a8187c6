"""``securityEvents``: the signed-in account's audit log, newest first, a page at a time."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.audit import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, list_security_events
from auth.errors import InvalidInput
from schema.context import Context
from schema.errors import InvalidArgument
from schema.types import SecurityEventConnection


async def security_events(
    info: strawberry.Info[Context, None],
    first: Annotated[
        int | None,
        strawberry.argument(
            description=f"How many events, 1 to {MAX_PAGE_SIZE}; {DEFAULT_PAGE_SIZE} without first or last."
        ),
    ] = None,
    after: Annotated[
        str | None, strawberry.argument(description="The endCursor of the previous page, for older events.")
    ] = None,
    last: Annotated[
        int | None, strawberry.argument(description=f"How many events just before `before`, 1 to {MAX_PAGE_SIZE}.")
    ] = None,
    before: Annotated[
        str | None, strawberry.argument(description="The startCursor of the next page, for newer events.")
    ] = None,
) -> SecurityEventConnection:
    """Own security events, newest first; a bad size or cursor is a top-level INVALID_INPUT error."""
    viewer = await info.context.require_viewer()
    try:
        page = await list_security_events(viewer.account_id, first=first, after=after, last=last, before=before)
    except InvalidInput as exc:
        raise InvalidArgument(exc.field, exc.message) from None
    return SecurityEventConnection.from_page(page)
