"""A password reset over a real uvicorn: every live socket of the account is told SESSION_ENDED and closed,
and resetPassword is refused on a WebSocket (it belongs to HTTP, like every sign-in mutation)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.actors import create_api_key
from tests.support.databases import Backend
from tests.support.live import REFUSAL, SUBSCRIPTION, over_socket, server_env, sign_in, sign_up, subscribed
from tests.support.mail import RecordingHandler
from tests.support.recovery import PUBLIC_URL, REQUEST_RESET, RESET, mailed_token
from tests.support.server import GraphQLSocket, ServerProcess, session_ended

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory, smtp_server: tuple[int, RecordingHandler]
) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("recovery-server")
    env = server_env(backend, directory, SMTP_URL=f"smtp://127.0.0.1:{smtp_server[0]}", PUBLIC_URL=PUBLIC_URL)
    process = ServerProcess(env, directory / "server.log").start()
    yield process
    process.stop()


async def test_a_reset_closes_every_socket_of_the_account_with_session_ended(
    server: ServerProcess, smtp_server: tuple[int, RecordingHandler]
) -> None:
    email, laptop = await sign_up(server)
    phone = await sign_in(server, email)
    created = await create_api_key(laptop.client)
    phone_socket, _ = await subscribed(server, phone)
    laptop_socket, _ = await subscribed(server, laptop)
    key_socket = await GraphQLSocket.open(server.ws_url)
    assert (await key_socket.init({"authorization": f"Bearer {created['secret']}"}))["type"] == "connection_ack"
    await key_socket.subscribe(SUBSCRIPTION)
    await key_socket.next_data()

    requested = await phone.client.data(REQUEST_RESET, {"input": {"email": email}})
    assert requested["requestPasswordReset"]["__typename"] == "PasswordResetRequested"
    token = await mailed_token(smtp_server[1], email)
    variables = {"input": {"token": token, "newPassword": "a passphrase from the mailbox", "code": None}}
    done = (await phone.client.data(RESET, variables))["resetPassword"]
    assert done == {"__typename": "PasswordReset", "signedOutSessions": 2, "revokedApiKeys": 1}

    for socket in (phone_socket, laptop_socket):
        assert await socket.messages_until_close(timeout=2) == ([session_ended("1", "PASSWORD_RESET")], 4403)
    # A key's socket is told the way a revoked key's is.
    assert await key_socket.messages_until_close(timeout=2) == ([session_ended("1", "REVOKED")], 4403)


async def test_reset_password_is_refused_on_the_websocket(server: ServerProcess) -> None:
    _, laptop = await sign_up(server)
    variables = {"input": {"token": "A" * 43, "newPassword": "a passphrase from the mailbox", "code": None}}
    messages = await over_socket(server, laptop, RESET, variables)
    [error] = messages[0]["payload"]["errors"]
    assert (error["message"], error["extensions"], error["path"]) == (
        REFUSAL["message"],
        REFUSAL["extensions"],
        ["resetPassword"],
    )
