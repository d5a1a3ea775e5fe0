"""The canary: distinctive secret values, every finding they can cause, every format: never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import agekeys
from tests.conftest import Env, RepoBuilder, run_cli

CANARY = "CANARY-7f3a9c-do-not-print"


def _repo(tmp_path: Path, make_repo: RepoBuilder) -> Path:
    files = {
        "secrets/one.yaml": f"data:\n  API_KEY: {CANARY}-one\n",
        "secrets/two.yaml": f"data:\n  API_KEY: {CANARY}-two\n",  # BG301 with one
        "secrets/same.yaml": f"data:\n  API_KEY: {CANARY}-one\n",  # BG302 with one
        "secrets/plain.yaml": f"data:\n  TOKEN: {CANARY}-plain\n",  # BG201
        "secrets/added.yaml": f"data:\n  TOKEN: {CANARY}-sealed\n",  # BG202 after a hand edit
        "secrets/mac.yaml": f"description: before\ndata:\n  TOKEN: {CANARY}-mac\n",  # BG207
        "secrets/typed.yaml": f"data:\n  TOKEN: [{CANARY}-list]\n",  # BG102
        "secrets/broken.yaml": f'data:\n  TOKEN: "{CANARY}-unterminated\n',  # BG001
        "secrets/dupe.yaml": f"data:\n  TOKEN: {CANARY}-a\n  TOKEN: {CANARY}-b\n",  # BG002
        "deployments/app.yaml": (
            "bento: app:v1\nsecrets: [one, two, same, plain, added, mac, typed, broken, dupe]\n"
            "envs:\n  - {name: API_KEY, value: visible-plaintext-env}\n"
        ),
    }
    plaintext = ("secrets/plain.yaml", "secrets/typed.yaml", "secrets/broken.yaml", "secrets/dupe.yaml")
    repo = make_repo(tmp_path / "repo", files, plaintext=plaintext)
    added = repo / "secrets/added.yaml"
    added.write_text(added.read_text().replace("data:\n", f"data:\n    EXTRA: {CANARY}-added\n", 1))
    mac = repo / "secrets/mac.yaml"
    mac.write_text(mac.read_text().replace("description: before", "description: after", 1))
    return repo


@pytest.mark.parametrize("output", ["text", "json", "github"])
@pytest.mark.parametrize("decrypt", ["auto", "always", "never"])
@pytest.mark.parametrize("with_key", [True, False], ids=["key", "no-key"])
def test_no_value_in_any_output(
    env: Env,
    tmp_path: Path,
    make_repo: RepoBuilder,
    age_key: agekeys.AgeKeyPair,
    output: str,
    decrypt: str,
    with_key: bool,
) -> None:
    repo = _repo(tmp_path, make_repo)
    if with_key:
        env.give_key(age_key)
    result = run_cli("validate", "-C", str(repo), "--format", output, "--decrypt", decrypt)
    everything = result.stdout + result.stderr
    assert CANARY not in everything
    assert result.exit_code in (1, 3)
    for code in ("BG001", "BG002", "BG102", "BG201", "BG202"):
        assert code in everything
    if with_key and decrypt != "never":
        assert "BG301" in everything and "BG302" in everything
    if with_key and decrypt == "always":
        assert "BG207" in everything


def test_no_value_stays_in_the_loaders_memory(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    """The composer remembers short scalars' tags across files, but never a secret file's."""
    from compiler import load

    canary = "CANARY-memo-31"
    files = {"secrets/plain.yaml": f"data:\n  TOKEN: {canary}\n", "deployments/app.yaml": "bento: a:v1\n"}
    repo = make_repo(tmp_path / "repo", files, plaintext=("secrets/plain.yaml",))
    assert run_cli("validate", "-C", str(repo), "--no-cache").exit_code == 1
    remembered = {value for value, _ in load._Yaml12Resolver._known}
    assert "bento" in remembered  # deployments are remembered
    assert canary not in remembered
