"""Bounds on the work one document can cause, enforced before the expensive validation rules run.

graphql-core's and Strawberry's validation costs grow faster than the document: "overlapping fields can be
merged" compares every pair of same-name fields (500 copies of ``passwordPolicy { … }`` cost a second of
CPU), and Strawberry's depth and alias rules walk every fragment spread afresh, so fragments that spread
each other a few times each expand exponentially. A document here is therefore refused with
``QUERY_TOO_COMPLEX`` when

- its text is longer than ``max_length`` characters (lexing a long string or comment is a Python loop),
  or has more than ``MAX_TOKENS`` tokens (Strawberry's limit, reported with the same code);
- it has more than ``max_selections`` selections, ``max_directives`` directives or ``max_arguments``
  arguments *with fragments expanded*: counted per fragment once and multiplied out, never walked, so the
  count itself stays linear in the document and a cycle adds nothing;
- the overlapping-fields rule spends more than ``max_field_comparisons`` of its own complexity budget
  (graphql-core meters every comparison; its default of 500,000 is seconds of CPU).

The refusal never repeats the document.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    OverlappingFieldsCanBeMergedRule,
    SelectionSetNode,
)
from graphql.language import OperationType as GraphQLOperationType
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import ParserCache
from strawberry.extensions.parser_cache import DEFAULT_MAXSIZE
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types.graphql import OperationType

from auth.network import ip_limit_key
from schema.acyclic import parse_unlinked, validate_acyclic
from schema.cost_budget import TOO_MANY_REQUESTS, FreshLane, ParseBudget

CODE = "QUERY_TOO_COMPLEX"
MAX_REFUSAL_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class DocumentLimits:
    """The most work one document may ask for (settings ``MAX_DOCUMENT_LENGTH`` … ``MAX_FIELD_COMPARISONS``)."""

    max_length: int = 4_000
    max_selections: int = 500
    max_directives: int = 10
    max_arguments: int = 20
    max_field_comparisons: int = 250
    # Parse+validate CPU per client (IP bucket): milliseconds per second, and the most saved up (0: no budget).
    parse_cpu_ms_per_second: int = 10
    parse_cpu_burst_ms: int = 250


@dataclass(frozen=True)
class DocumentSize:
    """Selections, directives and arguments of a document with its fragments expanded (saturated at a cap)."""

    selections: int
    directives: int
    arguments: int


# (selections, directives, arguments)
_Tally = tuple[int, int, int]


@dataclass
class _Part:
    """One definition's own tally, and the fragments it spreads (with multiplicity)."""

    tally: list[int] = field(default_factory=lambda: [0, 0, 0])
    spreads: Counter[str] = field(default_factory=Counter)


def _own_part(selection_set: SelectionSetNode, directives: Sequence[DirectiveNode]) -> _Part:
    part = _Part()
    tally = part.tally
    _add_directives(tally, directives)
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            tally[0] += 1
            _add_directives(tally, selection.directives or ())
            if isinstance(selection, FragmentSpreadNode):
                part.spreads[selection.name.value] += 1
            elif isinstance(selection, FieldNode | InlineFragmentNode):
                if isinstance(selection, FieldNode):
                    tally[2] += len(selection.arguments or ())
                if selection.selection_set:
                    stack.append(selection.selection_set)
    return part


def _add_directives(tally: list[int], directives: Sequence[DirectiveNode]) -> None:
    tally[1] += len(directives)
    tally[2] += sum(len(directive.arguments or ()) for directive in directives)


def measure_document(document: DocumentNode, *, cap: int) -> DocumentSize:
    """Count what validating and executing ``document`` would visit: every selection, directive and argument
    of each operation with its fragments expanded at each spread, plus each fragment definition once.

    Totals saturate just above ``cap``, so a fragment bomb costs no more to measure than a plain document;
    a spread of an unknown fragment, or one closing a cycle, counts as the spread alone.
    """
    fragments: dict[str, _Part] = {}
    operations: list[_Part] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(
                definition.name.value, _own_part(definition.selection_set, definition.directives or ())
            )
        elif isinstance(definition, OperationDefinitionNode):
            directives = [*(definition.directives or ())]
            for variable in definition.variable_definitions or ():
                directives += variable.directives or ()
            operations.append(_own_part(definition.selection_set, directives))

    expanded: dict[str, _Tally] = {}
    for name in _dependencies_first(fragments):
        expanded[name] = _expand(fragments[name], expanded, cap)
    # Operations are expanded; each fragment definition is also visited once on its own.
    tallies = [_expand(part, expanded, cap) for part in operations]
    tallies += [tuple(part.tally) for part in fragments.values()]  # type: ignore[misc]
    total = [min(sum(column), cap + 1) for column in zip(*tallies, strict=True)] if tallies else [0, 0, 0]
    return DocumentSize(*total)


def _expand(part: _Part, expanded: dict[str, _Tally], cap: int) -> _Tally:
    total = list(part.tally)
    for name, count in part.spreads.items():
        inner = expanded.get(name, (0, 0, 0))  # unknown, or on a cycle: reported by the spec rules
        total = [min(mine + count * theirs, cap + 1) for mine, theirs in zip(total, inner, strict=True)]
    return total[0], total[1], total[2]


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


def too_complex(message: str, request_id: str | None = None, code: str = CODE, **more: Any) -> GraphQLError:
    """The refusal: a stated limit, the code, never the document."""
    extensions: dict[str, Any] = {"code": code, **more}
    if request_id:
        extensions["requestId"] = request_id
    return GraphQLError(message, extensions=extensions)


def check_document(document: DocumentNode, limits: DocumentLimits) -> str | None:
    """Why ``document`` is refused (the limit it passes), or None when it is within the limits."""
    size = measure_document(document, cap=max(limits.max_selections, limits.max_directives, limits.max_arguments))
    for count, limit, what in (
        (size.selections, limits.max_selections, "selections"),
        (size.directives, limits.max_directives, "directives"),
        (size.arguments, limits.max_arguments, "arguments"),
    ):
        if count > limit:
            return f"The document has more than {limit} {what} (fragments expanded)."
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


class _SameText:
    """A parsed document as a cache key: equal when the text is (the parser cache makes one document per text).

    Strawberry's ValidationCache keys on the document itself, whose hash walks the whole tree on every
    request, hit or miss (0.12 ms for 217 nodes here); a string hashes once.
    """

    __slots__ = ("document", "text")

    def __init__(self, text: str, document: DocumentNode) -> None:
        self.text = text
        self.document = document

    def __hash__(self) -> int:
        return hash(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SameText) and other.text == self.text


_cached_parse = lru_cache(maxsize=DEFAULT_MAXSIZE)(parse_unlinked)


@lru_cache(maxsize=DEFAULT_MAXSIZE)
def _validate(schema: GraphQLSchema, key: _SameText, rules: tuple[type[ASTValidationRule], ...]) -> list[GraphQLError]:
    # The rules Strawberry's own validation adds to the given ones.
    return validate_acyclic(schema, key.document, (*rules, MaybeNullValidationRule, OneOfInputValidationRule))


class DocumentCost(ParserCache):
    """Parses and validates (both cached) what is within the limits; refuses the rest before the costly steps.

    It takes the place of ParserCache and ValidationCache. The rule classes are built once per schema, so the
    validation cache key stays stable. A refusal travels as a validation error does (``pre_execution_errors``),
    which is the one path that both HTTP and graphql-transport-ws answer with an error message.
    """

    def __init__(
        self, limits: DocumentLimits, overlap_rule: type[ASTValidationRule], budget: ParseBudget, lane: FreshLane
    ) -> None:
        super().__init__()
        self.cached_parse_document = _cached_parse
        self.limits = limits
        self.overlap_rule = overlap_rule
        self.budget = budget
        self.lane = lane
        self.refusal: str | None = None
        self.retry_after: int | None = None
        self.fresh = True
        self.parse_charged_ms = 0.0

    # Asynchronous (Strawberry runs either kind of hook) so a refusal can pause without holding the loop and a
    # fresh document can wait for its turn in the lane.
    async def on_parse(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        query = context.query
        client = _client_key(context.context)
        self.fresh = not self.budget.is_recent(query)
        wait = self.budget.wait(client) if self.fresh else None
        if wait is None and query is not None and len(query) > self.limits.max_length:
            # Lexing a long string or comment is a Python loop per character: never start it.
            self.refusal = f"The document is longer than {self.limits.max_length} characters."
        elif wait is None and query is not None and self.fresh:
            async with self.lane.step():
                # Asked again in the lane: the steps queued ahead of this one (a burst sent at once) have been
                # charged by now, and a client they put in debt is refused before this document is lexed.
                wait = self.budget.wait(client)
                if wait is None:
                    self._parse(query, client)
        elif wait is None and query is not None:
            self._parse(query, client)
        if wait is not None:
            await self._refuse_over_budget(wait)
        elif self.refusal is not None:
            # An empty operation of an allowed type stands in for the document, so the refusal can follow.
            context.graphql_document = _stand_in(context.operation_name, context.allowed_operations)
        yield

    async def _refuse_over_budget(self, wait: float) -> None:
        """Refuse (before lexing) a client whose documents have used up its share of the loop for now."""
        context = self.execution_context
        self.retry_after = max(1, math.ceil(wait))
        self.refusal = f"Too many costly documents from this client; retry in {self.retry_after} s."
        context.graphql_document = _stand_in(context.operation_name, context.allowed_operations)
        # A pause outside the lane that costs the loop nothing; not charged (the thread's CPU meanwhile is other
        # requests' work).
        await asyncio.sleep(min(wait, MAX_REFUSAL_PAUSE_SECONDS))

    def _parse(self, query: str, client: str | None) -> None:
        """Parse (cached) and charge the CPU it took; a token-limit error becomes the refusal."""
        context = self.execution_context
        max_tokens = context.parse_options.get("max_tokens")
        started = time.thread_time()
        reparsed = 1
        try:
            context.graphql_document = self.cached_parse_document(query, **context.parse_options)
        except GraphQLSyntaxError as error:
            if max_tokens is not None and f"more than {max_tokens} tokens" in error.message:
                self.refusal = f"The document has more than {max_tokens} tokens."
            else:
                reparsed = 2  # Strawberry parses it again to report the error: charged here, as twice the work
            # Other syntax errors are left to Strawberry's own parse step, which reports them on both
            # transports (raised from here, a WebSocket operation would end without an error message).
        self.parse_charged_ms = self.budget.charge(client, (time.thread_time() - started) * 1000 * reparsed)

    async def on_validate(self) -> AsyncIterator[None]:
        document = self.execution_context.graphql_document
        if self.refusal is None and document is not None and self.fresh:
            client = _client_key(self.execution_context.context)
            async with self.lane.step():
                # The costly step: a client that the steps queued ahead of this one put in debt while it waited
                # (a burst sent at once) is refused here too; its own parse is not held against it.
                wait = self.budget.wait(client, credit_ms=self.parse_charged_ms)
                if wait is None:
                    self._validate(document)
            if wait is not None:
                await self._refuse_over_budget(wait)
                self._validate(document)
        else:
            self._validate(document)
        yield

    def _validate(self, document: DocumentNode | None) -> None:
        """Refuse what passes a limit, else run the rules (cached); charge the CPU it took."""
        context = self.execution_context
        started = time.thread_time()
        reason = self.refusal or (check_document(document, self.limits) if document is not None else None)
        if reason is not None:
            request_id = getattr(context.context, "request_id", None)
            if self.retry_after is not None:
                error = too_complex(reason, request_id, TOO_MANY_REQUESTS, retryAfterSeconds=self.retry_after)
            else:
                error = too_complex(reason, request_id)
            context.pre_execution_errors = [error]
            return
        context.validation_rules = tuple(
            self.overlap_rule if rule is OverlappingFieldsCanBeMergedRule else rule for rule in context.validation_rules
        )
        if document is not None and context.query is not None:
            key = _SameText(context.query, document)
            context.pre_execution_errors = _validate(context.schema._schema, key, context.validation_rules)
            self.budget.remember(context.query)
        self.budget.charge(_client_key(context.context), (time.thread_time() - started) * 1000)


def _client_key(request_context: Any) -> str | None:
    """The IP bucket the per-client budget charges (None, so never charged, without a request context)."""
    client_info = getattr(request_context, "client_info", None)
    services = getattr(request_context, "services", None)
    if client_info is None or services is None:
        return None
    return ip_limit_key(client_info.ip, services.settings.ipv6_limit_prefix)


def _stand_in(name: str | None, allowed: Iterable[OperationType]) -> DocumentNode:
    allowed = set(allowed)
    kind = next((kind for kind in OperationType if kind in allowed), OperationType.QUERY)
    operation = OperationDefinitionNode(
        operation=GraphQLOperationType(kind.value),
        name=NameNode(value=name) if name else None,
        selection_set=SelectionSetNode(selections=()),
    )
    return DocumentNode(definitions=(operation,))
