"""Public queries (no sign-in needed)."""

from __future__ import annotations

import strawberry

from schema.context import Context
from schema.types import PasswordPolicy


def password_policy(info: strawberry.Info[Context, None]) -> PasswordPolicy:
    """The password rules."""
    return PasswordPolicy.from_rules(info.context.services.password_policy)
