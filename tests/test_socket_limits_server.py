"""Per-account limits on the WebSocket, over a real uvicorn process: live operations per account."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.databases import Backend
from tests.support.live import SUBSCRIPTION, Device, server_env, sign_in, sign_up
from tests.support.server import GraphQLSocket, ServerProcess

pytestmark = pytest.mark.server

PER_ACCOUNT = 3


@pytest.fixture(scope="module")
def capped_server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("capped-server")
    env = server_env(
        backend, directory, MAX_SUBSCRIPTIONS_PER_ACCOUNT=str(PER_ACCOUNT), MAX_SUBSCRIPTIONS_PER_CONNECTION="2"
    )
    process = ServerProcess(env, directory / "server.log").start()
    yield process
    process.stop()


async def open_socket(server: ServerProcess, device: Device) -> GraphQLSocket:
    socket = await GraphQLSocket.open(server.ws_url)
    assert (await socket.init({"authorization": f"Bearer {device.token}"}))["type"] == "connection_ack"
    return socket


async def subscribe(socket: GraphQLSocket, op_id: str) -> dict:
    """Subscribe and return the first answer (a `next` when admitted, an `error` when refused)."""
    await socket.subscribe(SUBSCRIPTION, op_id=op_id)
    return await socket.receive()


async def nothing_arrives(socket: GraphQLSocket, seconds: float = 0.5) -> None:
    with pytest.raises(TimeoutError):
        message = await socket.receive(timeout=seconds)
        pytest.fail(f"unexpected message {message}")


async def place_comes_back(server: ServerProcess, device: Device) -> GraphQLSocket:
    """A socket whose subscription was admitted, retried while the server is still letting go of closed ones."""
    for attempt in range(50):
        socket = await open_socket(server, device)
        answer = await subscribe(socket, f"again-{attempt}")
        if answer["type"] == "next":
            return socket
        await socket.close()
        await asyncio.sleep(0.05)
    pytest.fail("a place given back never became free")


async def test_an_account_runs_a_bounded_number_of_subscriptions_per_process(capped_server: ServerProcess) -> None:
    email, laptop = await sign_up(capped_server)
    phone = await sign_in(capped_server, email)
    first = await open_socket(capped_server, laptop)
    second = await open_socket(capped_server, phone)
    assert (await subscribe(first, "a"))["type"] == "next"
    assert (await subscribe(first, "b"))["type"] == "next"
    assert (await subscribe(second, "c"))["type"] == "next"

    # The fourth, on a socket that is itself below its own cap of 2, is refused with one `error` message.
    refusal = await subscribe(second, "d")
    assert refusal == {
        "id": "d",
        "type": "error",
        "payload": [
            {
                "message": "This account has too many live subscriptions on this server; end one and try again.",
                "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"},
            }
        ],
    }
    # The admitted ones keep working; the refused one gets nothing, not even on the next change.
    await sign_in(capped_server, email)
    first_ids = {(await first.receive())["id"], (await first.receive())["id"]}
    assert first_ids == {"a", "b"}
    after = await second.receive()
    assert after["id"] == "c" and after["type"] == "next"
    await nothing_arrives(second)

    # Another account is not affected.
    _, other = await sign_up(capped_server)
    elsewhere = await open_socket(capped_server, other)
    assert (await subscribe(elsewhere, "x"))["type"] == "next"

    # A completed subscription gives its place back, and the id may be used again.
    await first.send({"id": "a", "type": "complete"})
    for _ in range(50):
        answer = await subscribe(second, "d")
        if answer["type"] == "next":
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the completed subscription's place was never given back")
    for socket in (first, second, elsewhere):
        await socket.close()


async def test_places_are_given_back_however_sockets_and_subscriptions_end(capped_server: ServerProcess) -> None:
    email, laptop = await sign_up(capped_server)
    for round_no in range(20):
        sockets = [await open_socket(capped_server, laptop) for _ in range(2)]
        answers = [await subscribe(sockets[0], "1"), await subscribe(sockets[0], "2"), await subscribe(sockets[1], "3")]
        assert [a["type"] for a in answers] == ["next"] * 3, (round_no, answers)
        if round_no % 4 == 0:
            await sockets[0].send({"id": "1", "type": "complete"})
        if round_no % 4 == 1:
            # A subscription that fails (a bad document) takes no place once it has failed.
            await sockets[1].send({"id": "3", "type": "complete"})
            await sockets[1].send({"id": "bad", "type": "subscribe", "payload": {"query": "subscription { nope }"}})
            assert (await sockets[1].receive())["type"] == "error"
        if round_no % 4 == 2:
            # Dropped without a close handshake.
            for socket in sockets:
                socket.connection.transport.abort()
            continue
        for socket in sockets:
            with contextlib.suppress(ConnectionClosed):
                await socket.close()
    # Every place came back: the account can run its full allowance again, and no more.
    full = [await place_comes_back(capped_server, laptop) for _ in range(PER_ACCOUNT)]
    extra = await open_socket(capped_server, laptop)
    refusal = await subscribe(extra, "one-too-many")
    assert refusal["type"] == "error", refusal
    assert refusal["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    for socket in (*full, extra):
        await socket.close()


async def test_a_refused_subscription_leaves_nothing_behind(capped_server: ServerProcess) -> None:
    """Refused many times over, the account still gets exactly its allowance once places free up."""
    email, laptop = await sign_up(capped_server)
    holder = await open_socket(capped_server, laptop)
    other = await open_socket(capped_server, laptop)
    assert (await subscribe(holder, "1"))["type"] == "next"
    assert (await subscribe(holder, "2"))["type"] == "next"
    assert (await subscribe(other, "3"))["type"] == "next"
    for _ in range(30):
        probe = await open_socket(capped_server, laptop)
        await probe.send({"id": "p", "type": "subscribe", "payload": {"query": SUBSCRIPTION}})
        assert json.loads(await probe.connection.recv())["type"] == "error"
        await probe.close()
    await holder.close()
    again = [await place_comes_back(capped_server, laptop) for _ in range(2)]
    extra = await open_socket(capped_server, laptop)
    assert (await subscribe(extra, "x"))["type"] == "error"
    for socket in (other, *again, extra):
        await socket.close()
