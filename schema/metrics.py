"""Counts and times every GraphQL query and mutation by its root field and outcome (``workestra.metrics``)."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator

from graphql import DocumentNode, FieldNode, GraphQLSchema, OperationDefinitionNode, get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from workestra import metrics


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
        metrics.REQUESTS.labels(operation=operation, outcome=outcome).inc()
        metrics.REQUEST_SECONDS.labels(operation=operation).observe(time.perf_counter() - started)


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
