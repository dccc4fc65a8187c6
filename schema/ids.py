"""Global object ids (Relay global object identification) and their strict parsing.

An id is Strawberry's ``GlobalID``: base64 of ``"<TypeName>:<key>"``, where the key is a random UUID
(a session's or API key's own id, an account's or event's ``public_id``), never a table counter, so an
id reveals neither how many objects exist nor in which order they were made. Parsing accepts only the
exact text this module writes: anything else (empty, huge, non-ASCII, bad base64, an unknown type, a
key that is not a canonical UUID) is no id at all, so callers answer ``null`` or ``NotFound``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final

from strawberry.relay import GlobalID

NODE_TYPES: Final = frozenset({"Account", "Session", "SecurityEvent", "ApiKey", "KnownDevice"})
# base64 of the longest type name, a colon and a 36-character UUID is 72 characters; longer is not ours.
_MAX_LENGTH: Final = 80


@dataclass(frozen=True)
class NodeRef:
    """What a global id names: a node type and its random key."""

    type_name: str
    key: uuid.UUID


def global_id(type_name: str, key: object) -> str:
    """The global id of the ``type_name`` object with ``key``."""
    return str(GlobalID(type_name=type_name, node_id=str(key)))


def parse_global_id(value: object, *, expect: str | None = None) -> NodeRef | None:
    """The node a global id names, or None when ``value`` is not an id of ours (of type ``expect``, if given)."""
    if not isinstance(value, str) or not value or len(value) > _MAX_LENGTH or not value.isascii():
        return None
    try:
        parsed = GlobalID.from_id(value)
        key = uuid.UUID(parsed.node_id)
    except (ValueError, UnicodeError):  # GlobalIDValueError and binascii.Error are ValueErrors
        return None
    if parsed.type_name not in NODE_TYPES or (expect is not None and parsed.type_name != expect):
        return None
    # Only the canonical spelling is an id: base64 and UUID parsing both forgive variants (no padding,
    # braces, upper case) that would otherwise give one object many ids.
    if global_id(parsed.type_name, key) != value:
        return None
    return NodeRef(parsed.type_name, key)
