"""SQLITE_CACHE_MIB sizes the page cache of the app's SQLite connection; PostgreSQL ignores the setting."""

from __future__ import annotations

import pytest
from tortoise import Tortoise

from tests.support.actors import PASSWORD
from tests.support.databases import Backend
from tests.support.graphql import ME, SIGN_UP, GraphQLClient
from workestra.settings import Settings, SettingsError


async def _cache_size() -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict("PRAGMA cache_size")
    return int(rows[0]["cache_size"])


@pytest.mark.settings(sqlite_cache_mib=64)
async def test_the_configured_cache_reaches_the_connection_the_app_serves_with(
    app: object, backend: Backend, anonymous: GraphQLClient
) -> None:
    await anonymous.data(SIGN_UP, {"input": {"email": "ada@example.com", "password": PASSWORD}})
    assert (await anonymous.data(ME))["me"]["email"] == "ada@example.com"
    if backend.is_postgres:
        return
    # A negative cache_size is in KiB.
    assert await _cache_size() == -64 * 1024


async def test_without_the_setting_sqlite_keeps_its_own_default(app: object, backend: Backend) -> None:
    if backend.is_postgres:
        pytest.skip("a SQLite pragma")
    assert await _cache_size() == -2000


@pytest.mark.parametrize("raw", ["-1", "65537", "big"])
def test_a_cache_size_out_of_range_is_refused_by_name(raw: str) -> None:
    with pytest.raises(SettingsError, match="SQLITE_CACHE_MIB"):
        Settings.from_env({"SQLITE_CACHE_MIB": raw}, env_file=None)
