"""Every folder under tests/cases/<CODE>/<case>/ is a tiny repo and the findings it must produce.

A case holds the repo's files, `expected.txt` (one `path:line:col: CODE` a finding, sorted), and
optionally `case.yaml`:
  args: [--env, prod]            extra validate arguments
  key: true                      the session key is available (default false)
  plaintext: [secrets/x.yaml]    secret files to leave unencrypted
  after_encrypt:                 edits applied to encrypted files
    - {file: secrets/x.yaml, replace: [old, new]}      a plaintext hand edit
    - {file: secrets/x.yaml, corrupt: KEY}             flip a byte of KEY's ciphertext
  exit: 1                        the expected exit code (default: 1 if any error, else 0)
  render: [--target, summary]    run `render --out <tmp>` with these arguments instead of validate
Secret files are encrypted for the session's age key before the run (values never leave tmp).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from compiler.rules import RULES
from tests.conftest import Env, RepoBuilder, run_cli

CASES = Path(__file__).parent / "cases"
CONTROL_FILES = {"expected.txt", "case.yaml"}


def _case_dirs() -> list[Path]:
    return sorted(p for p in CASES.glob("*/*") if p.is_dir())


def _settings(case: Path) -> dict[str, Any]:
    path = case / "case.yaml"
    loaded = YAML(typ="safe", pure=True).load(path.read_text()) if path.exists() else None
    return loaded or {}


def _files(case: Path) -> dict[str, str]:
    found = {}
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case).as_posix()
        if path.is_file() and rel not in CONTROL_FILES:
            found[rel] = path.read_text()
    return found


def _corrupt(text: str, key: str) -> str:
    pattern = re.compile(rf"^(\s+{re.escape(key)}: ENC\[AES256_GCM,data:)(.)", re.M)
    match = pattern.search(text)
    assert match, f"no encrypted value for {key}"
    flipped = "A" if match.group(2) != "A" else "B"
    return text[: match.start(2)] + flipped + text[match.end(2) :]


def _apply_edits(root: Path, edits: list[dict[str, Any]]) -> None:
    for edit in edits:
        target = root / edit["file"]
        text = target.read_text()
        if "replace" in edit:
            old, new = edit["replace"]
            assert old in text, f"{old!r} not in {edit['file']}"
            text = text.replace(old, new, 1)
        if "corrupt" in edit:
            text = _corrupt(text, edit["corrupt"])
        target.write_text(text)


def run_case(
    case: Path, root: Path, env: Env, make_repo: RepoBuilder, key: Any
) -> tuple[list[str], int, str]:
    settings = _settings(case)
    make_repo(root, _files(case), plaintext=tuple(settings.get("plaintext", ())))
    _apply_edits(root, settings.get("after_encrypt", []))
    if settings.get("key"):
        env.give_key(key)
    if "render" in settings:
        out = str(root.parent / "out")
        result = run_cli("render", "-C", str(root), "--out", out, "--format", "json", *settings["render"])
    else:
        result = run_cli("validate", "-C", str(root), "--format", "json", *settings.get("args", []))
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    found = [f"{d['file']}:{d['line']}:{d['column']}: {d['code']}" for d in report["diagnostics"]]
    return found, result.exit_code, result.stdout


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path, tmp_path: Path, env: Env, make_repo: RepoBuilder, age_key: Any) -> None:
    found, exit_code, output = run_case(case, tmp_path / "repo", env, make_repo, age_key)
    expected_path = case / "expected.txt"
    expected = [ln.strip() for ln in expected_path.read_text().splitlines() if ln.strip()]
    assert found == expected, output
    report = json.loads(output)
    has_error = any(d["severity"] == "error" for d in report["diagnostics"])
    assert exit_code == _settings(case).get("exit", 1 if has_error else 0), output


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_code_has_a_pass_and_a_fail_case(code: str) -> None:
    folders = sorted((CASES / code).glob("*")) if (CASES / code).is_dir() else []
    fails = [f for f in folders if f.name.startswith("fail") and code in (f / "expected.txt").read_text()]
    passes = [
        f for f in folders if f.name.startswith("pass") and code not in (f / "expected.txt").read_text()
    ]
    assert fails, f"{code} needs a tests/cases/{code}/fail-* folder whose expected.txt names it"
    assert passes, f"{code} needs a tests/cases/{code}/pass-* folder in which it is not found"


def test_case_folders_name_known_codes() -> None:
    unknown = sorted({p.name for p in CASES.iterdir() if p.is_dir()} - set(RULES))
    assert not unknown


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_code_is_documented(code: str) -> None:
    rule = RULES[code]
    assert code == rule.CODE
    doc = rule.__doc__ or ""
    for section in ("Fails:", "Passes:", "Fix:"):
        assert section in doc, f"{code} documentation lacks {section}"
