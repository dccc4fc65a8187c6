"""Internationalised domains: typed in Unicode, in punycode or in mixed case, one address and one account."""

from __future__ import annotations

import pytest

from auth.emails import normalize_email, validated_email
from auth.errors import InvalidEmail
from models import Account
from tests.support.actors import PASSWORD
from tests.support.graphql import SIGN_IN, SIGN_UP, GraphQLClient

WRONG = "definitely not it"
STORED = "ada@bücher.example"
SAME_ADDRESS = [
    "ada@bücher.example",
    "Ada@Bücher.Example",
    "ADA@BÜCHER.EXAMPLE",
    "ada@xn--bcher-kva.example",
    "ADA@XN--BCHER-KVA.EXAMPLE",
    "  ada@bücher。example ",  # an ideographic full stop, as some keyboards type it
    "ada@bu\u0308cher.example",  # ü as u + combining diaeresis
]

NORMALIZED = [
    # (id, typed, normalised)
    *[(f"same-{i}", typed, STORED) for i, typed in enumerate(SAME_ADDRESS)],
    ("ascii", " Ada@Example.COM ", "ada@example.com"),
    ("sharp-s-folds", "ada@straße.de", "ada@strasse.de"),
    ("unicode-local-part", "Ünï@xn--bcher-kva.example", "ünï@bücher.example"),
    ("several-idn-labels", "a@xn--mnchen-3ya.xn--bcher-kva.example", "a@münchen.bücher.example"),
    ("invalid-punycode-kept-folded", "a@XN--ZZ.example", "a@xn--zz.example"),
    ("not-an-address-kept-folded", "Not An Email", "not an email"),
    ("empty", "   ", None),
    ("nul", "a\x00@example.com", None),
    ("lone-surrogate", "a\ud800@example.com", None),
    ("huge", "a" * 2_000 + "@example.com", None),
]


@pytest.mark.parametrize(("typed", "expected"), [n[1:] for n in NORMALIZED], ids=[n[0] for n in NORMALIZED])
def test_normalize_email(typed: str, expected: str | None) -> None:
    normalized = normalize_email(typed)
    assert normalized == expected
    if normalized is not None:
        assert normalize_email(normalized) == normalized  # the stored form looks itself up


@pytest.mark.parametrize("typed", SAME_ADDRESS)
def test_sign_up_validates_to_the_same_form(typed: str) -> None:
    assert validated_email(typed) == STORED


@pytest.mark.parametrize("typed", ["a@xn--zz.example", "a@-bücher.example", "a@bücher..example"])
def test_an_invalid_international_domain_is_invalid_email(typed: str) -> None:
    with pytest.raises(InvalidEmail):
        validated_email(typed)


async def _answer(client: GraphQLClient, document: str, email: str, password: str = PASSWORD) -> dict:
    data = await client.data(document, {"input": {"email": email, "password": password}})
    return data["signUp" if document == SIGN_UP else "signIn"]


@pytest.mark.parametrize("signed_up_as", ["Ada@Bücher.example", "ada@xn--bcher-kva.example"])
async def test_every_form_signs_in_to_the_one_account(make_client, signed_up_as: str) -> None:
    created = await _answer(make_client(), SIGN_UP, signed_up_as)
    assert created["__typename"] == "SignedIn"
    assert created["account"]["email"] == STORED
    for typed in SAME_ADDRESS:
        signed_in = await _answer(make_client(), SIGN_IN, typed)
        assert (signed_in["__typename"], signed_in["account"]["id"]) == ("SignedIn", created["account"]["id"]), typed
        taken = await _answer(make_client(), SIGN_UP, typed)
        assert taken["__typename"] == "EmailTaken", typed
    assert [a.email for a in await Account.all()] == [STORED]


async def test_the_brute_force_count_is_shared_by_every_form(make_client) -> None:
    await _answer(make_client(), SIGN_UP, STORED)
    attacker = make_client()
    assert (await _answer(attacker, SIGN_IN, "ada@xn--bcher-kva.example", WRONG))["__typename"] == "InvalidCredentials"
    # Switching to another spelling of the same address does not skip the delay.
    for typed in SAME_ADDRESS:
        assert (await _answer(attacker, SIGN_IN, typed, WRONG))["__typename"] == "TooManyAttempts", typed
