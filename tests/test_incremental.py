"""Incremental runs: after any edit, a run that reuses the last run's records reports exactly what
a run from scratch reports, and looks again only at the deployments the edit touched."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from compiler import agekeys, incremental, stamps
from compiler.model import EnvironmentModel
from tests.conftest import Env, RepoBuilder, run_cli, sops_config

PROJECT = "version: 1\nenvironments:\n  dev: {cluster: dev-1}\n  prod: {cluster: prod-1}\n"
FILES = {
    "bento-gitops.yaml": PROJECT,
    "secrets/openai.yaml": "data:\n  OPENAI_API_KEY: sk-1\n",
    "secrets/hf.yaml": "data:\n  HF_TOKEN: hf-1\n  OPENAI_API_KEY: sk-2\n",
    "secrets/creds.yaml": "type: file\npath: $BENTOML_HOME/creds\ndata:\n  token: t-1\n",
    "secrets/creds2.yaml": "type: file\npath: $BENTOML_HOME/creds\ndata:\n  token: t-2\n",
    "deployments/llm.yaml": "bento: llm:v1\nsecrets: [openai]\nenvs:\n  - {name: LOG_LEVEL, value: info}\n",
    "deployments/rag.yaml": "bento: rag:v1\nsecrets: [hf, creds]\n",
    "deployments/ocr.yaml": "bento: ocr:v1\nsecrets: [creds2]\n",
    "environments/prod/llm.yaml": "envs:\n  - {name: LOG_LEVEL, value: warn}\n",
}


def _report(repo: Path, *extra: str) -> list[dict[str, object]]:
    result = run_cli("validate", "-C", str(repo), "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.stderr
    diagnostics: list[dict[str, object]] = json.loads(result.stdout)["diagnostics"]
    return diagnostics


def _same_as_from_scratch(repo: Path) -> list[dict[str, object]]:
    incremental_run = _report(repo)
    assert incremental_run == _report(repo, "--no-cache")
    return incremental_run


Edit = Callable[[Path, RepoBuilder], None]


def _write(files: dict[str, str]) -> Edit:
    return lambda repo, make_repo: make_repo(repo, files) and None


def _raw(path: str, text: str) -> Edit:
    """Written as is: neither encrypted nor with .sops.yaml put back."""
    return lambda repo, _: (repo / path).write_text(text) and None


def _delete(path: str) -> Edit:
    return lambda repo, _: (repo / path).unlink()


OTHER_RULES = sops_config(agekeys.generate().recipient)
CREDS2 = FILES["secrets/creds2.yaml"]
PROD_CREDS = "type: file\npath: $BENTOML_HOME/x\ndata:\n  token: p-1\n"
SHADOWING_ENVS = FILES["deployments/llm.yaml"].replace("LOG_LEVEL", "OPENAI_API_KEY")
EDITS: list[tuple[str, Edit]] = [
    ("an envs entry shadows a secret key", _write({"deployments/llm.yaml": SHADOWING_ENVS})),
    ("two secrets share a key", _write({"deployments/llm.yaml": "bento: llm:v1\nsecrets: [openai, hf]\n"})),
    ("file secrets at one path", _write({"environments/prod/rag.yaml": "secrets: [creds, creds2]\n"})),
    ("the overlay renames the deployment", _write({"environments/prod/ocr.yaml": "name: Bad_Name\n"})),
    ("a prod secret replaces a base secret", _write({"environments/prod/secrets/creds.yaml": PROD_CREDS})),
    ("a secret renames itself", _write({"secrets/creds2.yaml": "name: creds3\n" + CREDS2})),
    ("a secret breaks its schema", _write({"secrets/hf.yaml": "typo: 1\ndata:\n  HF_TOKEN: hf-1\n"})),
    ("the name comes back", _write({"secrets/creds2.yaml": CREDS2})),
    ("another recipient in .sops.yaml", _write({".sops.yaml": OTHER_RULES})),
    (
        "a secret encrypted for it",
        _write({".sops.yaml": OTHER_RULES, "secrets/openai.yaml": "data: {K: v}\n"}),
    ),
    ("a file .sops.yaml says to encrypt", _raw("secrets/.draft.yaml", "a: b\n")),
    ("a look-around in .sops.yaml", _raw(".sops.yaml", OTHER_RULES.replace("(^|/)", "(?=s)"))),
    ("a deployment edited under it", _raw("deployments/ocr.yaml", "bento: ocr:v2\nsecrets: [creds2]\n")),
    ("an overlay goes away", _delete("environments/prod/llm.yaml")),
    ("a deployment goes away", _delete("deployments/ocr.yaml")),
    ("the project moves bentoml_home", _write({"bento-gitops.yaml": PROJECT + "bentoml_home: /srv/bento\n"})),
    ("a deployment breaks its schema", _write({"deployments/rag.yaml": "bento: rag:v1\nscalling: 1\n"})),
]


@pytest.mark.parametrize("trust_stamps", [False, True], ids=["files-read", "stamps-trusted"])
def test_every_edit_reports_what_a_run_from_scratch_reports(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch, trust_stamps: bool
) -> None:
    if trust_stamps:  # files written a moment ago count as settled: stamps decide what changed
        monkeypatch.setattr(stamps, "RACY_NS", 0)
    repo = make_repo(tmp_path / "repo", FILES)
    codes = {d["code"] for d in _same_as_from_scratch(repo)}
    for _, edit in EDITS:
        edit(repo, make_repo)
        codes |= {d["code"] for d in _same_as_from_scratch(repo)}
    assert {"BG303", "BG304", "BG305", "BG501", "BG505", "BG102", "BG101", "BG205", "BG204", "BG209"} <= codes


@pytest.fixture
def looked_at(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(environment, deployment) of each deployment the environment rules looked at."""
    seen: list[tuple[str, str]] = []
    original = incremental.Session.unknown

    def spy(self: incremental.Session, model: EnvironmentModel) -> EnvironmentModel:
        again = original(self, model)
        seen.extend((model.name, name) for name in again.deployments)
        return again

    monkeypatch.setattr(incremental.Session, "unknown", spy)
    return seen


def test_an_edit_is_looked_at_alone(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, looked_at: list[tuple[str, str]]
) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    _report(repo)
    assert len(looked_at) == 6  # 3 deployments x 2 environments, the first time
    looked_at.clear()
    make_repo(repo, {"environments/prod/rag.yaml": "envs:\n  - {name: LOG_LEVEL, value: warn}\n"})
    _report(repo)
    assert looked_at == [("prod", "rag")]
    looked_at.clear()
    make_repo(repo, {"secrets/openai.yaml": "data:\n  OPENAI_API_KEY: sk-9\n  EXTRA: e\n"})
    _report(repo)
    assert sorted(looked_at) == [("dev", "llm"), ("prod", "llm")]


def test_a_same_size_edit_with_its_time_put_back_is_seen(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stamps, "RACY_NS", 0)
    almost = SHADOWING_ENVS.replace("OPENAI_API_KEY", "OPENAI_API_KEX")
    repo = make_repo(tmp_path / "repo", {**FILES, "deployments/llm.yaml": almost})
    target = repo / "deployments/llm.yaml"
    before = target.stat()
    assert not any(d["code"] == "BG304" for d in _report(repo))
    target.write_text(SHADOWING_ENVS)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    assert any(d["code"] == "BG304" for d in _same_as_from_scratch(repo))


def test_records_never_hold_a_plaintext_secret(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    files = {**FILES, "secrets/plain.yaml": "data:\n  PLAIN_TOKEN: CANARY-incremental-77\n"}
    files["deployments/ocr.yaml"] = "bento: ocr:v1\nsecrets: [creds2, plain]\n"
    repo = make_repo(tmp_path / "repo", files, plaintext=("secrets/plain.yaml",))
    _same_as_from_scratch(repo)
    cache = Path(os.environ["XDG_CACHE_HOME"])
    kept = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    assert b"CANARY-incremental-77" not in kept
    records = b"".join(p.read_bytes() for name in ("units", "stamps") for p in cache.rglob(f"{name}/*"))
    assert b"secrets/creds2.yaml" in records
    assert b"secrets/plain.yaml" not in records  # no digest of it, no record that read it
