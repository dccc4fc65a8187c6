"""What happens to GraphQL errors: one log line per request, and in production unexpected failures masked.

Errors are logged here and nowhere else (Strawberry's default writes each one at ERROR with the document's
source lines, so a password typed inline would land in the log). Expected errors (validation, syntax,
UNAUTHENTICATED, FORBIDDEN, ...) make one INFO line with their codes and counts; unexpected ones one ERROR
line with the first one's traceback. Neither carries the document, the variables or an error message.
In production no error suggests a name either ("Did you mean 'first'?" would map the schema with
introspection off), and none repeats a variable's value.
"""

from __future__ import annotations

import collections
import logging
import re
from collections.abc import Sequence
from typing import Any

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from models.outages import is_database_outage
from schema.errors import PublicError, ServiceUnavailable
from schema.sharing import ErrorsOnlyStreamHook

log = logging.getLogger("workestra.errors")

# graphql-core ends a message part with one suggestion sentence (fields, arguments, input fields, enum
# values, types, inline fragments); the names in it are quoted GraphQL names, which hold no "?".
_SUGGESTION = re.compile(r"\s*Did you mean\b[^?]*\?")
# Coercion messages end with the value: "…, found: {'password': …}." or "String cannot represent a
# non string value: …".
_FOUND = re.compile(r"[,.]?\s*[Ff]ound: .*\Z", re.DOTALL)
_CANNOT_REPRESENT = re.compile(r"(cannot represent [^:]*value): .*\Z", re.DOTALL)


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors raised by code (bugs); validation, outages and our own public errors are expected."""
    original = error.original_error
    # A variable graphql-core could not coerce carries its GraphQLError: the client's mistake, not ours.
    return (
        original is not None
        and not isinstance(original, PublicError | GraphQLError)
        and not is_database_outage(original)
    )


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


def is_outage(error: GraphQLError) -> bool:
    """True for an error caused by the database being briefly unreachable."""
    return error.original_error is not None and is_database_outage(error.original_error)


# An operation name as GraphQL spells one; anything else a client sends as `operationName` is not logged.
_OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")


def error_code(error: GraphQLError) -> str:
    """The code a client sees for ``error``, or the kind of GraphQL failure it is."""
    if is_outage(error):
        return ServiceUnavailable.code
    if is_unexpected(error):
        return "INTERNAL_SERVER_ERROR"
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    return "GRAPHQL_PARSE_FAILED" if error.message.startswith("Syntax Error") else "GRAPHQL_VALIDATION_FAILED"


def operation_label(execution_context: ExecutionContext | None) -> str:
    """The operation's name if it is a well-formed GraphQL name, else ``-``."""
    try:
        name = execution_context.operation_name if execution_context is not None else None
    except Exception:  # a document that does not parse has no operations to name
        name = None
    return name if isinstance(name, str) and _OPERATION_NAME.match(name) else "-"


def report_errors(errors: Sequence[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Log a request's errors as one line: INFO when all are expected, ERROR with a traceback otherwise."""
    if not errors:
        return
    counts = collections.Counter(error_code(error) for error in errors)
    codes = ",".join(f"{code}:{count}" for code, count in counts.most_common())
    operation = operation_label(execution_context)
    unexpected = next((error for error in errors if is_unexpected(error)), None)
    if unexpected is None:
        # An outage is worth an operator's attention, not a traceback per request.
        level = logging.WARNING if ServiceUnavailable.code in counts else logging.INFO
        log.log(level, "graphql errors operation=%s count=%d codes=%s", operation, len(errors), codes)
        return
    failure = unexpected.original_error
    log.error(
        "graphql unexpected error operation=%s path=%s count=%d codes=%s",
        operation,
        ".".join(str(part) for part in unexpected.path or ()) or "-",
        len(errors),
        codes,
        exc_info=(type(failure), failure, failure.__traceback__) if failure is not None else None,
    )


class _ReplaceErrors(ErrorsOnlyStreamHook, MaskErrors):
    """Replaces the errors ``should_mask_error`` picks by ``message`` and ``code``, keeping where they happened."""

    code = "INTERNAL_SERVER_ERROR"

    def _process_result(self, result: object) -> None:
        # Strawberry first asks whether the result matches a runtime-checkable Protocol, which costs more than
        # the rest of the hook, and a subscription asks it for every event on every socket (B2's profile).
        # A result without errors has nothing to replace.
        if getattr(result, "errors", None):
            super()._process_result(result)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
        return _reworded(error, self.error_message, None, {"code": self.code, "requestId": request_id})


def _needs_rewording(error: GraphQLError) -> bool:
    return is_unexpected(error) or public_wording(error.message) != error.message


class MaskUnexpectedErrors(_ReplaceErrors):
    """Hides internals (messages, exception types) of unexpected errors (``report_errors`` logged them), and
    takes the suggestions and echoed values out of every other error."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_needs_rewording, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if not is_unexpected(error):
            return _reworded(error, public_wording(error.message), error.original_error, error.extensions)
        return super().anonymise_error(error)


class ReportDatabaseOutages(_ReplaceErrors):
    """In every mode, a failure because the database is briefly unreachable answers SERVICE_UNAVAILABLE,
    never the driver's message."""

    code = ServiceUnavailable.code

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_outage, error_message=ServiceUnavailable.message)


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
