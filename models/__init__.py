"""Tortoise models: fields, indexes and constraints only; the rules live in ``auth``."""

from models.account import Account, PasswordHistory
from models.outbox import OutboxMessage
from models.session import ClientKind, Session, SessionEndReason
from models.throttle import AttemptCounter, IpFailure

__all__ = ["Account", "AttemptCounter", "ClientKind", "IpFailure", "OutboxMessage", "PasswordHistory", "Session", "SessionEndReason"]
