"""Tortoise models: fields, indexes and constraints only; the rules live in ``auth``."""

from models.account import Account
from models.session import ClientKind, Session, SessionEndReason

__all__ = ["Account", "ClientKind", "Session", "SessionEndReason"]
