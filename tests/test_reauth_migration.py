"""Migration 0010 gives sessions written before it an authentication time: their sign-in."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate

from workestra.db import tortoise_config

_SIGNED_IN = "2026-01-01 00:00:00+00:00"


async def test_existing_sessions_count_as_authenticated_at_their_sign_in(tmp_path: Path) -> None:
    config = tortoise_config(f"sqlite://{tmp_path / 'old.db'}")
    await migrate(config=config, target="models.0009_public_ids")
    await Tortoise.init(config=config)
    try:
        db = Tortoise.get_connection("default")
        await db.execute_query(
            "INSERT INTO account (email, password_hash, password_changed_at, created_at, public_id)"
            " VALUES ('a@example.com', 'h', ?, ?, '8a2c62b4-9d43-4c1b-a6b1-0c8f4f5d1e11')",
            [_SIGNED_IN, _SIGNED_IN],
        )
        await db.execute_query(
            "INSERT INTO session (id, account_id, token_hash, client, user_agent, created_at, last_active_at)"
            " VALUES ('0b9a8d2e-6f0c-4a57-9a3e-1f5b2c7d8e90', 1, 'digest', 'WEB', '', ?, ?)",
            [_SIGNED_IN, "2026-01-05 00:00:00+00:00"],
        )
    finally:
        await Tortoise.close_connections()
    await migrate(config=config)
    await Tortoise.init(config=config)
    try:
        rows = await Tortoise.get_connection("default").execute_query_dict("SELECT authenticated_at FROM session")
    finally:
        await Tortoise.close_connections()
    assert [str(row["authenticated_at"]) for row in rows] == [_SIGNED_IN]
