"""The bad-input corpus that can't be a case folder: bytes, sizes, links, odd file names, crashes.

Each case is a tiny repo, the findings it must produce (`path:line:col: CODE`) and the exit status;
none may end in a traceback. Text-file cases live under tests/cases/; tests/test_bad_input.py holds
the first of these (Latin-1, NUL, PNG, BOM with CRLF, one oversized file, dangling and outside links).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler import exitcodes, load
from compiler.load import MAX_BYTES, load_bytes
from compiler.tree import WorkTree
from tests.conftest import Env, Result, run_cli

ROOT = Path(__file__).resolve().parent.parent
PROJECT = b"version: 1\nenvironments:\n  prod: {cluster: c1}\n"


def _write(repo: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return repo


def _findings(result: Result) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    return [f"{d['file']}:{d['line']}:{d['column']}: {d['code']}" for d in report["diagnostics"]]


def _validate(repo: Path, *args: str) -> tuple[list[str], int]:
    result = run_cli("validate", "-C", str(repo), "--format", "json", *args)
    return _findings(result), result.exit_code


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, bytes]
    expected: list[str]
    exit: int = exitcodes.FINDINGS


CASES = [
    Case(
        "utf-16-as-notepad-saves-it",
        {"deployments/x.yaml": "bento: a:v1\n".encode("utf-16")},
        ["deployments/x.yaml:1:1: BG004"],
    ),
    Case(
        "overlong-utf-8-slash",  # 0xC0 0xAF: a classic way to smuggle '/' past a naive check
        {"deployments/x.yaml": b"bento: a:v1\nname: a\xc0\xafb\n"},
        ["deployments/x.yaml:2:8: BG004"],
    ),
    Case(
        "bom-does-not-shift-columns",
        {"deployments/x.yaml": b"\xef\xbb\xbfname: Bad_Name\nbento: a:v1\n"},
        ["deployments/x.yaml:1:7: BG505"],
    ),
    Case(
        "cr-only-line-ends",
        {"deployments/x.yaml": b"bento: a:v1\rservices:\r  s:\r    scalling: {}\r"},
        ["deployments/x.yaml:4:5: BG101"],
    ),
    Case(
        "crlf-duplicate-key",
        {"deployments/x.yaml": b"bento: a:v1\r\ncluster: c\r\ncluster: d\r\n"},
        ["deployments/x.yaml:3:1: BG002"],
    ),
    Case(
        "crlf-plaintext-secret",
        {
            "secrets/api.yaml": b"data:\r\n  API_KEY: sk-crlf\r\n",
            "deployments/app.yaml": b"bento: a:v1\r\nsecrets: [api]\r\n",
        },
        ["secrets/api.yaml:1:1: BG201"],
    ),
    Case(
        "nul-in-a-secret",
        {
            "secrets/api.yaml": b"data:\n  API_KEY: sk-\x00\n",
            "deployments/app.yaml": b"bento: a:v1\n",
        },
        ["secrets/api.yaml:2:1: BG004"],
    ),
    Case(
        "merge-key-without-alias",
        {"deployments/x.yaml": b"bento: a:v1\nservices:\n  s:\n    <<: {instance_type: cpu.1}\n"},
        ["deployments/x.yaml:4:5: BG003"],
    ),
    Case(
        "tagged-key",
        {"deployments/x.yaml": b"bento: a:v1\n? !!python/name:os.system\n: 1\n"},
        ["deployments/x.yaml:2:3: BG003"],
    ),
    Case(
        "complex-key",
        {"deployments/x.yaml": b"bento: a:v1\n? [a, b]\n: 1\n"},
        ["deployments/x.yaml:2:3: BG003"],
    ),
    Case(
        "set-tag",
        {"deployments/x.yaml": b"bento: a:v1\nsecrets: !!set {a, b}\n"},
        ["deployments/x.yaml:2:10: BG003"],
    ),
    Case(
        "tag-directive-hiding-a-python-tag",
        {
            "deployments/x.yaml": b"%TAG !p! tag:yaml.org,2002:python/object/apply:\n---\n"
            + b"bento: !p!os.system\n"
        },
        ["deployments/x.yaml:3:8: BG003"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_bytes_give_one_clear_finding(env: Env, tmp_path: Path, case: Case) -> None:
    found, exit_code = _validate(_write(tmp_path, case.files))
    assert (found, exit_code) == (case.expected, case.exit)


@pytest.mark.parametrize("literal", [b"1" + b"0" * 5000, b"0x" + b"f" * 5000], ids=["decimal", "hex"])
def test_an_integer_too_long_to_print_is_a_finding(env: Env, tmp_path: Path, literal: bytes) -> None:
    repo = _write(tmp_path, {"deployments/x.yaml": b"bento: a:v1\ncluster: " + literal + b"\n"})
    result = run_cli("validate", "-C", str(repo), "--format", "json")
    assert result.exit_code == exitcodes.FINDINGS and "Traceback" not in result.stderr
    [finding] = _findings(result)
    assert finding.startswith("deployments/x.yaml:2:10: BG"), finding


def _alias_bomb(levels: int) -> bytes:
    lines = ["bento: a:v1", "x:", '  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


def test_an_alias_bomb_is_stopped_within_a_second_in_bounded_memory(env: Env, tmp_path: Path) -> None:
    bomb = _alias_bomb(9)  # 9**9 (387 million) strings if expanded
    tracemalloc.start()
    start = time.monotonic()
    try:
        result = load_bytes("deployments/x.yaml", bomb)
        elapsed = time.monotonic() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [d.code for d in result.diagnostics] == ["BG003"]
    assert elapsed < 1.0, elapsed
    assert peak < 64 * 1024 * 1024, peak
    found, exit_code = _validate(_write(tmp_path, {"deployments/x.yaml": bomb}))
    assert (found, exit_code) == (["deployments/x.yaml:3:61: BG003"], exitcodes.FINDINGS)


def test_five_megabytes_are_refused_before_parsing(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # were it parsed, this would be an alias bomb and a syntax error
    data = _alias_bomb(9) + b'"unterminated ' + b"x" * (5 * 1024 * 1024)
    assert len(data) > 5 * MAX_BYTES

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file over the limit was parsed")

    monkeypatch.setattr(load, "load_text", never)
    start = time.monotonic()
    found, exit_code = _validate(_write(tmp_path, {"deployments/big.yaml": data}))
    assert (found, exit_code) == (["deployments/big.yaml:1:1: BG004"], exitcodes.FINDINGS)
    assert time.monotonic() - start < 2.0


DEEP = {
    "block-sequences": b"bento: a:v1\nx:\n  " + b"- " * 100_000 + b"a\n",
    "explicit-keys": b"bento: a:v1\nx:\n  " + b"? " * 100_000 + b"a\n",
    "one-space-indents": b"bento: a:v1\n"
    + b"".join(b" " * i + b"k:\n" for i in range(1300))
    + b" " * 1300
    + b"v\n",
}


@pytest.mark.parametrize(
    "name",
    [
        "block-sequences",
        "explicit-keys",
        "one-space-indents",
    ],
)
def test_deep_block_nesting_is_a_finding_not_a_crash(env: Env, tmp_path: Path, name: str) -> None:
    repo = _write(tmp_path / "repo", {"deployments/x.yaml": DEEP[name]})
    proc = subprocess.run(
        [sys.executable, "-m", "compiler", "validate", "-C", str(repo), "--format", "json", "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert proc.returncode == exitcodes.FINDINGS, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    found = _findings(Result(proc.returncode, proc.stdout, proc.stderr))
    assert len(found) == 1 and found[0].startswith("deployments/x.yaml:") and found[0].endswith(": BG004")


TAG_ATTACKS = {
    "apply": "!!python/object/apply:os.system [touch {marker}]",
    "new": "!!python/object/new:os.system [touch {marker}]",
    "name": "!!python/name:os.system",
    "module": "!!python/module:os",
    "custom": "!bento-gitops/exec touch {marker}",
}
TAG_FILES = {
    "deployment": ("deployments/x.yaml", "bento: a:v1\ncluster: {tag}\n", "deployments/x.yaml:2:10"),
    "secret": ("secrets/x.yaml", "description: {tag}\ndata:\n  A: b\n", "secrets/x.yaml:1:14"),
    "overlay": ("environments/prod/x.yaml", "cluster: {tag}\n", "environments/prod/x.yaml:1:10"),
    "project": ("bento-gitops.yaml", "version: 1\nbentoml_home: {tag}\n", "bento-gitops.yaml:2:15"),
    "sops-config": (".sops.yaml", "creation_rules: {tag}\n", ".sops.yaml:1:17"),
}


@pytest.mark.parametrize("attack", sorted(TAG_ATTACKS))
@pytest.mark.parametrize("kind", sorted(TAG_FILES))
def test_tags_are_reported_and_never_constructed(env: Env, tmp_path: Path, kind: str, attack: str) -> None:
    marker = tmp_path / "constructed"
    path, template, where = TAG_FILES[kind]
    files = {"deployments/x.yaml": b"bento: a:v1\ncluster: c1\n"}
    if kind == "overlay":
        files["bento-gitops.yaml"] = PROJECT
    text = template.format(tag=TAG_ATTACKS[attack].format(marker=marker))
    files[path] = text.encode()
    found, exit_code = _validate(_write(tmp_path / "repo", files))
    assert found == [f"{where}: BG003"]
    assert exit_code == (exitcodes.USAGE if kind == "project" else exitcodes.FINDINGS)
    assert not marker.exists()


# --- file names ---------------------------------------------------------------------------------


def test_file_names_with_spaces_and_unicode_are_named_exactly(env: Env, tmp_path: Path) -> None:
    repo = _write(
        tmp_path,
        {
            "deployments/my app.yaml": b"bento: a:v1\n",  # name from the stem: not a label
            "deployments/café.yaml": b"bento: a:v1\n",
            "deployments/日本/ok.yaml": b"name: nihon\nbento: a:v1\ncluster: c1\n",
            "deployments/a,b:c%.yaml": b"name: commas\nbento: a:v1\nscalling: 1\n",
        },
    )
    found, exit_code = _validate(repo)
    assert found == [
        "deployments/a,b:c%.yaml:3:1: BG101",
        "deployments/café.yaml:1:1: BG505",
        "deployments/my app.yaml:1:1: BG505",
    ]
    assert exit_code == exitcodes.FINDINGS
    text = run_cli("validate", "-C", str(repo)).stdout
    assert "deployments/my app.yaml:1:1: error BG505" in text
    github = run_cli("validate", "-C", str(repo), "--format", "github").stdout
    assert "::error file=deployments/a%2Cb%3Ac%25.yaml,line=3,col=1,title=BG101::" in github


def test_a_file_name_that_is_not_utf8_is_a_finding(env: Env, tmp_path: Path) -> None:
    (tmp_path / "deployments").mkdir()
    (tmp_path / "deployments").joinpath(os.fsdecode(b"caf\xe9.yaml")).write_bytes(b"bento: a:v1\n")
    result = run_cli("validate", "-C", str(tmp_path), "--format", "json")
    assert "Traceback" not in result.stderr and result.exit_code == exitcodes.FINDINGS
    [finding] = json.loads(result.stdout)["diagnostics"]
    assert finding["file"].startswith("deployments/caf") and finding["code"] in ("BG004", "BG505")


# --- links --------------------------------------------------------------------------------------


def _recording_sops(tmp_path: Path, sops_path: str) -> tuple[str, Path]:
    log = tmp_path / "sops-stdin.log"
    script = tmp_path / "recording-sops"
    script.write_text(f'#!/bin/sh\ntee -a "{log}" | "{sops_path}" "$@"\n')
    script.chmod(0o755)
    return str(script), log


def test_links_leading_outside_are_refused_wherever_inputs_are_read(
    env: Env, tmp_path: Path, sops_path: str
) -> None:
    outside = _write(
        tmp_path / "outside",
        {
            "api.yaml": b"data:\n  API_KEY: sk-outside-never-read\nsops: {version: 3.9.0}\n",
            "llm.yaml": b"cluster: stolen-cluster\n",
        },
    )
    repo = _write(
        tmp_path / "repo",
        {
            "bento-gitops.yaml": PROJECT,
            "deployments/llm.yaml": b"bento: a:v1\nsecrets: [api]\n",
            "notes/plain.yaml": b"bento: a:v1\n",
        },
    )
    links = {
        "secrets/api.yaml": outside / "api.yaml",
        "environments/prod/llm.yaml": outside / "llm.yaml",
        "secrets/loop.yaml": repo / "secrets/loop.yaml",  # a link to itself
        "deployments/hop.yaml": repo / "notes/hop.yaml",  # inside, but the next hop leads out
        "notes/hop.yaml": outside / "llm.yaml",
        "deployments/inside.yaml": repo / "notes/plain.yaml",  # inside: read like any file
    }
    for rel, target in links.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).symlink_to(target)
    sops, log = _recording_sops(tmp_path, sops_path)
    result = run_cli("validate", "-C", str(repo), "--format", "json", "--decrypt", "always", "--sops", sops)
    assert _findings(result) == [
        "deployments/hop.yaml:1:1: BG004",
        "deployments/llm.yaml:2:11: BG501",
        "environments/prod/llm.yaml:1:1: BG004",
        "secrets/api.yaml:1:1: BG004",
        "secrets/loop.yaml:1:1: BG004",
    ]
    assert result.exit_code == exitcodes.FINDINGS
    assert not log.exists() or b"sk-outside" not in log.read_bytes()
    assert "stolen" not in result.stdout and "sk-outside" not in result.stdout


OUTSIDE_CONFIG = {
    "bento-gitops.yaml": b"version: 1\nbentoml_home: 42\n",  # if read: BG103 at 2:15
    ".sops.yaml": b"creation_rules:\n  - path_regex: ^notes/\n    age: age1xyz\n",  # if read: BG204
}


def _outside_config(tmp_path: Path, rel: str) -> Path:
    """A repo whose project file or .sops.yaml is a link to a file outside it."""
    outside = _write(tmp_path / "outside", {"config.yaml": OUTSIDE_CONFIG[rel]})
    repo = _write(
        tmp_path / "repo",
        {"deployments/x.yaml": b"bento: a:v1\ncluster: c1\n", "notes/creds.yaml": b"a: b\n"},
    )
    (repo / rel).symlink_to(outside / "config.yaml")
    return repo


@pytest.mark.parametrize("rel", sorted(OUTSIDE_CONFIG))
def test_config_files_linked_outside_are_never_read(env: Env, tmp_path: Path, rel: str) -> None:
    found, _ = _validate(_outside_config(tmp_path, rel))
    assert not [f for f in found if f.endswith(("BG103", "BG204"))], found


@pytest.mark.parametrize("rel", sorted(OUTSIDE_CONFIG))
def test_config_files_linked_outside_are_reported(env: Env, tmp_path: Path, rel: str) -> None:
    found, exit_code = _validate(_outside_config(tmp_path, rel))
    assert [f for f in found if f.startswith(f"{rel}:1:1: BG")], found
    assert exit_code == (exitcodes.USAGE if rel == "bento-gitops.yaml" else exitcodes.FINDINGS)


TEMPLATE_REPO = {
    "deployments/app.yaml": b"bento: a:v1\ncluster: c1\n",
    "templates/summary/all.txt.j2": b"{{ deployments | length }} deployment(s)\n",
}


def _template_link(tmp_path: Path, how: str) -> Path:
    outside = _write(
        tmp_path / "outside",
        {"stolen.txt": b"stolen-outside-content\n", "tpl/x.txt.j2": b"stolen-outside-content\n"},
    )
    repo = _write(tmp_path / "repo", TEMPLATE_REPO)
    if how == "target-folder":
        (repo / "templates/evil").symlink_to(outside / "tpl", target_is_directory=True)
    else:
        (repo / "templates/evil").mkdir()
        (repo / "templates/evil/all.txt.j2").write_text('{% include "_part.txt" %}\n')
        (repo / "templates/evil/_part.txt").symlink_to(outside / "stolen.txt")
    return repo


@pytest.mark.parametrize("how", ["target-folder", "include"])
def test_template_links_leading_outside_are_refused_and_never_read(
    env: Env, tmp_path: Path, how: str
) -> None:
    repo = _template_link(tmp_path, how)
    out = tmp_path / "out"
    result = run_cli("render", "-C", str(repo), "-t", "evil", "--out", str(out))
    everything = result.stdout + result.stderr
    written = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file()) if out.exists() else b""
    assert b"stolen" not in written and "stolen" not in everything
    assert result.exit_code == exitcodes.FINDINGS and "BG601" in result.stderr


# --- directories and unreadable files -------------------------------------------------------------


def test_a_directory_named_like_a_template_is_no_crash(env: Env, tmp_path: Path) -> None:
    repo = _write(tmp_path / "repo", TEMPLATE_REPO)
    (repo / "templates/summary/folder.j2").mkdir()
    result = run_cli("render", "-C", str(repo), "-t", "summary", "--out", str(tmp_path / "out"))
    assert "Traceback" not in result.stderr
    assert result.exit_code in (exitcodes.OK, exitcodes.FINDINGS)


@pytest.mark.parametrize("rel", ["bento-gitops.yaml", ".sops.yaml", "deployments/app.yaml", "secrets/x.yaml"])
def test_a_directory_where_a_file_is_expected_is_no_crash(env: Env, tmp_path: Path, rel: str) -> None:
    repo = _write(tmp_path, {"deployments/ok.yaml": b"bento: a:v1\ncluster: c1\n"})
    (repo / rel).mkdir(parents=True)
    (repo / rel / "inner.yaml").write_bytes(b"bento: a:v1\ncluster: c1\n")  # a file in it, found as such
    result = run_cli("validate", "-C", str(repo), "--format", "json")
    assert "Traceback" not in result.stderr
    assert result.exit_code in (exitcodes.OK, exitcodes.FINDINGS, exitcodes.USAGE)
    for finding in _findings(result):  # about the folder itself, or the file in it: nothing else
        assert finding.split(":")[0] in (rel, f"{rel}/inner.yaml"), finding


def test_an_unreadable_file_is_bg004(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _write(tmp_path, {"deployments/x.yaml": b"bento: a:v1\n", "deployments/ok.yaml": b"bento: b:v1\n"})
    real = WorkTree.read

    def refusing(self: WorkTree, path: str) -> bytes:
        if path == "deployments/x.yaml":
            raise PermissionError(13, "Permission denied")
        return real(self, path)

    monkeypatch.setattr(WorkTree, "read", refusing)
    assert _validate(repo) == (["deployments/x.yaml:1:1: BG004"], exitcodes.FINDINGS)


YAML_11_WORDS = ["no", "yes", "NO", "On", "off", "12:30", "1_000", "0o17", "017", "2024-01-01", "~", "y"]


@pytest.mark.parametrize("target", ["bentocloud", "kubernetes"])
def test_rendered_strings_stay_strings_for_yaml_11_readers(env: Env, tmp_path: Path, target: str) -> None:
    import yaml  # PyYAML: what BentoML's client reads `bentoml deployment apply -f` with

    envs = "".join(f"  - {{name: V{i}, value: {json.dumps(w)}}}\n" for i, w in enumerate(YAML_11_WORDS))
    deployment = (
        f'name: "no"\nbento: app:v1\ncluster: c1\nenvs:\n{envs}services:\n  svc: {{instance_type: cpu.1}}\n'
    )
    repo = _write(tmp_path / "repo", {"deployments/no.yaml": deployment.encode()})
    out = tmp_path / "out"
    result = run_cli("render", "-C", str(repo), "-t", target, "--out", str(out))
    assert result.exit_code == exitcodes.OK, result.stderr
    if target == "bentocloud":
        manifest = yaml.safe_load((out / "deployments/no.yaml").read_text())
        assert manifest["name"] == "no"
        values = [e["value"] for e in manifest["envs"]]
    else:
        docs = list(yaml.safe_load_all((out / "no.yaml").read_text()))
        workload = next(d for d in docs if d["kind"] == "Deployment")
        values = [e["value"] for e in workload["spec"]["template"]["spec"]["containers"][0]["env"]]
    assert values == YAML_11_WORDS


def test_a_named_pipe_or_a_link_to_one_is_never_read(env: Env, tmp_path: Path) -> None:
    repo = _write(tmp_path / "repo", {"deployments/ok.yaml": b"bento: a:v1\ncluster: c1\n"})
    os.mkfifo(repo / "deployments/pipe.yaml")  # reading it would block for ever
    (repo / "deployments/link.yaml").symlink_to(repo / "deployments/pipe.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "compiler", "validate", "-C", str(repo), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (exitcodes.OK, exitcodes.FINDINGS), proc.stderr
    for finding in _findings(Result(proc.returncode, proc.stdout, proc.stderr)):
        assert finding.startswith(("deployments/pipe.yaml:1:1: BG004", "deployments/link.yaml:1:1: BG004"))
