"""schema.graphql against the last released schema: a breaking change must be named in CHANGELOG.md."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, find_breaking_changes, find_dangerous_changes

ROOT = Path(__file__).resolve().parents[1]
RELEASED = ROOT / "schema" / "released.graphql"
CHANGELOG = ROOT / "CHANGELOG.md"


def unreleased_section(changelog: str) -> str:
    """The text of the changelog's ``## Unreleased`` section."""
    _, found, rest = changelog.partition("## Unreleased")
    assert found, "CHANGELOG.md has no '## Unreleased' section"
    return rest.split("\n## ", 1)[0]


def unlisted_breaking_changes(released_sdl: str, current_sdl: str, changelog: str) -> list[str]:
    """Descriptions of breaking changes from ``released_sdl`` to ``current_sdl`` the changelog does not name."""
    changes = find_breaking_changes(build_schema(released_sdl), build_schema(current_sdl))
    listed = unreleased_section(changelog)
    return [change.description for change in changes if change.description not in listed]


def test_every_breaking_change_since_the_release_is_in_the_changelog() -> None:
    unlisted = unlisted_breaking_changes(
        RELEASED.read_text(encoding="utf-8"),
        (ROOT / "schema.graphql").read_text(encoding="utf-8"),
        CHANGELOG.read_text(encoding="utf-8"),
    )
    assert unlisted == [], "breaking changes missing from CHANGELOG.md's Unreleased section: " + "; ".join(unlisted)


def test_a_removed_field_is_caught_unless_the_changelog_names_it() -> None:
    released = "type Query { me: String  old: String }"
    current = "type Query { me: String }"
    assert unlisted_breaking_changes(released, current, "## Unreleased\n") == ["Field Query.old was removed."]
    assert unlisted_breaking_changes(released, current, "## Unreleased\n- Field Query.old was removed.\n") == []
    # A line under an older release does not excuse a new break.
    older = "## Unreleased\n\n## 0.1.0\n- Field Query.old was removed.\n"
    assert unlisted_breaking_changes(released, current, older) == ["Field Query.old was removed."]


def test_adding_a_union_member_is_dangerous_not_breaking() -> None:
    # Adding error members to result unions is how the API grows; clients must handle unknown members.
    released = "type A { a: Int } type B { b: Int } union R = A type Query { r: R }"
    current = "type A { a: Int } type B { b: Int } union R = A | B type Query { r: R }"
    assert find_breaking_changes(build_schema(released), build_schema(current)) == []
    assert [c.description for c in find_dangerous_changes(build_schema(released), build_schema(current))] == [
        "B was added to union type R."
    ]
