"""The packages depend one way: models ← auth ← schema and resolvers ← the wiring (``workestra``).

The schema assembles its resolvers (``schema/root.py``), and nothing else runs back up: the GraphQL layer
reaches the process's services through its ports (``schema/ports.py``), never by naming the wiring, and
the rules and tables know no web framework. Every module of each package is parsed with ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"auth", "models", "schema", "resolvers", "workestra"}
WEB = {"starlette", "strawberry", "graphql", "uvicorn", "httpx", "cross_web"}
# What each package may import of ours; anything of the project not listed is a loop in the making.
ALLOWED = {
    "models": set(),
    "auth": {"models"},
    "resolvers": {"auth", "models", "schema"},
    "schema": {"auth", "models"},
}


def imported_packages(source: str) -> set[str]:
    """The top-level packages ``source`` imports (``from x.y import z`` counts as ``x``), relative ones left out."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import workestra.metrics", {"workestra"}),
        ("from schema.ports import RequestServices", {"schema"}),
        ("if TYPE_CHECKING:\n    from workestra.services import Services", {"workestra"}),
        ("def f():\n    import starlette.requests", {"starlette"}),
        ("from . import sibling", set()),
    ],
)
def test_the_check_finds_every_import_even_deferred_ones(source: str, expected: set[str]) -> None:
    assert imported_packages(source) == expected


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_layers_below_it(package: str) -> None:
    offending: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        allowed = ALLOWED[package] | ({"resolvers"} if path == ROOT / "schema" / "root.py" else set())
        ours = imported_packages(path.read_text()) & (OURS - {package})
        if ours - allowed:
            offending[str(path.relative_to(ROOT))] = ours - allowed
    assert offending == {}


@pytest.mark.parametrize("package", ["auth", "models"])
def test_the_rules_and_tables_import_no_web_framework(package: str) -> None:
    offending = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / package).rglob("*.py"))
        if (found := imported_packages(path.read_text()) & WEB)
    }
    assert offending == {}
