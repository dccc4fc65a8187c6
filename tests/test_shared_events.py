"""Subscription events shared between subscribers (schema.sharing): one execution per event and question,
never one answer for two different questions, and no sharing where the answer could depend on the socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Iterator

import pytest
import strawberry
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType
from strawberry.extensions import ParserCache, SchemaExtension

from schema import schema as real_schema
from schema.masking import MaskUnexpectedErrors
from schema.sharing import (
    ErrorsOnlyStreamHook,
    SharedData,
    SharedPayload,
    SharingExecutor,
    SharingSchema,
    encoded_next,
)

calls: list[str] = []


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def loud(self) -> str:
        calls.append(self.name)
        return self.name.upper()

    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError("no")


class Feed:
    """Yields the same SharedPayload object to every subscriber, like the session feeds do."""

    def __init__(self) -> None:
        self.queues: list[asyncio.Queue[SharedPayload]] = []

    def publish(self, payload: SharedPayload) -> None:
        for queue in self.queues:
            queue.put_nowait(payload)


FEED = Feed()


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def items(self) -> AsyncGenerator[list[Item], None]:
        queue: asyncio.Queue[SharedPayload] = asyncio.Queue()
        FEED.queues.append(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            FEED.queues.remove(queue)


toy = strawberry.Schema(
    query=Query, subscription=Subscription, extensions=[ParserCache], execution_context_class=SharingExecutor
)


async def _subscribers(documents: list[tuple[str, dict | None]]) -> tuple[list[AsyncGenerator], list[asyncio.Future]]:
    streams = []
    for query, variables in documents:
        stream = await toy.subscribe(query, variable_values=variables)
        streams.append(stream)
    # Start every generator so each has registered its queue before anything is published.
    firsts = [asyncio.ensure_future(anext(stream)) for stream in streams]
    while len(FEED.queues) < len(streams):
        await asyncio.sleep(0)
    return streams, firsts


@pytest.fixture(autouse=True)
def _reset() -> None:
    calls.clear()
    FEED.queues.clear()


async def test_the_same_question_on_the_same_event_is_executed_once_and_answered_with_one_object() -> None:
    query = "subscription { items { name loud } }"
    streams, firsts = await _subscribers([(query, None)] * 3)
    FEED.publish(SharedPayload([Item(name="a"), Item(name="b")]))
    results = await asyncio.gather(*firsts)
    assert [r.data for r in results] == [{"items": [{"name": "a", "loud": "A"}, {"name": "b", "loud": "B"}]}] * 3
    assert calls == ["a", "b"]
    assert results[0].data is results[1].data is results[2].data
    assert type(results[0].data) is SharedData
    for stream in streams:
        await stream.aclose()


async def test_different_documents_get_their_own_answers() -> None:
    streams, firsts = await _subscribers(
        [
            ("subscription { items { name } }", None),
            ("subscription { items { shout: loud } }", None),
        ]
    )
    FEED.publish(SharedPayload([Item(name="a")]))
    plain, aliased = await asyncio.gather(*firsts)
    assert plain.data == {"items": [{"name": "a"}]}
    assert aliased.data == {"items": [{"shout": "A"}]}
    for stream in streams:
        await stream.aclose()


async def test_operations_with_variables_are_never_shared() -> None:
    query = "subscription S($loud: Boolean!) { items { name loud @include(if: $loud) } }"
    streams, firsts = await _subscribers([(query, {"loud": True}), (query, {"loud": False})])
    FEED.publish(SharedPayload([Item(name="a")]))
    with_loud, without = await asyncio.gather(*firsts)
    assert with_loud.data == {"items": [{"name": "a", "loud": "A"}]}
    assert without.data == {"items": [{"name": "a"}]}
    for stream in streams:
        await stream.aclose()


async def test_results_with_errors_are_executed_for_each_subscriber() -> None:
    query = "subscription { items { loud broken } }"
    streams, firsts = await _subscribers([(query, None)] * 2)
    FEED.publish(SharedPayload([Item(name="a")]))
    results = await asyncio.gather(*firsts)
    assert all(r.errors and r.errors[0].message == "no" for r in results)
    assert calls == ["a", "a"]
    assert type(results[0].data) is not SharedData
    for stream in streams:
        await stream.aclose()


async def test_a_plain_list_is_executed_for_each_subscriber() -> None:
    query = "subscription { items { loud } }"
    streams, firsts = await _subscribers([(query, None)] * 2)
    for queue in FEED.queues:
        queue.put_nowait([Item(name="a")])
    await asyncio.gather(*firsts)
    assert calls == ["a", "a"]
    for stream in streams:
        await stream.aclose()


def test_a_next_message_with_shared_data_is_encoded_like_any_other() -> None:
    data = SharedData({"items": [{"name": 'é\u2028"<'}]})

    def encode(value: object) -> str:
        return json.dumps(value, separators=(",", ":"))

    # Operation ids are the client's: quotes, backslashes, NUL, emoji and a lone surrogate come out escaped alike.
    for op_id in ["1", 'é"\\\u0000x', "😀", "\ud800"]:
        message = {"id": op_id, "type": "next", "payload": {"data": data}}
        assert encoded_next(message, encode) == encode(message)
    assert json.loads(encoded_next({"id": "1", "type": "next", "payload": {"data": data}}, encode)) == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"items": [{"name": 'é\u2028"<'}]}},
    }
    # Anything else is left to the ordinary encoder.
    assert encoded_next({"id": "1", "type": "next", "payload": {"data": {"x": 1}}}, encode) is None
    assert encoded_next({"id": "1", "type": "next", "payload": {"data": data, "errors": []}}, encode) is None
    assert encoded_next({"id": "1", "type": "complete"}, encode) is None


def test_nothing_under_the_shared_subscription_resolves_from_the_socket() -> None:
    """activeSessions yields SharedPayloads: one execution serves every socket of a session, so no field
    reachable from it may have its own resolver (one could read info.context and differ per socket)."""
    own_resolvers: list[str] = []
    seen: set[str] = set()
    field = real_schema._schema.subscription_type.fields["activeSessions"]
    pending = [field.type]
    while pending:
        gql_type = pending.pop()
        while isinstance(gql_type, GraphQLNonNull | GraphQLList):
            gql_type = gql_type.of_type
        if not isinstance(gql_type, GraphQLObjectType) or gql_type.name in seen:
            continue
        seen.add(gql_type.name)
        definition = real_schema.get_type_by_name(gql_type.name)
        for strawberry_field in definition.fields:
            if strawberry_field.base_resolver is not None:
                own_resolvers.append(f"{gql_type.name}.{strawberry_field.name}")
        pending.extend(f.type for f in gql_type.fields.values())
    assert seen == {"Session", "Device"}
    assert own_resolvers == []


def _sharing_toy(*extensions: type[SchemaExtension]) -> SharingSchema:
    return SharingSchema(
        query=Query,
        subscription=Subscription,
        extensions=[ParserCache, *extensions],
        execution_context_class=SharingExecutor,
    )


async def _waiting(schema: strawberry.Schema, queries: list[str]) -> tuple[list[AsyncGenerator], list[asyncio.Future]]:
    """One stream per query on ``schema``, each already waiting for the feed's next event."""
    streams = [await schema.subscribe(query) for query in queries]
    firsts = [asyncio.ensure_future(anext(stream)) for stream in streams]
    while len(FEED.queues) < len(streams):
        await asyncio.sleep(0)
    return streams, firsts


async def test_an_unexpected_error_in_an_event_is_masked_for_every_subscriber_and_clean_events_pass() -> None:
    """The masking extensions skip results without errors (a subscription runs them per event and socket):
    an event with an error is still masked, the one after it is sent as it is."""
    streams, firsts = await _waiting(_sharing_toy(MaskUnexpectedErrors), ["subscription { items { name broken } }"] * 2)
    FEED.publish(SharedPayload([Item(name="a")]))
    for result in await asyncio.gather(*firsts):
        assert [e.message for e in result.errors] == ["Internal server error."]
        assert result.errors[0].extensions["code"] == "INTERNAL_SERVER_ERROR"
    clean = [asyncio.ensure_future(anext(stream)) for stream in streams]
    await asyncio.sleep(0)
    FEED.publish(SharedPayload([]))
    for result in await asyncio.gather(*clean):
        assert result.errors is None and result.data == {"items": []}
    for stream in streams:
        await stream.aclose()


stream_hooks: list[object] = []


class SeesEveryResult(SchemaExtension):
    """An extension whose stream hook may change any result: it must see every one, shared or not."""

    def on_stream_result(self, result: object) -> Iterator[None]:
        stream_hooks.append(result)
        yield None


async def test_stream_hooks_that_may_change_clean_results_still_see_every_shared_result() -> None:
    """Per-result hooks are skipped for a shared clean result only when each one changes nothing but errors."""
    stream_hooks.clear()
    watched = _sharing_toy(MaskUnexpectedErrors, SeesEveryResult)
    streams, firsts = await _waiting(watched, ["subscription { items { name } }"] * 3)
    FEED.publish(SharedPayload([Item(name="a")]))
    results = await asyncio.gather(*firsts)
    assert [r.data for r in results] == [{"items": [{"name": "a"}]}] * 3
    assert type(results[0].data) is SharedData
    assert stream_hooks == results
    for stream in streams:
        await stream.aclose()


class ErrorsOnlyCounter(ErrorsOnlyStreamHook, SchemaExtension):
    """Says it changes only results with errors; counts the results it is shown."""

    def on_stream_result(self, result: object) -> Iterator[None]:
        stream_hooks.append(result)
        yield None


async def test_errors_only_stream_hooks_are_skipped_for_shared_clean_results_and_see_results_with_errors() -> None:
    stream_hooks.clear()
    queries = ["subscription { items { name } }"] * 3 + ["subscription { items { broken } }"] * 2
    streams, firsts = await _waiting(_sharing_toy(ErrorsOnlyCounter), queries)
    FEED.publish(SharedPayload([Item(name="a")]))
    results = await asyncio.gather(*firsts)
    assert [r.data for r in results[:3]] == [{"items": [{"name": "a"}]}] * 3
    assert all(r.errors for r in results[3:])
    assert stream_hooks == results[3:]
    for stream in streams:
        await stream.aclose()
