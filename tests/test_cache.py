"""The content cache and the run cache: reused when nothing changed, never stale, never a value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import agekeys, loading
from compiler.cache import ContentCache, default_dir
from compiler.checkfile import check_document
from tests.conftest import Env, RepoBuilder, run_cli

CANARY = "CANARY-cache-4e1d"
FILES = {
    "secrets/one.yaml": f"data:\n  API_KEY: {CANARY}-one\n",
    "secrets/two.yaml": f"data:\n  API_KEY: {CANARY}-two\n",
    "deployments/app.yaml": "bento: app:v1\nsecrets: [one, two]\n",
    "deployments/other.yaml": "bento: other:v1\nscalling: 1\n",
}


def _cache_dir() -> Path:
    return default_dir()


def _every_cached_byte() -> bytes:
    return b"".join(p.read_bytes() for p in _cache_dir().rglob("*") if p.is_file())


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths check_document really ran on (cache misses)."""
    seen: list[str] = []

    def counting(source, raw):  # type: ignore[no-untyped-def]
        seen.append(source.path)
        return check_document(source, raw)

    monkeypatch.setattr(loading, "check_document", counting)
    return seen


def _validate(repo: Path, *extra: str) -> dict[str, object]:
    result = run_cli("validate", "-C", str(repo), "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_a_second_run_over_the_same_files_reuses_everything(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, checks: list[str]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    first = _validate(repo)
    assert sorted(checks) == sorted(FILES)
    checks.clear()
    assert _validate(repo) == first
    assert checks == []


def test_one_changed_file_is_the_only_one_checked_again(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, checks: list[str]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    _validate(repo)
    checks.clear()
    (repo / "deployments/other.yaml").write_text("bento: other:v2\n")
    report = _validate(repo)
    assert checks == ["deployments/other.yaml"]
    assert [d["code"] for d in report["diagnostics"]] == ["BG303"]  # type: ignore[index]


def test_a_key_appearing_invalidates_an_answer_that_wanted_values(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    without = _validate(repo)
    assert {d["code"] for d in without["diagnostics"]} >= {"BG303"}  # type: ignore[union-attr, index]
    env.give_key(age_key)
    with_key = _validate(repo)
    assert "BG301" in {d["code"] for d in with_key["diagnostics"]}  # type: ignore[union-attr, index]


def test_no_value_is_ever_cached(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair
) -> None:
    files = {**FILES, "secrets/plain.yaml": f"data:\n  TOKEN: {CANARY}-plain\n"}
    repo = make_repo(tmp_path / "repo", files, plaintext=("secrets/plain.yaml",))
    _validate(repo)
    env.give_key(age_key)
    _validate(repo)
    _validate(repo, "--decrypt", "always")
    cached = _every_cached_byte()
    assert cached and CANARY.encode() not in cached


def test_corrupt_entries_are_ignored_and_rewritten(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    first = _validate(repo)
    entries = [p for p in _cache_dir().rglob("*") if p.is_file()]
    for number, path in enumerate(entries):
        path.write_bytes(b"\x00garbage" if number % 2 else b"")
    assert _validate(repo) == first
    assert all(p.read_bytes() not in (b"", b"\x00garbage") for p in entries if p.exists())


def test_no_cache_writes_nothing(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    _validate(repo, "--no-cache")
    assert not _cache_dir().exists()


def test_the_cache_is_pruned_to_a_bound(env: Env, tmp_path: Path) -> None:
    cache = ContentCache(tmp_path / "cache")
    (tmp_path / "cache" / "runs").mkdir(parents=True)
    for number in range(30):
        entry = tmp_path / "cache" / "runs" / f"entry-{number}"
        entry.write_bytes(b"x" * 100)
        os.utime(entry, (number, number))
    cache.written = 1
    cache.prune(limit=1000)
    left = sorted(p.name for p in (tmp_path / "cache" / "runs").iterdir())
    assert len(left) == 8  # down to 80 % of the bound
    assert "entry-29" in left and "entry-0" not in left


def test_concurrent_runs_share_the_cache_safely(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    files = {
        f"deployments/d{i}.yaml": f"bento: d{i}:v1\n" + ("scalling: 1\n" if i % 7 == 0 else "")
        for i in range(60)
    }
    repo = make_repo(tmp_path / "repo", files)
    command = [sys.executable, "-m", "compiler", "validate", "-C", str(repo), "--format", "json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 1 for run in runs), [err for _, err in outputs]
    reports = {out for out, _ in outputs}
    assert len(reports) == 1
    assert json.loads(reports.pop())["summary"]["errors"] == 9
    assert (
        json.loads(run_cli("validate", "-C", str(repo), "--format", "json").stdout)["summary"]["errors"] == 9
    )
