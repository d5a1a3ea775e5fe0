"""render as a release pipeline uses it: whole, deterministic, atomic, private, accepted by its consumers."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compiler import agekeys, exitcodes
from compiler.render import output
from tests.conftest import Env, RepoBuilder, encrypt_in_place, run_cli

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
DEMO_KEY = QUICKSTART / "demo-age-key.txt"
GOLDEN = Path(__file__).parent / "golden" / "quickstart"
DEMO_VALUES = ("sk-demo-not-a-real-key", "hf_demo_not_a_real_token", "demo-not-a-real-secret-access-key")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".bento-gitops-"))


@pytest.mark.parametrize("target", ["bentocloud", "kubernetes"])
@pytest.mark.parametrize("environment", ["prod", "staging"])
def test_quickstart_matches_the_golden_files(
    env: Env, tmp_path: Path, target: str, environment: str, request: pytest.FixtureRequest
) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "render", "-C", str(QUICKSTART), "--env", environment, "--target", target, "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / target / environment
    if request.config.getoption("--update-golden"):
        for stale in golden.rglob("*") if golden.exists() else []:
            if stale.is_file():
                stale.unlink()
        for rel, data in _tree(out).items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(data)
    assert _tree(out) == _tree(golden), "render output changed: review, then rerun with --update-golden"


def test_render_twice_is_byte_identical_and_holds_no_value(env: Env, tmp_path: Path) -> None:
    env.monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(DEMO_KEY))
    trees = []
    for name in ("a", "b"):
        assert (
            run_cli("render", "-C", str(QUICKSTART), "--env", "prod", "--out", str(tmp_path / name)).exit_code
            == 0
        )
        trees.append(_tree(tmp_path / name))
    assert trees[0] == trees[1]
    blob = b"".join(trees[0].values()).decode()
    assert not any(value in blob for value in DEMO_VALUES)


def test_values_are_written_only_on_request_and_privately(env: Env, tmp_path: Path) -> None:
    env.monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(DEMO_KEY))
    out = tmp_path / "out"
    result = run_cli(
        "render", "-C", str(QUICKSTART), "--env", "prod", "--secrets", "values", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    body = json.loads((out / "secrets" / "openai.json").read_text())
    assert body["content"]["items"] == [
        {"key": "OPENAI_API_KEY", "value": "sk-demo-not-a-real-key", "sub_path": None}
    ]
    assert not any(v in result.stdout + result.stderr for v in DEMO_VALUES)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in [out, *out.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_secrets_none_leaves_secret_manifests_out(env: Env, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        run_cli(
            "render", "-C", str(QUICKSTART), "--env", "prod", "--secrets", "none", "--out", str(out)
        ).exit_code
        == 0
    )
    assert not (out / "secrets").exists()
    k8s = tmp_path / "k8s"
    args = (
        "render",
        "-C",
        str(QUICKSTART),
        "--env",
        "prod",
        "--secrets",
        "none",
        "-t",
        "kubernetes",
        "--out",
        str(k8s),
    )
    assert run_cli(*args).exit_code == 0
    assert not (k8s / "secrets.yaml").exists()


def test_the_bentocloud_manifests_are_accepted_by_bentoml(env: Env, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("render", "-C", str(QUICKSTART), "--env", "staging", "--out", str(out)).exit_code == 0
    files = sorted(str(p) for p in (out / "deployments").glob("*.yaml"))
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", str(Path(__file__).parent / "bentoml_oracle.py"), *files],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BENTOML_HOME": str(tmp_path / "bentoml"), "BENTOML_DO_NOT_TRACK": "true"},
    )
    assert proc.returncode == 0, proc.stderr
    verdicts = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(v["ok"], v["cluster"]) for v in verdicts] == [(True, "gcp-us-central-1")] * 2, verdicts
    assert {v["name"] for v in verdicts} == {"ocr", "bentovllm-llama-3-1-8-b-instruct-service-2qdl"}


def test_kubernetes_manifests_pass_kubernetes_validate_strict(env: Env, tmp_path: Path) -> None:
    env.monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(DEMO_KEY))
    out = tmp_path / "out"
    args = ("render", "-C", str(QUICKSTART), "--env", "prod", "-t", "kubernetes", "--secrets", "values")
    assert run_cli(*args, "--out", str(out)).exit_code == 0
    files = sorted(str(p) for p in out.glob("*.yaml"))
    tool = Path(sys.executable).parent / "kubernetes-validate"
    proc = subprocess.run(
        [str(tool), "--strict", "--quiet", *files], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    kinds = subprocess.run(
        [str(tool), "--strict", *files], capture_output=True, text=True, check=False
    ).stdout
    for kind in ("deployment/ocr-ocr", "horizontalpodautoscaler/", "secret/hf-token"):
        assert kind in kinds


def _fingerprints(out: Path) -> list[str]:
    return [
        line.split(": ", 1)[1]
        for line in (out / "app.yaml").read_text().splitlines()
        if "secrets-fingerprint" in line
    ]


FINGERPRINT_REPO = {
    "secrets/api.yaml": "data:\n  API_KEY: sk-first\n",
    "deployments/app.yaml": (
        "bento: app:v1\ncluster: c1\nsecrets: [api]\nservices:\n  svc:\n    instance_type: cpu.1\n"
    ),
}


@pytest.mark.parametrize("mode", ["values", "hmac"])
def test_fingerprint_moves_with_a_value_not_with_the_ciphertext(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair, sops_path: str, mode: str
) -> None:
    repo = make_repo(tmp_path / "repo", FINGERPRINT_REPO)
    env.give_key(age_key)
    extra = ("--secrets", "values") if mode == "values" else ()
    if mode == "hmac":
        env.monkeypatch.setenv("BENTO_GITOPS_FINGERPRINT_KEY", "a-key-for-fingerprints")

    def render(name: str) -> str:
        out = tmp_path / name
        assert (
            run_cli("render", "-C", str(repo), "-t", "kubernetes", *extra, "--out", str(out)).exit_code == 0
        )
        return _fingerprints(out)[0]

    first = render("first")
    assert first.startswith("sha256:" if mode == "values" else "hmac-sha256:")
    before = (repo / "secrets/api.yaml").read_bytes()
    subprocess.run(
        [sops_path, "rotate", "-i", "secrets/api.yaml"],
        cwd=repo,
        check=True,
        capture_output=True,
        env={**os.environ, "SOPS_DISABLE_VERSION_CHECK": "1"},
    )
    assert (repo / "secrets/api.yaml").read_bytes() != before
    assert render("rotated") == first
    (repo / "secrets/api.yaml").write_text("data:\n  API_KEY: sk-second\n")
    encrypt_in_place(sops_path, repo, "secrets/api.yaml")
    assert render("changed") != first


def test_fingerprint_is_redacted_without_values_or_key(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    repo = make_repo(tmp_path / "repo", FINGERPRINT_REPO)
    out = tmp_path / "out"
    assert run_cli("render", "-C", str(repo), "-t", "kubernetes", "--out", str(out)).exit_code == 0
    assert _fingerprints(out) == ["redacted"]


def test_a_repo_with_errors_renders_nothing(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", {"deployments/app.yaml": "bento: app:v1\nsecrets: [missing]\n"})
    fresh = tmp_path / "fresh"
    result = run_cli("render", "-C", str(repo), "--out", str(fresh))
    assert result.exit_code == exitcodes.FINDINGS
    assert "BG501" in result.stderr and "nothing rendered" in result.stderr
    assert not fresh.exists() and _leftovers(tmp_path) == []
    previous = tmp_path / "previous"
    assert run_cli("render", "-C", str(QUICKSTART), "--env", "prod", "--out", str(previous)).exit_code == 0
    before = _tree(previous)
    assert run_cli("render", "-C", str(repo), "--out", str(previous)).exit_code == exitcodes.FINDINGS
    assert _tree(previous) == before


def test_a_failure_while_writing_leaves_the_old_output(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run_cli("render", "-C", str(QUICKSTART), "--env", "prod", "--out", str(out)).exit_code == 0
    before = _tree(out)
    real_write = output._write
    calls = []

    def failing(root: Path, rel: str, data: bytes, mode: int) -> None:
        calls.append(rel)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_write(root, rel, data, mode)

    monkeypatch.setattr(output, "_write", failing)
    result = run_cli("render", "-C", str(QUICKSTART), "--env", "staging", "--out", str(out))
    assert result.exit_code == exitcodes.INTERNAL or result.exit_code != 0
    assert _tree(out) == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_render_leaves_nothing_behind(
    env: Env,
    tmp_path: Path,
    make_repo: RepoBuilder,
    age_key: agekeys.AgeKeyPair,
    sops_path: str,
    sig: signal.Signals,
    code: int,
) -> None:
    repo = make_repo(tmp_path / "repo", FINGERPRINT_REPO)
    env.give_key(age_key)
    slow = tmp_path / "slow-sops"
    marker = tmp_path / "started"
    slow.write_text(f'#!/bin/sh\ntouch "{marker}"\nsleep 30\nexec "{sops_path}" "$@"\n')
    slow.chmod(0o755)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "compiler",
        "render",
        "-C",
        str(repo),
        "--secrets",
        "values",
        "--sops",
        str(slow),
        "--out",
        str(out),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "sops was never called"
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    assert not out.exists() and _leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["repo", "parent", "home", "foreign"])
def test_render_refuses_an_out_that_would_destroy_something(env: Env, tmp_path: Path, where: str) -> None:
    repo = tmp_path / "work" / "repo"
    repo.mkdir(parents=True)
    for rel, text in {"deployments/app.yaml": "bento: app:v1\ncluster: c\n"}.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    out = {"repo": repo, "parent": repo.parent, "home": env.home, "foreign": foreign}[where]
    before = _tree(out)
    result = run_cli("render", "-C", str(repo), "--out", str(out))
    assert result.exit_code == exitcodes.USAGE
    assert "refusing" in result.stderr
    assert _tree(out) == before
    if where == "foreign":
        assert run_cli("render", "-C", str(repo), "--out", str(out), "--force").exit_code == 0
        assert not (out / "notes.txt").exists()


USER_TARGET = {
    "deployments/app.yaml": "bento: app:v1\ncluster: c1\nsecrets: [api]\n",
    "secrets/api.yaml": "data:\n  API_KEY: sk-user-target\n",
    "templates/summary/{deployment}.txt.j2": (
        "{{ deployment.name }} on {{ deployment.cluster }} in {{ env.name }}\n"
        "{% for s in deployment.secrets %}- {{ s }}\n{% endfor %}"
    ),
    "templates/summary/all.txt.j2": (
        "{{ deployments | length }} deployment(s), {{ secrets | length }} secret(s)\n"
    ),
}


def test_user_target_renders_in_the_sandbox(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", USER_TARGET)
    out = tmp_path / "out"
    result = run_cli("render", "-C", str(repo), "-t", "summary", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert (out / "app.txt").read_text() == "app on c1 in default\n- api\n"
    assert (out / "all.txt").read_text() == "1 deployment(s), 1 secret(s)\n"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("line one\n{% for x in %}\n", "templates/summary/bad.txt.j2:2:1: error BG601 template syntax error"),
        ("ok\n\n{{ deployment.nope }}\n", "templates/summary/{deployment}.txt.j2:3:1: error BG602 undefined"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}\n", "templates/summary/bad.txt.j2:1:1: error BG603"),
    ],
    ids=["syntax", "undefined", "sandbox"],
)
def test_template_errors_point_at_the_template_line(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, template: str, expected: str
) -> None:
    name = "{deployment}.txt.j2" if "BG602" in expected else "bad.txt.j2"
    repo = make_repo(tmp_path / "repo", {**USER_TARGET, f"templates/summary/{name}": template})
    out = tmp_path / "out"
    result = run_cli("render", "-C", str(repo), "-t", "summary", "--out", str(out))
    assert result.exit_code == exitcodes.FINDINGS
    assert expected in result.stderr
    assert not out.exists()


def test_unknown_target_and_missing_environment_are_usage_errors(env: Env, tmp_path: Path) -> None:
    result = run_cli(
        "render", "-C", str(QUICKSTART), "--env", "prod", "-t", "helm", "--out", str(tmp_path / "o")
    )
    assert result.exit_code == exitcodes.USAGE and "unknown target 'helm'" in result.stderr
    result = run_cli("render", "-C", str(QUICKSTART), "--out", str(tmp_path / "o"))
    assert (
        result.exit_code == exitcodes.USAGE
        and "choose an environment with --env: prod, staging" in result.stderr
    )


def test_a_deployment_without_a_cluster_is_not_rendered_for_bentocloud(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    repo = make_repo(tmp_path / "repo", {"deployments/app.yaml": "bento: app:v1\n"})
    result = run_cli("render", "-C", str(repo), "--out", str(tmp_path / "out"))
    assert result.exit_code == exitcodes.FINDINGS
    assert "deployments/app.yaml:1:1: error BG509 deployment app has no cluster in default" in result.stderr
