"""Parsing and validation that leave no reference cycles behind, so a flood of fresh documents feeds no collector.

graphql-core's parser chains every token to its neighbours, and its validation builds, per document, some
thirty rule visitors, each caching bound methods of itself (a cycle per visitor and node kind), plus the
overlap rule's comparison caches: about 800 objects per document that only the cyclic garbage collector
frees. Under a flood of fresh documents that garbage set off a young collection every document, a middle one
(up to 9 ms) every few, and a full one (15–60 ms, the whole heap since start-up) every second or two, each on
the event loop, in the middle of whatever request was running. Here the same work is done and the cycles are
cut when it is over, so what is dropped is freed at once by reference counting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    ParallelVisitor,
    TypeInfo,
    TypeInfoVisitor,
    ValidationContext,
    Visitor,
    parse,
    visit,
)
from graphql.validation.validate import (
    FragmentNestingVisitor,
    ValidationAbortedError,
    query_document_keys_to_validate,
)

MAX_ERRORS = 100  # graphql-core's default


def parse_unlinked(source: str, **options: Any) -> DocumentNode:
    """graphql-core's ``parse``, with the tokens' links to their neighbours cut once the parser is done.

    The tree keeps the first and last token of each node (error locations need nothing more) and, through
    their links, the whole chain: a cycle per token. graphql-core unlinks tokens the same way when pickling.
    """
    document = parse(source, **options)
    token = document.loc.start_token if document.loc else None
    while token is not None:
        token.prev, token.next, token = None, None, token.next
    return document


def validate_acyclic(
    schema: GraphQLSchema, document: DocumentNode, rules: Sequence[type[ASTValidationRule]]
) -> list[GraphQLError]:
    """graphql-core's ``validate`` (its defaults, at most 100 errors), with every visitor emptied afterwards."""
    errors: list[GraphQLError] = []

    def on_error(error: GraphQLError) -> None:
        if len(errors) >= MAX_ERRORS:
            raise ValidationAbortedError("Too many validation errors, error limit reached. Validation aborted.")
        errors.append(error)

    type_info = TypeInfo(schema)
    context = ValidationContext(schema, document, type_info, on_error)
    visitors: list[Visitor] = [rule(context) for rule in rules]
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    if fragments:
        visitors.insert(0, FragmentNestingVisitor(fragments))
    parallel = ParallelVisitor(visitors)
    outer = TypeInfoVisitor(type_info, parallel)
    try:
        visit(document, outer, query_document_keys_to_validate)
    except ValidationAbortedError as error:
        error.__context__ = None
        errors.append(error.with_traceback(None))
    except RecursionError:
        errors.append(ValidationAbortedError("Validation aborted."))
    finally:
        for part in (*visitors, parallel, outer, context, type_info):
            _empty(part)
    return errors


def _empty(part: object) -> None:
    """Drop what ``part`` refers to (its caches of its own bound methods among them): no cycle survives it."""
    attributes = getattr(part, "__dict__", None)
    if attributes is not None:
        attributes.clear()
    for cls in type(part).__mro__:
        slots = getattr(cls, "__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and hasattr(part, name):
                delattr(part, name)
