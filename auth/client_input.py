"""Values clients send, read without trusting them: record ids parsed without raising, and unsafe characters."""

from __future__ import annotations

import re
import uuid

__all__ = ["UNSAFE_CHARACTERS", "parse_uuid"]

# Characters never stored or shown as they are: C0/C1 controls (NUL, CR, LF, ESC, DEL...), lone
# surrogates (not encodable as UTF-8), line/paragraph separators and bidirectional overrides
# (which can make a log line, a label or a name read differently from what it contains).
UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def parse_uuid(value: object) -> uuid.UUID | None:
    """``value`` as a UUID when it is one or a string spelling one; None for anything else, never an error."""
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
