"""Each enum of the API is the domain's own enum: the names and values clients see are the ones stored."""

from __future__ import annotations

from enum import Enum

import pytest
from graphql import GraphQLEnumType
from strawberry.types.enum import has_enum_definition

from auth.errors import ErrorCode
from models import ClientKind, SecurityEvent, SecurityEventType, Session
from schema import schema
from schema.enums import expose_enum


@pytest.mark.parametrize("domain", [ErrorCode, ClientKind, SecurityEventType], ids=lambda e: e.__name__)
def test_the_graphql_enum_is_the_domain_enum(domain: type[Enum]) -> None:
    gql_enum = schema._schema.type_map[domain.__name__]
    assert isinstance(gql_enum, GraphQLEnumType)
    assert has_enum_definition(domain) and domain.__strawberry_definition__.wrapped_cls is domain
    # Same names, same order, and each name is its stored value.
    assert list(gql_enum.values) == [member.name for member in domain]
    assert all(member.name == member.value for member in domain)
    assert all(value.description for value in gql_enum.values.values())


@pytest.mark.parametrize(
    ("model", "field", "domain"), [(Session, "client", ClientKind), (SecurityEvent, "type", SecurityEventType)]
)
def test_the_model_field_stores_the_domain_enum(model: type, field: str, domain: type[Enum]) -> None:
    assert model._meta.fields_map[field].enum_type is domain


class _Colour(Enum):
    RED = "RED"
    GREEN = "GREEN"


def test_a_value_left_undescribed_is_refused_at_import() -> None:
    with pytest.raises(TypeError, match="GREEN"):
        expose_enum(_Colour, description="A colour.", values={_Colour.RED: "Red."})


def test_a_description_for_a_value_the_domain_lacks_is_refused() -> None:
    with pytest.raises(TypeError, match="BLUE"):
        expose_enum(
            _Colour,
            description="A colour.",
            values={_Colour.RED: "Red.", _Colour.GREEN: "Green.", "BLUE": "Blue."},  # type: ignore[dict-item]
        )
