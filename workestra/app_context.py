"""The GraphQL context as this process builds it: the schema's ``Context`` holding the wiring's own types.

The schema reads its services and socket through ports (``schema.ports``). The wiring needs more of them
(binding and releasing a socket, its send budget, the socket checker, the per-account quotas), so its
context keeps them under their own classes. Building one is where mypy checks that ``Services`` and
``SocketSession`` satisfy the ports the schema declares.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response

from schema.context import Context
from workestra.services import Services
from workestra.socket_session import SocketSession


class AppContext(Context):
    """``info.context`` of every operation this process serves."""

    services: Services
    socket: SocketSession | None

    def __init__(
        self,
        services: Services,
        request: HTTPConnection,
        response: Response | None,
        socket: SocketSession | None = None,
    ) -> None:
        super().__init__(services, request, response, socket)
