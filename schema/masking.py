"""Production error masking: unexpected failures become a generic message with a request id."""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from schema.errors import PublicError

log = logging.getLogger("workestra.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors raised by code (bugs, outages); validation and our own public errors stay visible."""
    original = error.original_error
    return original is not None and not isinstance(original, PublicError)


class MaskUnexpectedErrors(MaskErrors):
    """Hides internals (messages, exception types) of unexpected errors; details go to the log only."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
        log.error(
            "unexpected error in %s",
            ".".join(str(part) for part in error.path or ()) or "operation",
            extra={"request_id": request_id},
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
