"""Building a notification's MIME message: multipart/alternative, text then HTML.

``EmailMessage`` parses every header it is given (addresses, dates, content types) through the
header registry, about 2 ms of CPU per mail, once for each new-device sign-in. When every header
value is ASCII, which is what the product sends, the legacy ``compat32`` classes build the same
message for a tenth of that; anything else (a non-ASCII display name or address) keeps the full
``EmailMessage`` treatment, which encodes it correctly.
"""

from __future__ import annotations

from email.charset import QP, Charset
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart

# Quoted-printable: the bodies are mostly ASCII, and stay 7-bit clean for any relay.
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP


def compose(headers: dict[str, str], text: str, html: str) -> Message:
    """The message with ``headers`` (in order) and the two bodies; ``ValueError`` for a header with CR or LF."""
    for name, value in headers.items():
        # The legacy classes write header values as given: refuse what would start another header.
        if "\r" in value or "\n" in value:
            raise ValueError(f"the {name} header may not contain CR or LF")
    if not all(value.isascii() for value in headers.values()):
        return _compose_rich(headers, text, html)
    composed = MIMEMultipart("alternative")
    for name, value in headers.items():
        composed[name] = value
    composed.attach(_text_part(text, "plain"))
    composed.attach(_text_part(html, "html"))
    return composed


def _text_part(body: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(body, _UTF8_QP)  # sets the charset parameter and the transfer encoding
    return part


def _compose_rich(headers: dict[str, str], text: str, html: str) -> EmailMessage:
    composed = EmailMessage()
    for name, value in headers.items():
        composed[name] = value
    composed.set_content(text)
    composed.add_alternative(html, subtype="html")
    return composed
