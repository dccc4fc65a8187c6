"""Every domain error reaches the API as one GraphQL error type of the schema, with a code of ``ErrorCode``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType

from auth import errors as domain
from auth.errors import ErrorCode
from schema import schema
from schema.errors import error_from, error_type_for


def _every_subclass(cls: type[domain.AuthError]) -> list[type[domain.AuthError]]:
    found: list[type[domain.AuthError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_every_subclass(sub)]
    return found


DOMAIN_ERRORS = _every_subclass(domain.AuthError)

# Errors whose constructor needs facts; every other one is built bare. A new error needing arguments
# fails below until it is given a sample here.
SAMPLES: dict[type[domain.AuthError], Callable[[type[domain.AuthError]], domain.AuthError]] = {
    domain.PasswordPolicyViolation: lambda _: domain.PasswordPolicyViolation(ErrorCode.PASSWORD_REUSED, "Reused."),
    domain.InvalidInput: lambda _: domain.InvalidInput("name", "Too long."),
    domain.RateLimited: lambda cls: cls(42),  # type: ignore[call-arg]
}


def _sample(cls: type[domain.AuthError]) -> domain.AuthError:
    build = next((SAMPLES[base] for base in cls.__mro__ if base in SAMPLES), None)
    return build(cls) if build is not None else cls()


def _graphql_object(name: str) -> GraphQLObjectType:
    found = schema._schema.type_map.get(name)
    assert isinstance(found, GraphQLObjectType), f"{name} is not an object type of the schema"
    return found


def test_the_tree_is_walked_through_every_level() -> None:
    # IpLimitReached sits three levels down (AuthError > RateLimited > TooManyAttempts > IpLimitReached).
    assert {domain.RateLimited, domain.TooManyAttempts, domain.IpLimitReached, domain.AccountLocked} <= set(
        DOMAIN_ERRORS
    )


@pytest.mark.parametrize("kind", DOMAIN_ERRORS, ids=lambda kind: kind.__name__)
def test_every_domain_error_maps_to_a_schema_error_type_and_code(kind: type[domain.AuthError]) -> None:
    exc = _sample(kind)
    answer = error_from(exc)

    assert isinstance(answer, error_type_for(kind))
    gql_type = _graphql_object(type(answer).__name__)
    assert "Error" in {interface.name for interface in gql_type.interfaces}
    assert answer.code is exc.code and isinstance(answer.code, ErrorCode)
    assert answer.message == exc.message
    assert getattr(answer, "retry_after_seconds", None) == getattr(exc, "retry_after_seconds", None)
    assert getattr(answer, "field", None) == getattr(exc, "field", None)


@pytest.mark.parametrize(
    ("kind", "type_name", "code"),
    [
        (domain.IpLimitReached, "TooManyAttempts", "TOO_MANY_ATTEMPTS"),
        (domain.TooManyAttempts, "TooManyAttempts", "TOO_MANY_ATTEMPTS"),
        (domain.AccountLocked, "AccountLocked", "ACCOUNT_LOCKED"),
        (domain.InvalidEmail, "InvalidEmail", "EMAIL_INVALID"),
    ],
)
def test_a_subclass_is_answered_by_its_nearest_listed_base(
    kind: type[domain.AuthError], type_name: str, code: str
) -> None:
    answer = error_from(_sample(kind))
    assert (type(answer).__name__, answer.code.value) == (type_name, code)


def test_an_error_no_type_answers_is_refused_by_name() -> None:
    class Unlisted(Exception):
        pass

    with pytest.raises(TypeError, match="AuthError"):
        error_type_for(domain.AuthError)
    with pytest.raises(TypeError, match="Unlisted"):
        error_type_for(Unlisted)  # type: ignore[arg-type]


def test_the_error_interface_lists_every_error_type() -> None:
    error = schema._schema.type_map["Error"]
    assert isinstance(error, GraphQLInterfaceType)
    implementing = {t.name for t in schema._schema.get_implementations(error).objects}
    assert implementing == {error_type_for(kind).__name__ for kind in DOMAIN_ERRORS}
