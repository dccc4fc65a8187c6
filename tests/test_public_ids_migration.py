"""Migration 0009 gives rows written before it random public keys and loses none of them."""

from __future__ import annotations

import uuid
from pathlib import Path

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate

from workestra.db import tortoise_config

_AT = "2026-01-01 00:00:00+00:00"


async def test_existing_accounts_and_events_get_distinct_random_keys(tmp_path: Path) -> None:
    config = tortoise_config(f"sqlite://{tmp_path / 'old.db'}")
    await migrate(config=config, target="models.0006_sign_up_limit")
    await Tortoise.init(config=config)
    try:
        db = Tortoise.get_connection("default")
        for email in ("a@example.com", "b@example.com"):
            await db.execute_query(
                "INSERT INTO account (email, password_hash, password_changed_at, created_at) VALUES (?, 'h', ?, ?)",
                [email, _AT, _AT],
            )
        for account_id in (1, 1, 2):
            await db.execute_query(
                "INSERT INTO security_event (account_id, type, occurred_at, user_agent) VALUES (?, 'SIGN_UP', ?, '')",
                [account_id, _AT],
            )
    finally:
        await Tortoise.close_connections()
    await migrate(config=config)
    await Tortoise.init(config=config)
    try:
        db = Tortoise.get_connection("default")
        accounts = await db.execute_query_dict("SELECT id, public_id FROM account ORDER BY id")
        events = await db.execute_query_dict("SELECT account_id, public_id FROM security_event ORDER BY id")
    finally:
        await Tortoise.close_connections()
    assert [row["id"] for row in accounts] == [1, 2]
    # Rebuilding a table would have cascaded into the events: all three are still there.
    assert [row["account_id"] for row in events] == [1, 1, 2]
    keys = [uuid.UUID(str(row["public_id"])) for row in [*accounts, *events]]
    assert len(set(keys)) == 5 and {key.version for key in keys} == {4}
