"""The repo's own checks, run by the test suite so CI enforces them (as .pre-commit-config.yaml does)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is a test dependency (pip install '.[test]')"
    return found


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "command",
    [("ruff", "check"), ("ruff", "format", "--check"), ("mypy",)],
    ids=["ruff-lint", "ruff-format", "mypy-strict"],
)
def test_code_checks(command: tuple[str, ...]) -> None:
    paths = (
        [p for p in ("compiler", "tests", "benchmarks") if (ROOT / p).exists()]
        if command[0] == "ruff"
        else []
    )
    proc = _run(_tool(command[0]), *command[1:], *paths)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schemas_pass_their_metaschema() -> None:
    schemas = sorted(str(p) for p in (ROOT / "schemas").glob("*.json"))
    proc = _run(_tool("check-jsonschema"), "--check-metaschema", *schemas)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_commit_config_runs_the_same_checks() -> None:
    config = YAML(typ="safe", pure=True).load((ROOT / ".pre-commit-config.yaml").read_text())
    entries = {hook["id"]: hook["entry"] for repo in config["repos"] for hook in repo["hooks"]}
    assert entries == {
        "ruff": "ruff check",
        "ruff-format": "ruff format --check",
        "mypy": "mypy",
        "check-metaschema": "check-jsonschema --check-metaschema",
        "bento-gitops-examples": "bento-gitops validate --strict -C examples/quickstart",
    }


def test_examples_pass_the_tool_strictly() -> None:
    proc = _run(_tool("bento-gitops"), "validate", "--strict", "-C", "examples/quickstart")
    assert proc.returncode == 0, proc.stdout + proc.stderr
