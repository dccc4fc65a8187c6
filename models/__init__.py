"""Tortoise models: fields, indexes and constraints only; the rules live in ``auth``.

Beside them, ``models.outages`` tells a database outage from a failing query (imported by name, not here).
"""

from models.account import Account, PasswordHistory
from models.api_key import ApiKey
from models.audit import SecurityEvent, SecurityEventType
from models.known_device import KnownDevice
from models.lease import Lease
from models.outbox import OutboxMessage
from models.recovery import PasswordResetToken, ResetRequest
from models.session import ClientKind, Session, SessionEndReason
from models.throttle import AttemptCounter, IpFailure, IpSignUp
from models.two_factor import BackupCode, SignInChallenge, TotpSetup

__all__ = [
    "Account",
    "ApiKey",
    "AttemptCounter",
    "BackupCode",
    "ClientKind",
    "IpFailure",
    "IpSignUp",
    "KnownDevice",
    "Lease",
    "OutboxMessage",
    "PasswordHistory",
    "PasswordResetToken",
    "ResetRequest",
    "SecurityEvent",
    "SecurityEventType",
    "Session",
    "SessionEndReason",
    "SignInChallenge",
    "TotpSetup",
]
