"""What travels on the event bus's channel: one JSON envelope per message, and the backends that carry it.

Every message on the channel is one JSON object, encoded and decoded only here:

* ``{"t": "<topic>", "m": {...}}`` — a message for the subscribers of ``<topic>``; ``m`` is the JSON
  object the publisher handed over (the only topics in use are ``account:<account id>``, e.g.
  ``account:42``; see ``workestra.feeds.account_topic``);
* ``{"reset": true}`` — every subscriber on every process must reload from the database.

Anything else (not JSON, another shape, a foreign publisher on the channel) decodes to None and is dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlparse

from broadcaster import BroadcastBackend
from redis.exceptions import RedisError

from workestra.bus_subscription import Message
from workestra.redis_pubsub import RedisPubSubBackend

__all__ = ["RESET", "Delivery", "Reset", "decode", "describe_failure", "encode", "make_backend", "scheme_of"]

_REDIS_SCHEMES: Final = frozenset({"redis", "rediss"})
_POSTGRES_SCHEMES: Final = frozenset({"postgres", "postgresql"})
_SUPPORTED_SCHEMES: Final = _REDIS_SCHEMES | _POSTGRES_SCHEMES | {"memory"}


@dataclass(frozen=True, slots=True)
class Delivery:
    """A decoded message for the local subscribers of one topic."""

    topic: str
    message: Message


class Reset:
    """The decoded ``{"reset": true}`` envelope."""

    __slots__ = ()


RESET: Final = Reset()
_RESET_WIRE: Final = '{"reset":true}'


def encode(topic: str, message: Message) -> str:
    """The envelope carrying ``message`` to the subscribers of ``topic``."""
    return json.dumps({"t": topic, "m": message}, separators=(",", ":"))


def encode_reset() -> str:
    """The envelope telling every process to reload everything."""
    return _RESET_WIRE


def decode(raw: str) -> Delivery | Reset | None:
    """The envelope in ``raw``, or None when it is not one of ours (malformed or foreign)."""
    try:
        envelope = json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        # RecursionError: nesting deeper than the decoder's stack, which anyone on the channel can send.
        return None
    if not isinstance(envelope, dict):
        return None
    if envelope.get("reset") is True and len(envelope) == 1:
        return RESET
    topic, message = envelope.get("t"), envelope.get("m")
    if not isinstance(topic, str) or not isinstance(message, dict) or len(envelope) != 2:
        return None
    return Delivery(topic, message)


def scheme_of(url: str) -> str:
    """The URL's scheme, or ValueError when no backend speaks it."""
    scheme = urlparse(url).scheme
    if scheme not in _SUPPORTED_SCHEMES:
        raise ValueError(f"unsupported event bus URL scheme: {scheme!r}")
    return scheme


def make_backend(url: str) -> BroadcastBackend:
    """A new, unconnected backend for ``url`` (``memory://``, ``redis://``/``rediss://``, ``postgres://``)."""
    scheme = scheme_of(url)
    if scheme in _REDIS_SCHEMES:
        return RedisPubSubBackend(url)
    # broadcaster 0.3.1 exports its backends only from private modules. The version is pinned, and
    # tests/test_bus_backends.py pins what the bus relies on: memory delivers only subscribed channels in
    # process; PostgreSQL delivers a NOTIFY from another connection and refuses a payload over 8000 bytes.
    if scheme == "memory":
        from broadcaster._backends.memory import MemoryBackend

        return MemoryBackend(url)
    from broadcaster._backends.postgres import PostgresBackend

    return PostgresBackend(url)


def describe_failure(exc: BaseException) -> str:
    """Describe a failure for logs without risking payload contents.

    Transport errors carry host/port details that help operators; anything
    else is reduced to its type name because its text could echo a message.
    """
    if isinstance(exc, (OSError, RedisError)):
        return f"{type(exc).__name__}: {exc}"
    return type(exc).__name__
