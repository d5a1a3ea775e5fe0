"""Bad bytes and odd files: a clear diagnostic at the right place, never a traceback."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from compiler import exitcodes
from compiler.load import MAX_BYTES, load_bytes
from tests.conftest import Env, run_cli


def _findings(repo: Path) -> list[str]:
    result = run_cli("validate", "-C", str(repo), "--format", "json")
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    return [f"{d['file']}:{d['line']}:{d['column']}: {d['code']}" for d in report["diagnostics"]]


def _write(repo: Path, rel: str, data: bytes) -> None:
    target = repo / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"bento: a:v1\nname: caf\xe9\n", "deployments/x.yaml:2:10: BG004"),
        (b"bento: a:v1\n\x00\x01\x02", "deployments/x.yaml:2:1: BG004"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "deployments/x.yaml:3:1: BG004"),
        (b"   \n\n", "deployments/x.yaml:1:1: BG004"),
        (b"bento: a:v1\n---\nbento: b:v1\n", "deployments/x.yaml:3:1: BG004"),
        (b"- bento: a:v1\n", "deployments/x.yaml:1:1: BG004"),
    ],
    ids=["latin-1", "nul", "png", "blank", "two-docs", "list"],
)
def test_unreadable_content_is_bg004(env: Env, tmp_path: Path, data: bytes, expected: str) -> None:
    _write(tmp_path, "deployments/x.yaml", data)
    assert _findings(tmp_path) == [expected]


def test_bom_and_crlf_keep_positions(env: Env, tmp_path: Path) -> None:
    _write(
        tmp_path,
        "deployments/x.yaml",
        b"\xef\xbb\xbfbento: a:v1\r\nservices:\r\n  s:\r\n    scalling: {}\r\n",
    )
    assert _findings(tmp_path) == ["deployments/x.yaml:4:5: BG101"]


def test_oversized_file_is_refused_before_parsing(env: Env, tmp_path: Path) -> None:
    _write(tmp_path, "deployments/x.yaml", b"bento: a:v1\n" + b"# padding\n" * (MAX_BYTES // 10 + 1))
    assert _findings(tmp_path) == ["deployments/x.yaml:1:1: BG004"]


def test_alias_bomb_is_stopped_quickly(env: Env, tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    _write(tmp_path, "deployments/x.yaml", ("bento: a:v1\n" + "\n".join(lines) + "\n").encode())
    start = time.monotonic()
    assert [f.split(": ")[1] for f in _findings(tmp_path)] == ["BG003"]
    assert time.monotonic() - start < 5


def test_deep_nesting_is_reported_not_a_recursion_error(env: Env, tmp_path: Path) -> None:
    _write(tmp_path, "deployments/x.yaml", b"bento: a:v1\nx: " + b"[" * 3000 + b"]" * 3000 + b"\n")
    assert [f.split(": ")[1] for f in _findings(tmp_path)] == ["BG004"]


def test_deep_but_bounded_nesting_loads(env: Env) -> None:
    result = load_bytes("x.yaml", b"a: " + b"[" * 50 + b"]" * 50)
    assert result.document is not None and not result.diagnostics


def test_directory_where_a_file_is_expected(env: Env, tmp_path: Path) -> None:
    (tmp_path / "deployments" / "x.yaml").mkdir(parents=True)
    (tmp_path / "deployments" / "x.yaml" / "inner.txt").write_text("not yaml")
    result = run_cli("validate", "-C", str(tmp_path))
    assert result.exit_code == 0 and "Traceback" not in result.stderr


def test_unreadable_file_is_bg004(env: Env, tmp_path: Path) -> None:
    (tmp_path / "deployments").mkdir()
    (tmp_path / "deployments" / "x.yaml").symlink_to(tmp_path / "deployments" / "gone.yaml")
    assert _findings(tmp_path) == ["deployments/x.yaml:1:1: BG004"]


def test_symlink_outside_the_repo_is_refused_and_never_read(env: Env, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "creds.yaml").write_text("bento: stolen:v1\nsecrets: [nope]\n")
    repo = tmp_path / "repo"
    (repo / "deployments").mkdir(parents=True)
    (repo / "deployments" / "evil.yaml").symlink_to(outside / "creds.yaml")
    (repo / "deployments" / "dir").symlink_to(outside, target_is_directory=True)
    (repo / "deployments" / "ok.yaml").write_text("name: ok\nbento: a:v1\n")
    (repo / "deployments" / "inside.yaml").symlink_to(repo / "deployments" / "ok.yaml")
    result = run_cli("validate", "-C", str(repo), "--format", "json")
    report = json.loads(result.stdout)
    found = [(d["file"], d["code"]) for d in report["diagnostics"]]
    assert found == [
        ("deployments/dir", "BG004"),
        ("deployments/evil.yaml", "BG004"),
        ("deployments/ok.yaml", "BG503"),
    ]
    assert "stolen" not in result.stdout and "nope" not in result.stdout
    assert result.exit_code == exitcodes.FINDINGS
