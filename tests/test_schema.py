"""schema.graphql is the exported schema, and every type, field, argument and enum value is described."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType

from schema import schema
from workestra.cli import schema_sdl

ROOT = Path(__file__).resolve().parents[1]


def test_schema_file_is_up_to_date() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema_sdl(), "schema.graphql is stale: run `make schema` and commit it"


def test_everything_in_the_schema_is_described() -> None:
    missing: list[str] = []
    for name, gql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Boolean", "Int", "Float", "ID"}:
            continue
        if not gql_type.description:
            missing.append(name)
        if isinstance(gql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in gql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(gql_type, GraphQLEnumType):
            missing.extend(f"{name}.{v}" for v, value in gql_type.values.items() if not value.description)
        if isinstance(gql_type, GraphQLUnionType) and not gql_type.types:
            missing.append(f"{name} (no members)")
    assert missing == []


def test_the_contract_operations_exist() -> None:
    query = schema._schema.query_type.fields
    mutation = schema._schema.mutation_type.fields
    subscription = schema._schema.subscription_type.fields
    assert {"me", "activeSessions", "passwordPolicy", "securityEvents", "apiKeys"} <= set(query)
    assert {
        "signUp",
        "signIn",
        "signOut",
        "revokeSession",
        "revokeAllOtherSessions",
        "signOutEverywhere",
        "createApiKey",
        "revokeApiKey",
    } <= set(mutation)
    assert set(subscription) == {"activeSessions"}
    assert str(mutation["signIn"].type) == "SignInResult!"
    union = schema._schema.type_map["SignInResult"]
    assert {t.name for t in union.types} == {
        "SignedIn",
        "TwoFactorRequired",
        "InvalidCredentials",
        "AccountLocked",
        "TooManyAttempts",
    }


def test_no_secret_is_exposed_as_a_field() -> None:
    sdl = schema_sdl().lower()
    for secret in ("passwordhash", "tokenhash", "token_hash", "password_hash", "totpsecret"):
        assert secret not in sdl
