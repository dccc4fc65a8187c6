"""The suite's layout: test modules share helpers and fixtures through ``tests/support/``, never each other.

A test module that imports another runs the other's fixtures in its own namespace and breaks when the other
is renamed or split; ``tests.conftest`` is pytest's to load. Every ``tests/**/*.py`` is parsed with ``ast``.
The benches and ``devtools/`` import nothing of the suite: what they share with it lives in ``devtools/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def _is_test_module(dotted: str) -> bool:
    """Whether ``dotted`` names a test module (``tests.test_x``, ``tests.clients.test_y``) or the conftest."""
    parts = dotted.split(".")
    return parts[0] == "tests" and any(part.startswith("test_") or part == "conftest" for part in parts[1:])


def _is_package(dotted: str) -> bool:
    return (TESTS.parent / dotted.replace(".", "/")).is_dir()


def forbidden_imports(source: str) -> list[str]:
    """The test modules (or ``tests.conftest``) that ``source`` imports, as dotted names, in order."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names if _is_test_module(alias.name))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _is_test_module(node.module):
                found.append(node.module)
            elif _is_package(node.module):
                # ``from tests import test_x`` names the module among the imported names; from a module
                # (``from tests.support.settings import test_settings``) they are its functions.
                found.extend(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if _is_test_module(f"{node.module}.{alias.name}")
                )
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # A relative import inside tests/ (``from . import test_x``, ``from .conftest import user``).
            names = [node.module] if node.module else [alias.name for alias in node.names]
            found.extend(f"tests.{name}" for name in names if _is_test_module(f"tests.{name}"))
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from tests.test_mail import RecordingHandler", ["tests.test_mail"]),
        ("from tests import test_mail_delivery_api as delivery", ["tests.test_mail_delivery_api"]),
        ("import tests.test_browser", ["tests.test_browser"]),
        ("from tests.conftest import user", ["tests.conftest"]),
        ("from tests.clients.test_python_client import run", ["tests.clients.test_python_client"]),
        ("from . import test_mail", ["tests.test_mail"]),
        ("from .conftest import user", ["tests.conftest"]),
        ("def helper():\n    from tests.test_change_password_api import change\n", ["tests.test_change_password_api"]),
        ("from tests.support.mail import RecordingHandler, smtp", []),
        ("from tests import support", []),
        ("from tests.support.settings import test_settings", []),
        ("import tests.support.browser", []),
        ("from auth.tests import test_helpers", []),
    ],
)
def test_the_check_finds_imports_of_test_modules_and_nothing_else(source: str, expected: list[str]) -> None:
    assert forbidden_imports(source) == expected


def test_no_test_module_imports_another_test_module_or_the_conftest() -> None:
    sources = sorted(TESTS.rglob("*.py"))
    assert TESTS / "test_layout.py" in sources and len(sources) > 50
    offenders = {
        str(path.relative_to(TESTS.parent)): found
        for path in sources
        if (found := forbidden_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "move what they share into tests/support/ (helpers, or a plugin for fixtures)"


def imports_of_tests(source: str) -> list[str]:
    """Everything under ``tests`` that ``source`` imports (the benches and dev tools may import none of it)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names if alias.name.split(".")[0] == "tests")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "tests":
                found.append(node.module)
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from tests.support.query_plans import seed_accounts", ["tests.support.query_plans"]),
        ("def explain():\n    import tests.support.graphql\n", ["tests.support.graphql"]),
        ("from devtools.query_plans import plan_faults", []),
        ("from bench import _common", []),
    ],
)
def test_the_bench_check_finds_imports_of_the_suite(source: str, expected: list[str]) -> None:
    assert imports_of_tests(source) == expected


def test_the_benches_and_dev_tools_import_nothing_of_the_suite() -> None:
    """What the benches share with the suite (the plan judge) lives in ``devtools/``, which both import."""
    sources = sorted([*(TESTS.parent / "bench").rglob("*.py"), *(TESTS.parent / "devtools").rglob("*.py")])
    assert TESTS.parent / "bench" / "_plans.py" in sources and TESTS.parent / "devtools" / "query_plans.py" in sources
    offenders = {
        str(path.relative_to(TESTS.parent)): found
        for path in sources
        if (found := imports_of_tests(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
