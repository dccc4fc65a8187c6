"""Settings of an in-process app under test."""

from __future__ import annotations

import uuid

from tests.support.databases import Backend
from workestra.settings import Settings

# A fixed key, so tests never write a development key file and stored secrets open across app instances.
TEST_SECRET_KEY = "test-secret-key-0123456789abcdefghijklmnopqrstuv"


def test_settings(backend: Backend, **overrides: object) -> Settings:
    """Settings for an in-process app on ``backend``: cheapest argon2, a private event channel."""
    base = Settings(
        environment="test",
        database_url=backend.database_url,
        broadcast_url=backend.broadcast_url,
        broadcast_channel=f"workestra-test-{uuid.uuid4().hex}",
        argon2_time_cost=1,
        argon2_memory_cost=8,
        argon2_parallelism=1,
        hash_concurrency=4,
        secret_key=TEST_SECRET_KEY,
    )
    return base.with_overrides(**overrides)


test_settings.__test__ = False  # type: ignore[attr-defined]
