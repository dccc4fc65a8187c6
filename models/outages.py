"""Telling a database outage from a failing query, by what the database drivers raise.

The GraphQL layer asks it to answer ``SERVICE_UNAVAILABLE`` (retryable) instead of a masked internal
error, and the wiring to refuse a socket with "try again later"; both classify the same driver errors,
so the classifier sits with the database's own package, below both, and imports no web code.
"""

from __future__ import annotations

import asyncpg

# Failures that mean "the database cannot be reached right now", not "this query is wrong": the server
# restarting or shutting down, a connection refused, reset or closed under us, a pool in disarray.
_OUTAGES: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable (tortoise's DBConnectionError is one too)
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, crash shutdown, starting up
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.InterfaceError,  # "connection is closed"
    asyncpg.exceptions.InternalClientError,  # protocol state lost with the connection
)


def is_database_outage(error: BaseException | None) -> bool:
    """True when ``error`` (or what caused it) says the database is briefly unreachable; worth a retry."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, _OUTAGES):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
