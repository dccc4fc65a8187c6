"""The page's generated GraphQL types match schema.graphql, like schema.graphql matches the code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[1] / "web"


def test_the_generated_operation_types_are_up_to_date() -> None:
    if shutil.which("npx") is None or not (WEB / "node_modules").is_dir():
        pytest.skip("Node.js and web/node_modules are needed (make test installs them)")
    checked = subprocess.run(
        ["npx", "graphql-codegen", "--config", "codegen.ts", "--check"],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, (
        "web/src/lib/gql is stale: run `npm --prefix web run codegen` and commit it\n" + checked.stdout[-2000:]
    )
