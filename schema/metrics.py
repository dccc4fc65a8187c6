"""The GraphQL layer's metrics: every query and mutation by root field and outcome, sign-in steps, subscriptions.

They are defined here, beside what counts them (``OperationMetrics`` below, the sign-in resolvers, the
``activeSessions`` subscription), so the schema needs nothing of the wiring to count. They live in
prometheus-client's registry like every other metric, and the wiring serves them at ``/metrics``
(``workestra.metrics``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator

from graphql import DocumentNode, FieldNode, GraphQLSchema, OperationDefinitionNode, get_operation_ast
from prometheus_client import Counter, Gauge, Histogram
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from auth.challenges import TwoFactorChallenge
from auth.errors import (
    AccountLocked,
    AuthError,
    ChallengeExpired,
    InvalidCode,
    InvalidCredentials,
    IpLimitReached,
    TooManyAttempts,
)

# Latencies of this service: a cheap query takes about a millisecond, a sign-in one argon2 verify
# (~100-500 ms), a hash queue under a flood seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter(
    "workestra_graphql_requests",
    "GraphQL queries and mutations (HTTP or WebSocket) by root field and outcome (ok, error: errors in the "
    "result, rejected: refused before execution by parsing, validation or limits).",
    ["operation", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "workestra_graphql_request_duration_seconds",
    "Time to run one GraphQL query or mutation, by root field.",
    ["operation"],
    buckets=LATENCY_BUCKETS,
)
SIGN_INS = Counter(
    "workestra_sign_ins",
    "Sign-in steps by outcome: step is password (signIn) or second_factor (verifyTwoFactor); outcome is "
    "success, two_factor_required, invalid, delayed (refused by the progressive delay), locked, ip_limit "
    "(refused by the per-IP cap), expired (challenge used up) or other.",
    ["step", "outcome"],
)
SUBSCRIPTIONS = Gauge(
    "workestra_subscriptions",
    "activeSessions subscriptions running now.",
    multiprocess_mode="livesum",
)

# First match wins: the subclasses come before the classes they refine.
_SIGN_IN_OUTCOMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (IpLimitReached, "ip_limit"),
    (AccountLocked, "locked"),
    (TooManyAttempts, "delayed"),
    ((InvalidCredentials, InvalidCode), "invalid"),
    (ChallengeExpired, "expired"),
    (AuthError, "other"),
    (TwoFactorChallenge, "two_factor_required"),
)


def sign_in_outcome(result: object) -> str:
    """The ``outcome`` label of a sign-in step that returned ``result`` or raised it (an ``AuthError``)."""
    return next((outcome for kind, outcome in _SIGN_IN_OUTCOMES if isinstance(result, kind)), "success")


def record_sign_in(step: str, result: object) -> None:
    """Count one sign-in step (``password`` or ``second_factor``) by its outcome."""
    SIGN_INS.labels(step=step, outcome=sign_in_outcome(result)).inc()


class OperationMetrics(SchemaExtension):
    """Labels are root field names the schema knows (or ``unknown``), never client-chosen text."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        operation = _root_field(context.graphql_document, context.operation_name, _known_fields(context.schema._schema))
        if operation is None:
            return  # a subscription: counted by the subscriptions gauge, not as a request
        if context.pre_execution_errors:
            outcome = "rejected"
        elif context.result is not None and context.result.errors:
            outcome = "error"
        else:
            outcome = "ok"
        REQUESTS.labels(operation=operation, outcome=outcome).inc()
        REQUEST_SECONDS.labels(operation=operation).observe(time.perf_counter() - started)


@functools.cache
def _known_fields(schema: GraphQLSchema) -> frozenset[str]:
    return frozenset(
        name for root in (schema.query_type, schema.mutation_type) if root is not None for name in root.fields
    )


def _root_field(document: DocumentNode | None, operation_name: str | None, known: frozenset[str]) -> str | None:
    """The first root field of the operation run, ``unknown`` when there is none we know; None for a subscription."""
    if document is None:
        return "unknown"
    try:
        operation: OperationDefinitionNode | None = get_operation_ast(document, operation_name)
    except Exception:
        return "unknown"
    if operation is None:
        return "unknown"
    if operation.operation.value == OperationType.SUBSCRIPTION.value:
        return None
    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            return name if name in known else "unknown"
    return "unknown"
