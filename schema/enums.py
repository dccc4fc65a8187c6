"""Domain enums exposed as GraphQL enums: the domain owns names and values, the schema adds descriptions."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry
from strawberry.types.enum import has_enum_definition

E = TypeVar("E", bound=Enum)


def expose_enum(domain: type[E], *, description: str, values: Mapping[E, str]) -> type[E]:
    """Make the domain enum ``domain`` a GraphQL enum of the same name, every value described.

    A value without a description fails here, at import, so a member added in the domain cannot reach the
    schema undocumented; a description for a value the domain no longer has fails the same way.
    """
    members = set(domain)
    if set(values) != members:
        unlisted = sorted(m.name for m in members.symmetric_difference(values))
        raise TypeError(f"{domain.__name__}: describe exactly its values (mismatched: {', '.join(unlisted)})")
    exposed = strawberry.enum(domain, description=description)
    if not has_enum_definition(exposed):  # pragma: no cover - strawberry.enum always attaches one
        raise TypeError(f"{domain.__name__} was not made a GraphQL enum")
    for value in exposed.__strawberry_definition__.values:
        value.description = values[domain[value.name]]
    return domain
