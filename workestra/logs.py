"""Log configuration: one key=value line per event, for the app and uvicorn alike, with nothing secret in it.

What keeps secrets out, whatever ``LOG_LEVEL`` says:
- libraries log at INFO and above only: below that, the database drivers print query parameters, the
  WebSocket protocol prints frames and the HTTP stacks print headers;
- tracebacks keep their frames and the exception types but drop exception messages, which often quote
  the input (a driver error echoing a parameter, a parser error echoing the document);
- uvicorn's access and WebSocket lines are rewritten: masked client IP, no query string;
- a message is always one line (newlines escaped), so client input cannot forge log lines.
"""

from __future__ import annotations

import logging
import logging.config
import sys
import traceback
from contextvars import ContextVar
from typing import IO, Any

# The id of the request being served and its masked client IP, for every line written while serving it.
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")
current_client_ip: ContextVar[str] = ContextVar("current_client_ip", default="-")

LOG_FORMAT = (
    "%(asctime)s level=%(levelname)s logger=%(name)s request_id=%(request_id)s client_ip=%(client_ip)s %(message)s"
)
# Loggers of this service; everything else is a library, held at INFO or above.
OWN_LOGGERS = ("workestra", "auth", "schema", "resolvers", "models")


class RequestContextFilter(logging.Filter):
    """Gives every record ``request_id`` and ``client_ip`` attributes (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") or record.request_id is None:
            record.request_id = current_request_id.get()
        if not hasattr(record, "client_ip"):
            record.client_ip = current_client_ip.get()
        return True


class LibraryDebugFilter(logging.Filter):
    """Drops records below INFO from libraries: their debug output carries queries, frames and headers."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO or record.name.startswith(OWN_LOGGERS)


def _path_only(path: object) -> str:
    # uvicorn quotes the path, so a literal "?" only ever starts the query string.
    return str(path).split("?", 1)[0]


# uvicorn's own templates, matched by identity of the format string (they are module constants).
_ACCESS = '%s - "%s %s HTTP/%s" %d'
_WS_ACCEPTED = '%s - "WebSocket %s" [accepted]'
_WS_REFUSED = '%s - "WebSocket %s" 403'
_WS_STATUS = '%s - "WebSocket %s" %d'


class UvicornLinesFilter(logging.Filter):
    """Rewrites uvicorn's access and WebSocket handshake lines as key=value, without the query string.

    The client IP comes from the request being served (resolved against ``TRUSTED_PROXIES`` and masked);
    outside a request, the socket peer is masked here instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("uvicorn") or not isinstance(record.args, tuple) or not record.args:
            return True
        args = record.args
        if record.msg == _ACCESS and len(args) == 5:
            _, method, path, version, status = args
            record.msg, record.args = (
                "http request method=%s path=%s http_version=%s status=%s",
                (
                    method,
                    _path_only(path),
                    version,
                    status,
                ),
            )
        elif record.msg == _WS_ACCEPTED and len(args) == 2:
            record.msg, record.args = "websocket accepted path=%s", (_path_only(args[1]),)
        elif record.msg == _WS_REFUSED and len(args) == 2:
            record.msg, record.args = "websocket refused path=%s status=403", (_path_only(args[1]),)
        elif record.msg == _WS_STATUS and len(args) == 3:
            record.msg, record.args = "websocket refused path=%s status=%s", (_path_only(args[1]), args[2])
        else:
            return True
        if current_client_ip.get() == "-":
            record.client_ip = _masked_peer(args[0])
        return True


def _masked_peer(address: object) -> str:
    from auth.network import mask_ip

    host = str(address).rsplit(":", 1)[0].strip("[]")
    return mask_ip(host) or "-"


class SafeFormatter(logging.Formatter):
    """key=value lines; messages on one line; tracebacks without exception messages or local values."""

    def format(self, record: logging.LogRecord) -> str:
        """The line, with this formatter's own traceback (never another handler's cached one)."""
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's API)
        return super().formatMessage(record).replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's API)
        """The stack of each exception in the chain, each named by its type only."""
        _, value, tb = ei
        if value is None:
            return ""
        return exception_outline(value, tb)


def exception_outline(error: BaseException, tb: Any = None) -> str:
    """A traceback of ``error`` and its causes with frames and type names only (no messages, no locals)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    first = True
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(tb if first else current.__traceback__)
        block = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames))
        block += f"{type(current).__module__}.{type(current).__qualname__}"
        parts.append(block)
        first = False
        if current.__cause__ is not None:
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            current = current.__context__
        else:
            current = None
    # Innermost cause first, as Python prints chains.
    return "\nThe above exception led to the following:\n".join(reversed(parts))


def service_handler(stream: IO[str] | None = None) -> logging.Handler:
    """The handler every line of the service goes through (stderr unless ``stream`` is given)."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(SafeFormatter(LOG_FORMAT))
    # Order matters: uvicorn's lines get their client IP before the request context fills in the rest.
    for line_filter in (LibraryDebugFilter(), UvicornLinesFilter(), RequestContextFilter()):
        handler.addFilter(line_filter)
    return handler


def logging_config(level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dictionary: one handler for every logger, uvicorn's included.

    uvicorn applies it in each worker process too, so all of them log alike.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"service": {"()": service_handler}},
        "root": {"level": level.upper(), "handlers": ["service"]},
        # They propagate to the root handler; their levels follow LOG_LEVEL, but never below INFO.
        "loggers": {name: {"level": _library_level(level), "handlers": [], "propagate": True} for name in _LIBRARIES},
    }


# Libraries whose debug output is costly or secret-bearing: held at INFO so the records are never built.
_LIBRARIES = (
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "uvicorn.asgi",
    "websockets",
    "asyncpg",
    "aiosqlite",
    "tortoise",
    "httpx",
    "httpcore",
    "aiosmtplib",
    "redis",
    "broadcaster",
    "strawberry",
    "graphql",
    "multipart",
    "asyncio",
)


def _library_level(level: str) -> str:
    # getLevelName maps names to numbers and back, so it is typed as returning Any.
    name: str = logging.getLevelName(max(logging.INFO, logging.getLevelName(level.upper())))
    return name


def configure_logging(level: str) -> None:
    """Route every logger of this process through the key=value handler at ``level``."""
    logging.config.dictConfig(logging_config(level))
    logging.getLogger("workestra.logs").debug("debug logging on; libraries stay at INFO")
