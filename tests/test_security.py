"""SECURITY.md, held: output safety, concurrent and interrupted runs, a broken or hostile sops, and
repo strings that try to forge the tool's own output.

tests/test_render.py already proves the first refusals (repo, parent, home, a foreign folder),
atomic replacement after a write failure, and SIGINT/SIGTERM during render; tests/test_sops.py the
runner's own handling of faults. These drive the same faults through the command line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from compiler import agekeys, exitcodes
from tests.conftest import Env, RepoBuilder, run_cli

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
PLAIN_REPO = {
    "deployments/app.yaml": "bento: app:v1\ncluster: c1\n",
    "notes/keep.txt": "the user's own file\n",
    ".git/HEAD": "ref: refs/heads/main\n",
}


def _write(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every entry below `root`: file bytes, or None for a directory or link."""
    found: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        found[rel] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return found


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".bento-gitops-"))


# --- where render may write ---------------------------------------------------------------------


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("out", [".", "..", "deployments/..", "deployments/../..", "./"])
def test_render_out_dot_inside_the_repo_refuses_and_deletes_nothing(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, force: bool
) -> None:
    repo = _write(tmp_path / "work" / "repo", PLAIN_REPO)
    before = _snapshot(tmp_path)
    monkeypatch.chdir(repo)
    result = run_cli("render", "--out", out, *(["--force"] if force else []))
    assert result.exit_code == exitcodes.USAGE, result.stderr
    assert "refusing" in result.stderr
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("where", ["root", "home", "link-to-repo", "link-to-parent"])
def test_render_refuses_root_home_and_links_to_the_repo_even_with_force(
    env: Env, tmp_path: Path, where: str
) -> None:
    repo = _write(tmp_path / "work" / "repo", PLAIN_REPO)
    _write(env.home, {"keep.txt": "home\n"})
    (tmp_path / "link-to-repo").symlink_to(repo, target_is_directory=True)
    (tmp_path / "link-to-parent").symlink_to(repo.parent, target_is_directory=True)
    out = {"root": Path("/"), "home": env.home}.get(where, tmp_path / where)
    before = _snapshot(tmp_path), _snapshot(env.home)
    force = [] if where == "root" else ["--force"]  # (never risk `/` on a regression)
    result = run_cli("render", "-C", str(repo), "--out", str(out), *force)
    assert result.exit_code == exitcodes.USAGE, result.stderr
    assert "refusing" in result.stderr
    assert (_snapshot(tmp_path), _snapshot(env.home)) == before


def test_render_refuses_a_folder_holding_home_even_with_force(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _write(tmp_path / "homes" / "me", {"keep.txt": "mine\n"})
    _write(tmp_path / "homes" / "other", {"keep.txt": "theirs\n"})
    monkeypatch.setenv("HOME", str(home))
    repo = _write(tmp_path / "work" / "repo", PLAIN_REPO)
    before = _snapshot(tmp_path / "homes")
    result = run_cli("render", "-C", str(repo), "--out", str(tmp_path / "homes"), "--force")
    assert result.exit_code == exitcodes.USAGE and "refusing" in result.stderr
    assert _snapshot(tmp_path / "homes") == before


def test_an_index_json_not_written_by_the_tool_does_not_make_a_folder_replaceable(
    env: Env, tmp_path: Path
) -> None:
    repo = _write(tmp_path / "repo", PLAIN_REPO)
    out = _write(tmp_path / "out", {"index.json": '{"files": []}\n', "data.csv": "a,b\n"})
    before = _snapshot(out)
    result = run_cli("render", "-C", str(repo), "--out", str(out))
    assert result.exit_code == exitcodes.USAGE and "--force" in result.stderr
    assert _snapshot(out) == before
    assert run_cli("render", "-C", str(repo), "--out", str(out / "fresh")).exit_code == exitcodes.OK
    assert run_cli("render", "-C", str(repo), "--out", str(out / "fresh")).exit_code == exitcodes.OK


ESCAPING_NAMES = {
    "bentocloud": ["../../escaped-deployment", "../../../escaped-deployment"],
    "kubernetes": ["../escaped-deployment", "{abs}/escaped-absolute"],
    "summary": ["../../escaped-deployment", "{abs}/escaped-absolute"],
}


@pytest.mark.parametrize("target", sorted(ESCAPING_NAMES))
@pytest.mark.parametrize("index", [0, 1])
def test_names_from_the_repo_never_write_outside_out(
    env: Env, tmp_path: Path, target: str, index: int
) -> None:
    name = ESCAPING_NAMES[target][index].format(abs=tmp_path)
    files = {
        "bento-gitops.yaml": "version: 1\nrules: {BG505: off}\n",  # a PR may switch the rule off too
        "deployments/app.yaml": f"name: {json.dumps(name)}\nbento: app:v1\ncluster: c1\n"
        "services:\n  svc: {instance_type: cpu.1}\n",
        "templates/summary/{deployment}.txt.j2": "{{ deployment.name }}\n",
    }
    repo = _write(tmp_path / "repo", files)
    out = tmp_path / "a" / "b" / "out"
    before = _snapshot(tmp_path)
    result = run_cli("render", "-C", str(repo), "-t", target, "--out", str(out))
    assert "Traceback" not in result.stderr
    assert result.exit_code == exitcodes.USAGE, result.stderr
    assert "outside the output directory" in result.stderr
    after = _snapshot(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) <= {"a", "a/b"}  # only the (empty) parents of --out
    assert not out.exists() and _leftovers(out.parent) == []


def _render_process(env_name: str, out: Path, tmp_path: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "compiler", "render", "-C", str(QUICKSTART), "--env", env_name]
    return subprocess.Popen(
        [*command, "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )


def test_two_renders_into_one_out_at_once_end_with_one_complete_output(env: Env, tmp_path: Path) -> None:
    references = {}
    for name in ("prod", "staging"):
        assert (
            run_cli("render", "-C", str(QUICKSTART), "--env", name, "--out", str(tmp_path / name)).exit_code
            == 0
        )
        references[name] = _snapshot(tmp_path / name)
    assert references["prod"] != references["staging"]
    out = tmp_path / "shared" / "out"
    out.parent.mkdir()
    for _round in range(2):  # into a missing --out, then over a previous output
        procs = [_render_process(name, out, tmp_path) for name in ("prod", "staging", "prod", "staging")]
        for proc in procs:
            _, stderr = proc.communicate(timeout=120)
            assert proc.returncode == exitcodes.OK, stderr
        assert _snapshot(out) in references.values()
        assert _leftovers(out.parent) == []


# --- a broken sops ------------------------------------------------------------------------------

SECRET_REPO = {
    "secrets/openai.yaml": "template: openai\ndata:\n  OPENAI_API_KEY: sk-broken-sops-test\n",
    "deployments/llm.yaml": "bento: llm:v1\ncluster: c1\nsecrets: [openai]\n",
}
FAULTS: dict[str, tuple[str, str, int]] = {
    "hangs": ("exec sleep 30", "BG210", exitcodes.ENVIRONMENT),
    "killed": ("kill -9 $$", "BG210", exitcodes.ENVIRONMENT),
    "garbage": ("cat >/dev/null; echo 'not json {'", "BG210", exitcodes.ENVIRONMENT),
    "truncated": (
        """cat >/dev/null; printf '{"data": {"OPENAI_API_KEY": "sk-'""",
        "BG210",
        exitcodes.ENVIRONMENT,
    ),
    "silent": ("cat >/dev/null", "BG210", exitcodes.ENVIRONMENT),
    "not-a-mapping": ("""cat >/dev/null; echo '{"data": ["sk"]}'""", "BG210", exitcodes.ENVIRONMENT),
    "exit-1": ("echo 'level=fatal msg=\"not encrypted\"' >&2; exit 1", "BG210", exitcodes.ENVIRONMENT),
    "exit-2": ("echo 'undocumented' >&2; exit 2", "BG210", exitcodes.ENVIRONMENT),
    "exit-100": ("echo 'msg=\"no file\"' >&2; exit 100", "BG210", exitcodes.ENVIRONMENT),
    "exit-128": ("echo 'msg=\"no key\"' >&2; exit 128", "BG206", exitcodes.ENVIRONMENT),
    "exit-51": ("echo 'msg=\"MAC mismatch\"' >&2; exit 51", "BG207", exitcodes.FINDINGS),
    "exit-25": ("echo 'msg=\"tampered\"' >&2; exit 25", "BG208", exitcodes.FINDINGS),
    "lacks-a-key": ("""cat >/dev/null; echo '{"data": {}}'""", "BG210", exitcodes.ENVIRONMENT),
}


def _fake_sops(tmp_path: Path, body: str, name: str = "fake-sops") -> str:
    script = tmp_path / name
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize(
    "fault",
    list(FAULTS),
)
def test_a_broken_sops_is_a_clear_finding_and_never_a_partial_render(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair, fault: str
) -> None:
    body, code, exit_code = FAULTS[fault]
    repo = make_repo(tmp_path / "repo", SECRET_REPO)
    env.give_key(age_key)
    env.monkeypatch.setenv("BENTO_GITOPS_SOPS_TIMEOUT", "1")
    out = tmp_path / "out"
    assert run_cli("render", "-C", str(repo), "--out", str(out)).exit_code == exitcodes.OK  # redacted
    before = _snapshot(out)
    fake = _fake_sops(tmp_path, body)
    start = time.monotonic()
    args = ("render", "-C", str(repo), "--secrets", "values", "--sops", fake, "--format", "json")
    result = run_cli(*args, "--out", str(out))
    assert time.monotonic() - start < 10
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exit_code == exit_code, result.stdout + result.stderr
    findings = json.loads(result.stdout)["diagnostics"]
    assert [(d["file"], d["code"]) for d in findings] == [("secrets/openai.yaml", code)]
    assert "secrets/openai.yaml" in findings[0]["message"]
    assert "sk-broken" not in result.stdout + result.stderr
    assert _snapshot(out) == before and _leftovers(tmp_path) == []


def test_a_hanging_sops_ends_in_a_clear_error_within_the_configured_timeout(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair
) -> None:
    repo = make_repo(tmp_path / "repo", SECRET_REPO)
    env.give_key(age_key)
    env.monkeypatch.setenv("BENTO_GITOPS_SOPS_TIMEOUT", "2")
    fake = _fake_sops(tmp_path, "sleep 8 & wait")  # a child that keeps sops' pipes open, too
    start = time.monotonic()
    result = run_cli("validate", "-C", str(repo), "--decrypt", "always", "--sops", fake)
    elapsed = time.monotonic() - start
    assert result.exit_code == exitcodes.ENVIRONMENT
    assert "error BG210 sops did not finish decrypting secrets/openai.yaml within 2s" in result.stdout
    assert 2 <= elapsed < 10, elapsed


def test_sops_runs_from_an_argument_list_with_no_repo_config_when_decrypting(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair, sops_path: str
) -> None:
    shell_name = "secrets/$(touch pwned); touch pwned `touch pwned`.yaml"
    files = {
        shell_name: "name: openai\ndata:\n  OPENAI_API_KEY: sk-argv-test\n",
        "deployments/llm.yaml": "bento: llm:v1\ncluster: c1\nsecrets: [openai]\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    log = tmp_path / "argv.log"
    recorder = _fake_sops(tmp_path, f'printf "%s\\n" "$@" "--" >> "{log}"\nexec "{sops_path}" "$@"')
    env.give_key(age_key)
    # a pull request's .sops.yaml can't steer decryption: sops is told to read no config at all
    (repo / ".sops.yaml").write_text(
        (repo / ".sops.yaml").read_text() + "  - hc_vault_transit_uri: https://attacker.example/v1/t/keys/k\n"
    )
    assert run_cli("validate", "-C", str(repo), "--decrypt", "always", "--sops", recorder).exit_code == 0
    out = tmp_path / "out"
    args = ("render", "-C", str(repo), "--secrets", "values", "--sops", recorder, "--out", str(out))
    assert run_cli(*args).exit_code == exitcodes.OK
    calls = [c.strip("\n").split("\n") for c in log.read_text().split("--\n") if c.strip()]
    assert calls and all(c[:3] == ["--config", os.devnull, "decrypt"] for c in calls), calls
    result = run_cli(
        "secret", "set", "openai", "OPENAI_API_KEY=-", "-C", str(repo), "--sops", recorder, input="v2"
    )
    assert result.exit_code == exitcodes.OK, result.stderr
    assert not list(tmp_path.rglob("pwned*"))


# --- output that repo strings could forge -------------------------------------------------------

HOSTILE = "x\n::error file=README.md,line=1::forged by the pull request"


def _hostile_repo(tmp_path: Path, where: str) -> Path:
    repo = tmp_path / "repo"
    (repo / "deployments").mkdir(parents=True)
    if where == "key":
        (repo / "deployments/app.yaml").write_text(f"bento: app:v1\n{json.dumps(HOSTILE)}: 1\n")
    else:
        (repo / "deployments" / f"{HOSTILE}.yaml").write_text("name: app\nbento: app:v1\nscalling: 1\n")
    return repo


@pytest.mark.parametrize("where", ["key", "file"])
def test_repo_strings_cannot_start_a_line_of_text_output(env: Env, tmp_path: Path, where: str) -> None:
    result = run_cli("validate", "-C", str(_hostile_repo(tmp_path, where)))
    assert result.exit_code == exitcodes.FINDINGS
    for line in result.stdout.splitlines():
        assert line.startswith(("deployments/", "  ")), line


@pytest.mark.parametrize("where", ["key", "file"])
def test_repo_strings_cannot_forge_a_workflow_command(env: Env, tmp_path: Path, where: str) -> None:
    result = run_cli("validate", "-C", str(_hostile_repo(tmp_path, where)), "--format", "github")
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("::error file=deployments/"), lines
    properties = lines[0].removeprefix("::error ").split("::", 1)[0]
    assert [p.split("=", 1)[0] for p in properties.split(",")] == ["file", "line", "col", "title"]


# --- interrupted runs ---------------------------------------------------------------------------


def _slow_sops(tmp_path: Path) -> tuple[str, Path]:
    marker = tmp_path / "sops-started"
    return _fake_sops(tmp_path, f'touch "{marker}"\nexec sleep 30', "slow-sops"), marker


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("command", ["validate", "secret-create"])
def test_an_interrupted_run_leaves_no_temp_file_and_no_half_written_secret(
    env: Env,
    tmp_path: Path,
    make_repo: RepoBuilder,
    age_key: agekeys.AgeKeyPair,
    sops_path: str,
    command: str,
    sig: signal.Signals,
    code: int,
) -> None:
    repo = make_repo(tmp_path / "repo", SECRET_REPO)
    env.give_key(age_key)
    slow, marker = _slow_sops(tmp_path)
    temp = tmp_path / "tmpdir"
    temp.mkdir()
    before = _snapshot(repo)
    args = (
        ["validate", "-C", str(repo), "--decrypt", "always"]
        if command == "validate"
        else ["secret", "create", "fresh", "API_KEY=-", "-C", str(repo)]
    )
    value = tmp_path / "value.txt"
    value.write_text("sk-interrupted-value")
    with value.open() as stdin:
        proc = subprocess.Popen(
            [sys.executable, "-m", "compiler", *args, "--sops", slow],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TMPDIR": str(temp)},
        )
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "sops was never called"
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    assert _snapshot(repo) == before
    assert list(temp.rglob("*")) == []
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink() and path != value:
            assert b"sk-interrupted" not in path.read_bytes(), path


# --- plan reads git, where a link is never followed -------------------------------------------------

GIT = ("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false")


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run([*GIT, "-C", str(repo), *args], check=True, capture_output=True, text=True)
    return proc.stdout.strip()


def test_plan_refuses_links_committed_to_git_and_never_reads_them(env: Env, tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside", {"creds.yaml": "bento: stolen:v1\ncluster: stolen-cluster\n"})
    repo = _write(tmp_path / "repo", {"deployments/app.yaml": "bento: app:v1\ncluster: c1\n"})
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    (repo / "deployments/evil.yaml").symlink_to(outside / "creds.yaml")
    (repo / "secrets").mkdir()
    (repo / "secrets/stolen.yaml").symlink_to(outside / "creds.yaml")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "links")
    result = run_cli("plan", "-C", str(repo), "--base", "main~1", "--head", "main", "--format", "json")
    assert "Traceback" not in result.stderr
    assert result.exit_code == exitcodes.FINDINGS
    everything = result.stdout + result.stderr
    assert "deployments/evil.yaml" in everything and "secrets/stolen.yaml" in everything
    assert "BG004" in everything and "stolen" not in everything.replace("secrets/stolen.yaml", "")
