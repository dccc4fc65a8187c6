"""Who may run what, and over which transport.

API keys read and subscribe, but every mutation refuses them. That rule is applied to the ``Mutation``
type as a whole (``read_only_for_api_keys``), not field by field, so a mutation added later is covered
without anyone remembering to. It runs before the resolver, whether or not the mutation needs a sign-in
(signUp and signIn refuse a key too).

Mutations that set or clear the session cookie are ``http_only``: over the WebSocket there is no
response to carry a cookie, so a sign-in there would open a session whose token nobody receives.
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.base import get_object_definition

from schema.context import ApiKeyViewer
from schema.errors import Forbidden, HttpOnly


class NotWithApiKey(BasePermission):
    """Refuses the operation with a top-level ``FORBIDDEN`` error when an API key is asking."""

    message = "This credential may not use this operation."

    async def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        viewer = await info.context.viewer()
        return not isinstance(viewer, ApiKeyViewer)

    def on_unauthorized(self) -> None:
        raise Forbidden()


def read_only_for_api_keys(cls: type) -> type:
    """Class decorator for the ``Mutation`` type (under ``@strawberry.type``): every field refuses API keys."""
    definition = get_object_definition(cls, strict=True)
    for field in definition.fields:
        field.extensions.append(PermissionExtension([NotWithApiKey()], use_directives=False))
    return cls


class OverHttp(BasePermission):
    """Refuses the operation with a top-level ``HTTP_ONLY`` error when it arrives over the WebSocket."""

    message = "This operation sets or clears the session cookie: send it over HTTP."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return not info.context.is_websocket

    def on_unauthorized(self) -> None:
        raise HttpOnly()


def http_only() -> list[FieldExtension]:
    """Field extensions (``strawberry.mutation(extensions=http_only())``) for a mutation that sets or clears the
    session cookie: it is refused, before its resolver runs, unless it came over HTTP."""
    return [PermissionExtension([OverHttp()], use_directives=False)]
