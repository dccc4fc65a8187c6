"""Which media type a GraphQL response is sent as: the ``Accept`` header, read as GraphQL over HTTP says.

``application/graphql-response+json`` lets the status code tell a request error (a document that does not
parse or validate, variables that do not coerce) from a response with data; ``application/json`` is what
clients sent before it existed, and keeps answering 200 with the errors in the body.
"""

from __future__ import annotations

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_EXACT = 2
_UTF8 = {"utf-8", "utf8"}


def response_media_type(accept: str | None) -> str | None:
    """The media type to answer with, or None when the client accepts neither GraphQL response type.

    No ``Accept`` header (or an empty one) means ``application/json``, as the specification asks during its
    transition; ``*/*`` and ``application/*`` also mean ``application/json``.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = [parsed for part in accept.split(",") if (parsed := _media_range(part)) is not None]
    new, legacy = _best_match(ranges, GRAPHQL_RESPONSE_JSON), _best_match(ranges, JSON)
    new_ok, legacy_ok = new[0] > 0, legacy[0] > 0
    # The new type when it is named and preferred at least as much (a client naming both wants it), or when
    # it is the only one acceptable; a wildcard alone means the legacy type.
    if new_ok and (not legacy_ok or (new[1] == _EXACT and new[0] >= legacy[0])):
        return GRAPHQL_RESPONSE_JSON
    return JSON if legacy_ok else None


def _media_range(part: str) -> tuple[str, float, str | None] | None:
    """``(type/subtype, quality, charset)`` of one Accept element, or None when it is not a media range."""
    name, *params = (piece.strip() for piece in part.split(";"))
    name = name.lower()
    if name.count("/") != 1 or not all(name.split("/")):
        return None
    quality, charset = 1.0, None
    for param in params:
        key, _, value = param.partition("=")
        key, value = key.strip().lower(), value.strip().strip('"').lower()
        if key == "q":
            try:
                quality = min(max(float(value), 0.0), 1.0)
            except ValueError:
                return None
        elif key == "charset":
            charset = value
    return name, quality, charset


def _best_match(ranges: list[tuple[str, float, str | None]], served: str) -> tuple[float, int]:
    """The quality and specificity (2 exact, 1 ``type/*``, 0 ``*/*``) of the most specific range naming
    ``served``; quality 0 when none does."""
    kind = served.split("/")[0]
    found = (0.0, -1)
    for name, quality, charset in ranges:
        specificity = {served: _EXACT, f"{kind}/*": 1, "*/*": 0}.get(name)
        if specificity is None or (charset is not None and charset not in _UTF8):
            continue
        if specificity > found[1]:
            found = (quality, specificity)
    return found
