"""GraphQL over HTTP as its specification says: the negotiated media type, the status of request errors, and
every refusal the view makes as a GraphQL error body.

A request error (a document that does not parse or validate, variables that do not coerce, a document over
the limits) happens before execution: no error has a path and there is no data. With
``application/graphql-response+json`` it answers 400 (429 for the parse budget) without a ``data`` entry;
with ``application/json`` it keeps answering 200 with ``"data": null``, which is what older clients expect.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from schema.cost_budget import TOO_MANY_REQUESTS
from schema.masking import error_code
from workestra.http import error_body, media_type_header
from workestra.negotiation import GRAPHQL_RESPONSE_JSON, JSON

log = logging.getLogger("workestra.http")

_MEDIA_TYPE = "graphql_media_type"
_REQUEST_ERROR_STATUS = "graphql_request_error_status"
_ALLOWED_METHODS = "GET, POST"


def request_id_of(request: Request) -> str | None:
    """The id the request guard gave this request."""
    state = request.scope.get("state") or {}
    value = state.get("request_id")
    return value if isinstance(value, str) else None


def negotiated(request: Request, media_type: str | None) -> None:
    """Remember the media type the response is sent as (None: the client accepts none we serve)."""
    request.scope.setdefault("state", {})[_MEDIA_TYPE] = media_type


def _media_type(request: Request) -> str:
    value = (request.scope.get("state") or {}).get(_MEDIA_TYPE)
    return value if isinstance(value, str) else JSON


def is_request_error(result: ExecutionResult) -> bool:
    """True when the request failed before execution: errors, no data, and no error at a field's path."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(not error.path for error in errors)


def mark_request_error(request: Request, result: ExecutionResult, response_data: GraphQLHTTPResponse) -> None:
    """Give a request error's errors their code and the request id; under the new media type, drop ``data``
    and remember the 4xx status to answer with."""
    if result.errors is None or not is_request_error(result):
        return
    request_id = request_id_of(request)
    retry_after = None
    for error, formatted in zip(result.errors, response_data.get("errors") or [], strict=False):
        if not isinstance(formatted, dict):
            continue
        extensions = formatted.setdefault("extensions", {})
        if extensions.setdefault("code", error_code(error)) == TOO_MANY_REQUESTS:
            retry_after = extensions.get("retryAfterSeconds", 1)
        extensions.setdefault("requestId", request_id)
    if _media_type(request) == GRAPHQL_RESPONSE_JSON:
        response_data.pop("data", None)
        state = request.scope.setdefault("state", {})
        state[_REQUEST_ERROR_STATUS] = (400, None) if retry_after is None else (429, str(retry_after))


def with_media_type(request: Request, response: Response) -> Response:
    """``response`` (a GraphQL JSON result) in the negotiated media type, with a request error's status."""
    if response.headers.get("content-type") != JSON:
        return response  # GraphiQL's page, a stream: not a GraphQL JSON result
    if _media_type(request) == GRAPHQL_RESPONSE_JSON:
        response.headers["content-type"] = media_type_header(GRAPHQL_RESPONSE_JSON)
        refused = (request.scope.get("state") or {}).get(_REQUEST_ERROR_STATUS)
        if refused is not None and response.status_code == 200:
            response.status_code, retry_after = refused
            if retry_after is not None:
                response.headers["Retry-After"] = retry_after
    return response


def error_response(
    request: Request, status: int, message: str, code: str, headers: Mapping[str, str] | None = None
) -> Response:
    """A refusal as a GraphQL error body in the negotiated media type (JSON when none was acceptable)."""
    log.info("request refused status=%d code=%s path=%s", status, code, request.url.path)
    body = json.dumps(error_body(message, code=code, request_id=request_id_of(request)))
    response = Response(body, status_code=status, headers=dict(headers or {}))
    response.headers["content-type"] = media_type_header(_media_type(request))
    return response


def not_acceptable(request: Request) -> Response:
    """The 406 for an Accept header that names neither GraphQL response type."""
    message = f"Accept {GRAPHQL_RESPONSE_JSON} or {JSON}."
    return error_response(request, 406, message, "NOT_ACCEPTABLE")


def refusal(request: Request, exc: HTTPException) -> Response:
    """Strawberry's refusal of a request (raised as an HTTPException with a plain-text reason) as an error body."""
    cause = exc.__cause__
    if isinstance(cause, json.JSONDecodeError):
        return error_response(request, 400, "The request is not valid JSON.", "INVALID_JSON")
    if isinstance(cause, InvalidOperationTypeError):
        method = request.method
        if cause.operation_type is OperationType.MUTATION and method == "GET":
            # The method is what is wrong, so say 405, not 400.
            message = "Mutations are not allowed when using GET; use POST."
            return error_response(request, 405, message, "METHOD_NOT_ALLOWED", {"Allow": "POST"})
        if cause.operation_type is OperationType.SUBSCRIPTION:
            message = f"Subscriptions are not allowed when using {method}; subscribe over a WebSocket."
            return error_response(request, 400, message, "OPERATION_NOT_ALLOWED")
    if exc.status_code == 405:
        message = "GraphQL requests use GET (queries) or POST."
        return error_response(request, 405, message, "METHOD_NOT_ALLOWED", {"Allow": _ALLOWED_METHODS})
    if exc.status_code == 404:
        return error_response(request, 404, "Not found.", "NOT_FOUND")
    if exc.reason == "Batching is not enabled":
        message = "Batching is off: send one operation per request."
        return error_response(request, 400, message, "BATCHING_NOT_SUPPORTED")
    # Strawberry's other reasons name what is wrong with the request's shape, never its content.
    message = f"{exc.reason[:1].upper()}{exc.reason[1:]}"
    return error_response(request, exc.status_code, message, "BAD_REQUEST")
