"""Subscription events executed once and sent to every subscriber that asked the same question.

A change to an account's sessions reaches every socket watching that account. Executing the selection
and encoding the JSON once per socket made each socket cost several times what sending it does; with
these pieces they are done once per event, document and viewpoint:

* a resolver yields a ``SharedPayload``: the very same object for every subscriber that must see the same
  answer. It promises that every field under it resolves from the payload alone (no resolver below it
  reads ``info.context``), so one execution serves them all;
* ``SharingExecutor`` (the schema's execution context class) keeps the result of executing an operation on
  a ``SharedPayload`` in that payload, keyed by the operation node. Strawberry's parser cache hands every
  socket that sent the same text the same node, and the cache is used only without variables, so equal
  keys mean equal questions. Results with errors are never shared;
* the shared result's ``data`` is a ``SharedData``, whose JSON the view encodes once (``encoded_next``);
* ``SharingSchema`` hands every subscriber the one Strawberry result made for it, instead of converting
  and decorating a copy per subscriber, whenever no extension of the operation adds results; and it skips
  the per-result extension hooks for such a result when every hook is an ``ErrorsOnlyStreamHook`` (one
  that changes only results with errors, which a shared result never has).

The cache lives and dies with the payload, so nothing outlives the event it belongs to.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionResult as StrawberryResult


class SharedPayload(list[Any]):
    """A subscription event (a list) that many subscribers receive as one object."""

    __slots__ = ("results",)

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        # id(operation node) -> (operation node, result); the node is held so its id cannot be reused.
        self.results: dict[int, tuple[Any, ExecutionResult]] = {}


class SharedData(dict[str, Any]):
    """The ``data`` of a shared result; its JSON is encoded once, on first send."""

    __slots__ = ("json", "result")

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.json: str | None = None
        # The Strawberry result every subscriber is handed (SharingSchema), made on first use.
        self.result: StrawberryResult | None = None


_NO_RESULTS = SchemaExtension.get_results


def _adds_no_results(runner: Any) -> bool:
    """Whether none of an operation's extensions has results to attach (asked once per operation)."""
    known: bool | None = runner.__dict__.get("_workestra_adds_no_results")
    if known is None:
        known = runner.__dict__["_workestra_adds_no_results"] = all(
            type(extension).get_results is _NO_RESULTS for extension in runner.extensions
        )
    return known


class ErrorsOnlyStreamHook:
    """Marks an extension whose ``on_stream_result`` changes only results that carry errors."""


_NO_HOOKS = contextlib.nullcontext()
_DEFAULT_STREAM_HOOK = SchemaExtension.on_stream_result


class _SharingRunner(SchemaExtensionsRunner):
    """Strawberry's extension runner, without the per-result hooks where they cannot change a shared result.

    Strawberry builds the hooks' context managers for every event on every subscriber; for a shared, clean
    result each of them would only look for errors and find none (B2's profile: a tenth of the fan-out).
    """

    def on_stream_result(self, result: Any) -> Any:
        data = getattr(result, "data", None)
        if type(data) is SharedData and data.result is result and self._errors_only():
            return _NO_HOOKS
        return super().on_stream_result(result)

    def _errors_only(self) -> bool:
        known: bool | None = self.__dict__.get("_errors_only_hooks")
        if known is None:
            known = self.__dict__["_errors_only_hooks"] = all(
                isinstance(extension, ErrorsOnlyStreamHook)
                for extension in self.extensions
                if type(extension).on_stream_result is not _DEFAULT_STREAM_HOOK
            )
        return known


class SharingSchema(strawberry.Schema):
    """Strawberry's schema, handing a shared subscription result to each subscriber as it is.

    Strawberry converts every event's result to its own type and asks each of the operation's extensions
    for results to attach: per subscriber, the same work for the same answer. When the result is shared
    and no extension of the operation has results of its own, the one converted result serves all.
    """

    def create_extensions_runner(self, execution_context: Any, extensions: list[SchemaExtension]) -> Any:
        return _SharingRunner(execution_context=execution_context, extensions=extensions)

    async def _handle_execution_result(
        self, context: Any, result: Any, extensions_runner: Any, *, skip_process_errors: bool = False
    ) -> Any:
        data = getattr(result, "data", None)
        if (
            type(data) is SharedData
            and type(result) is ExecutionResult
            and not result.errors
            and not context.extensions_results
            and _adds_no_results(extensions_runner)
        ):
            if data.result is None:
                data.result = StrawberryResult(data=data, errors=None, extensions={})
            context.result = data.result
            return data.result
        return await super()._handle_execution_result(
            context, result, extensions_runner, skip_process_errors=skip_process_errors
        )


class _Executed:
    """Stands in for a per-event executor when the event's result is already known."""

    __slots__ = ("result",)

    def __init__(self, result: ExecutionResult) -> None:
        self.result = result

    def execute_operation(self, serially: bool | None = None) -> ExecutionResult:
        return self.result


class SharingExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, executing a subscription operation once per ``SharedPayload``."""

    def build_per_event_executor(self, payload: Any) -> Any:
        if type(payload) is not SharedPayload or self.variable_values.coerced:
            return super().build_per_event_executor(payload)
        known = payload.results.get(id(self.operation))
        if known is not None and known[0] is self.operation:
            # Already executed for another subscriber: no per-event copy of this executor is needed.
            return _Executed(known[1])
        return _SharingEventExecutor(super().build_per_event_executor(payload), payload, self.operation)


class _SharingEventExecutor:
    """Runs one event's execution and, when it is clean and synchronous, keeps it in the payload."""

    __slots__ = ("executor", "operation", "payload")

    def __init__(self, executor: Any, payload: SharedPayload, operation: Any) -> None:
        self.executor = executor
        self.payload = payload
        self.operation = operation

    def execute_operation(self, serially: bool | None = None) -> Any:
        result = self.executor.execute_operation(serially)
        if type(result) is ExecutionResult and not result.errors and isinstance(result.data, dict):
            result = ExecutionResult(SharedData(result.data), None, result.extensions)
            self.payload.results[id(self.operation)] = (self.operation, result)
        return result


def encoded_next(message: object, encode: Callable[[object], str | bytes]) -> str | None:
    """The JSON of a graphql-transport-ws ``next`` message carrying shared data, or None for any other message.

    ``encode`` is the view's JSON encoder; the data part is encoded with it once and reused.
    """
    if type(message) is not dict or message.get("type") != "next":
        return None
    payload = message.get("payload")
    if type(payload) is not dict or len(payload) != 1:
        return None
    data = payload.get("data")
    if type(data) is not SharedData:
        return None
    if data.json is None:
        encoded = encode(data)
        data.json = encoded.decode() if isinstance(encoded, bytes) else encoded
    return '{"id":' + json.dumps(message["id"]) + ',"type":"next","payload":{"data":' + data.json + "}}"
