"""Bounds on the work one document can cause, enforced before the expensive validation rules run.

graphql-core's and Strawberry's validation costs grow faster than the document: "overlapping fields can be
merged" compares every pair of same-name fields (500 copies of ``passwordPolicy { … }`` cost a second of
CPU), and Strawberry's depth and alias rules walk every fragment spread afresh, so fragments that spread
each other a few times each expand exponentially. A document here is therefore refused with
``QUERY_TOO_COMPLEX`` when

- its text is longer than ``max_length`` characters (lexing a long string or comment is a Python loop);
- it has more than ``max_selections`` selections or ``max_directives`` directives *with fragments
  expanded*: counted per fragment once and multiplied out, never walked, so the count itself stays
  linear in the document and a cycle adds nothing;
- the overlapping-fields rule spends more than ``max_field_comparisons`` of its own complexity budget
  (graphql-core meters every comparison; its default of 500,000 is seconds of CPU).

The refusal never repeats the document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    OverlappingFieldsCanBeMergedRule,
    SelectionSetNode,
)
from graphql.language import OperationType as GraphQLOperationType
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types.graphql import OperationType

CODE = "QUERY_TOO_COMPLEX"


@dataclass(frozen=True)
class DocumentLimits:
    """The most work one document may ask for (settings ``MAX_DOCUMENT_LENGTH`` … ``MAX_FIELD_COMPARISONS``)."""

    max_length: int = 10_000
    max_selections: int = 500
    max_directives: int = 50
    max_field_comparisons: int = 2_000


@dataclass(frozen=True)
class DocumentSize:
    """Selections and directives of a document with its fragments expanded (saturated at a cap)."""

    selections: int
    directives: int


@dataclass
class _Part:
    """One definition's own selections and directives, and the fragments it spreads (with multiplicity)."""

    selections: int = 0
    directives: int = 0
    spreads: Counter[str] = field(default_factory=Counter)


def _own_part(selection_set: SelectionSetNode, directives: int) -> _Part:
    part = _Part(directives=directives)
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            part.selections += 1
            part.directives += len(selection.directives or ())
            if isinstance(selection, FragmentSpreadNode):
                part.spreads[selection.name.value] += 1
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                stack.append(selection.selection_set)
    return part


def measure_document(document: DocumentNode, *, cap: int) -> DocumentSize:
    """Count what validating and executing ``document`` would visit: every selection and directive of each
    operation with its fragments expanded at each spread, plus each fragment definition once.

    Totals saturate just above ``cap``, so a fragment bomb costs no more to measure than a plain document;
    a spread of an unknown fragment, or one closing a cycle, counts as the spread alone.
    """
    fragments: dict[str, _Part] = {}
    operations: list[_Part] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            own = _own_part(definition.selection_set, len(definition.directives or ()))
            fragments.setdefault(definition.name.value, own)
        elif isinstance(definition, OperationDefinitionNode):
            directives = len(definition.directives or ()) + sum(
                len(variable.directives or ()) for variable in definition.variable_definitions or ()
            )
            operations.append(_own_part(definition.selection_set, directives))

    expanded: dict[str, tuple[int, int]] = {}
    for name in _dependencies_first(fragments):
        expanded[name] = _expand(fragments[name], expanded, cap)
    # Operations are expanded; each fragment definition is also visited once on its own.
    sizes = [_expand(part, expanded, cap) for part in operations]
    sizes += [(part.selections, part.directives) for part in fragments.values()]
    return DocumentSize(
        selections=min(sum(size[0] for size in sizes), cap + 1),
        directives=min(sum(size[1] for size in sizes), cap + 1),
    )


def _expand(part: _Part, expanded: dict[str, tuple[int, int]], cap: int) -> tuple[int, int]:
    selections, directives = part.selections, part.directives
    for name, count in part.spreads.items():
        inner = expanded.get(name, (0, 0))  # unknown, or on a cycle: reported by the spec rules
        selections = min(selections + count * inner[0], cap + 1)
        directives = min(directives + count * inner[1], cap + 1)
    return selections, directives


def _dependencies_first(fragments: dict[str, _Part]) -> Iterator[str]:
    """Fragment names, each after every fragment it spreads (an edge closing a cycle is ignored)."""
    done: set[str] = set()
    for root in fragments:
        if root in done:
            continue
        path = [(root, iter(fragments[root].spreads))]
        on_path = {root}
        while path:
            name, spreads = path[-1]
            for spread in spreads:
                if spread in fragments and spread not in done and spread not in on_path:
                    path.append((spread, iter(fragments[spread].spreads)))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.discard(name)
                done.add(name)
                yield name


def too_complex(message: str, request_id: str | None = None) -> GraphQLError:
    """The refusal: a stated limit, the code, never the document."""
    extensions: dict[str, Any] = {"code": CODE}
    if request_id:
        extensions["requestId"] = request_id
    return GraphQLError(message, extensions=extensions)


def check_document(document: DocumentNode, limits: DocumentLimits) -> str | None:
    """Why ``document`` is refused (the limit it passes), or None when it is within the limits."""
    size = measure_document(document, cap=max(limits.max_selections, limits.max_directives))
    if size.selections > limits.max_selections:
        return f"The document has more than {limits.max_selections} selections (fragments expanded)."
    if size.directives > limits.max_directives:
        return f"The document has more than {limits.max_directives} directives (fragments expanded)."
    return None


def bounded_overlap_rule(max_field_comparisons: int) -> type[ASTValidationRule]:
    """graphql-core's overlapping-fields rule with a per-document budget instead of its process-wide default."""

    class BoundedOverlappingFieldsRule(OverlappingFieldsCanBeMergedRule):
        def __init__(self, context: Any) -> None:
            super().__init__(context)
            self.rule_context.remaining_complexity_budget = max_field_comparisons

        def enter_selection_set(self, *args: Any) -> None:
            try:
                super().enter_selection_set(*args)
            except ValidationAbortedError:
                message = f"The document needs more than {max_field_comparisons} field comparisons to validate."
                raise ValidationAbortedError(message, extensions={"code": CODE}) from None

    return BoundedOverlappingFieldsRule


class DocumentCost(ParserCache, ValidationCache):
    """Parses and validates (both cached) what is within the limits; refuses the rest before the costly steps.

    It takes the place of ParserCache and ValidationCache. The rule classes are built once per schema, so the
    validation cache key stays stable. A refusal travels as a validation error does (``pre_execution_errors``),
    which is the one path that both HTTP and graphql-transport-ws answer with an error message.
    """

    def __init__(self, limits: DocumentLimits, overlap_rule: type[ASTValidationRule]) -> None:
        super().__init__()
        self.limits = limits
        self.overlap_rule = overlap_rule
        self.refusal: str | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and len(context.query) > self.limits.max_length:
            # Lexing a long string or comment is a Python loop per character: never start it. An empty
            # operation of an allowed type stands in for the document, so the refusal can follow.
            self.refusal = f"The document is longer than {self.limits.max_length} characters."
            context.graphql_document = _stand_in(context.operation_name, context.allowed_operations)
            yield
            return
        yield from super().on_parse()

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        reason = self.refusal or (check_document(document, self.limits) if document is not None else None)
        if reason is not None:
            request_id = getattr(context.context, "request_id", None)
            context.pre_execution_errors = [too_complex(reason, request_id)]
            yield
            return
        context.validation_rules = tuple(
            self.overlap_rule if rule is OverlappingFieldsCanBeMergedRule else rule for rule in context.validation_rules
        )
        yield from super().on_validate()


def _stand_in(name: str | None, allowed: Iterable[OperationType]) -> DocumentNode:
    allowed = set(allowed)
    kind = next((kind for kind in OperationType if kind in allowed), OperationType.QUERY)
    operation = OperationDefinitionNode(
        operation=GraphQLOperationType(kind.value),
        name=NameNode(value=name) if name else None,
        selection_set=SelectionSetNode(selections=()),
    )
    return DocumentNode(definitions=(operation,))
