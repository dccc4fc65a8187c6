"""Production error masking: unexpected failures become a generic message with a request id, and no
error suggests a name ("Did you mean 'first'?" would map the schema with introspection off)."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from schema.errors import PublicError

log = logging.getLogger("workestra.errors")

# graphql-core ends a message part with one suggestion sentence (fields, arguments, input fields, enum
# values, types, inline fragments); the names in it are quoted GraphQL names, which hold no "?".
_SUGGESTION = re.compile(r"\s*Did you mean\b[^?]*\?")
# Coercion messages end with the value: "…, found: {'password': …}." or "String cannot represent a
# non string value: …".
_FOUND = re.compile(r"[,.]?\s*[Ff]ound: .*\Z", re.DOTALL)
_CANNOT_REPRESENT = re.compile(r"(cannot represent [^:]*value): .*\Z", re.DOTALL)


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors raised by code (bugs, outages); validation and our own public errors stay visible."""
    original = error.original_error
    # A variable graphql-core could not coerce carries its GraphQLError: the client's mistake, not ours.
    return original is not None and not isinstance(original, PublicError | GraphQLError)


def without_suggestions(message: str) -> str:
    """``message`` with every "Did you mean …?" sentence taken out."""
    return _SUGGESTION.sub("", message)


def without_echoed_values(message: str) -> str:
    """``message`` without the copy of a variable's value that graphql-core appends ("found: {…}"):
    that value may be a whole input with its password."""
    return _CANNOT_REPRESENT.sub(r"\1.", _FOUND.sub(".", message))


def public_wording(message: str) -> str:
    """What production says for a client error: no suggestions, no echoed values."""
    return without_echoed_values(without_suggestions(message))


def _needs_rewording(error: GraphQLError) -> bool:
    return is_unexpected(error) or public_wording(error.message) != error.message


class MaskUnexpectedErrors(MaskErrors):
    """Hides internals (messages, exception types) of unexpected errors, details going to the log only,
    and takes the suggestions out of every other error."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_needs_rewording, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if not is_unexpected(error):
            return _reworded(error, public_wording(error.message), error.original_error, error.extensions)
        request_id = getattr(self.execution_context.context, "request_id", None)
        log.error(
            "unexpected error in %s",
            ".".join(str(part) for part in error.path or ()) or "operation",
            extra={"request_id": request_id},
            exc_info=error.original_error,
        )
        return _reworded(error, self.error_message, None, {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id})


def _reworded(
    error: GraphQLError, message: str, original_error: Exception | None, extensions: dict[str, Any] | None
) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original_error,
        extensions=extensions,
    )
