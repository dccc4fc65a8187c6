"""TOTP (RFC 6238) and backup codes as pure functions: input shapes, step checks, generation, hashing, QR.

Nothing here touches the database; the flows in ``auth.two_factor`` store the accepted step and
delete used backup codes with conditional updates.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from pyotp.exceptions import OTPVerificationError

ISSUER = "Workestra"
STEP_SECONDS = 30
DIGITS = 6
# RFC 6238 section 5.2: at most one step of clock drift either way.
DRIFT_STEPS = 1

BACKUP_CODE_COUNT = 10
# Crockford's base32 alphabet: 32 symbols without I, L, O and U, so nothing reads as something else.
BACKUP_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BACKUP_CODE_GROUPS = 4
BACKUP_CODE_GROUP_LENGTH = 4
BACKUP_CODE_LENGTH = BACKUP_CODE_GROUPS * BACKUP_CODE_GROUP_LENGTH  # 16 symbols x 5 bits = 80 bits

# Longer input cannot be a code (the longest, a grouped backup code, is 19 characters): refused before any work.
MAX_CODE_INPUT_LENGTH = 64

# ASCII only: Python's \d and str.strip() would also take full-width digits and Unicode spaces.
_SURROUNDING_SPACE = " \t\r\n"
_TOTP_CODE = re.compile(r"[0-9]{6}")
_BACKUP_CODE = re.compile(f"[{BACKUP_CODE_ALPHABET}]{{{BACKUP_CODE_LENGTH}}}")


@dataclass(frozen=True)
class TotpCode:
    """Six ASCII digits from an authenticator app."""

    digits: str


@dataclass(frozen=True)
class BackupCodeEntry:
    """A backup code as typed, normalised: 16 upper-case symbols without grouping."""

    symbols: str


def parse_totp_code(raw: str) -> TotpCode | None:
    """Six ASCII digits, surrounding spaces allowed; None for anything else (full-width digits included)."""
    if len(raw) > MAX_CODE_INPUT_LENGTH:
        return None
    code = raw.strip(_SURROUNDING_SPACE)
    return TotpCode(code) if _TOTP_CODE.fullmatch(code) else None


def parse_backup_code(raw: str) -> BackupCodeEntry | None:
    """A backup code with optional grouping dashes or spaces, in either case; None for anything else."""
    if len(raw) > MAX_CODE_INPUT_LENGTH or not raw.isascii():
        return None
    symbols = raw.strip(_SURROUNDING_SPACE).replace("-", "").replace(" ", "").upper()
    return BackupCodeEntry(symbols) if _BACKUP_CODE.fullmatch(symbols) else None


def parse_code(raw: str) -> TotpCode | BackupCodeEntry | None:
    """A TOTP code or a backup code (their shapes never overlap), or None when it can be neither."""
    return parse_totp_code(raw) or parse_backup_code(raw)


def new_secret() -> str:
    """A fresh base32 TOTP secret: 160 bits from the OS CSPRNG."""
    return pyotp.random_base32()


def time_step(at: datetime) -> int:
    """The RFC 6238 time step (counter) containing ``at`` (an aware datetime)."""
    return calendar.timegm(at.utctimetuple()) // STEP_SECONDS


def code_at(secret: str, at: datetime, *, step_offset: int = 0) -> str:
    """The code an authenticator shows at ``at`` (shifted by whole steps); for tests and tools."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(at, counter_offset=step_offset)


def matching_step(secret: str, code: TotpCode, *, at: datetime, drift_steps: int = DRIFT_STEPS) -> int | None:
    """The time step within ``drift_steps`` of ``at`` whose code this is, or None.

    Whether that step may still be used (it must be newer than the last accepted one) is the
    caller's decision, taken atomically in the database.
    """
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    try:
        return totp.verify_and_get_timecode(code.digits, for_time=at, valid_window=drift_steps)
    except OTPVerificationError:
        return None


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://totp/Workestra:<email>?secret=…&issuer=Workestra`` URI an authenticator app scans."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """A standalone SVG image of the QR code of ``uri`` (usable inline or as an ``<img>`` data URI)."""
    qr = segno.make_qr(uri, error="m")
    buffer = io.BytesIO()
    qr.save(
        buffer,
        kind="svg",
        xmldecl=False,
        scale=4,
        border=4,
        svgclass=None,
        lineclass=None,
        title="Two-factor authentication setup code",
        nl=False,
    )
    return buffer.getvalue().decode("utf-8")


def new_backup_codes(count: int = BACKUP_CODE_COUNT) -> list[str]:
    """``count`` distinct backup codes of 80 bits each, shown grouped (``ABCD-EFGH-JKMN-PQRS``)."""
    codes: list[str] = []
    while len(codes) < count:
        symbols = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        code = "-".join(
            symbols[i : i + BACKUP_CODE_GROUP_LENGTH] for i in range(0, BACKUP_CODE_LENGTH, BACKUP_CODE_GROUP_LENGTH)
        )
        if code not in codes:
            codes.append(code)
    return codes


def backup_code_digest(code: BackupCodeEntry) -> str:
    """The hex SHA-256 under which a backup code is stored (80 random bits need no slow hash)."""
    return hashlib.sha256(code.symbols.encode("ascii")).hexdigest()
