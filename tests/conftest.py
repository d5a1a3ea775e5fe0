"""Shared test parts: a hermetic sops environment, an age key per session, a repo builder, the CLI."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compiler import agekeys
from compiler.cli import app
from compiler.sops import find_binary

SECRET_FILE = re.compile(r"(^|/)secrets/.*\.ya?ml$")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the output")


@pytest.fixture(scope="session")
def age_key() -> agekeys.AgeKeyPair:
    return agekeys.generate()


@pytest.fixture(scope="session")
def other_age_key() -> agekeys.AgeKeyPair:
    return agekeys.generate()


@pytest.fixture(scope="session")
def sops_path() -> str:
    return find_binary()


@dataclass
class Env:
    """The process environment a test runs the tool in: no key unless the test adds one."""

    home: Path
    key_file: Path
    monkeypatch: pytest.MonkeyPatch

    def give_key(self, key: agekeys.AgeKeyPair) -> None:
        self.key_file.write_text(key.keys_txt())
        self.monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(self.key_file))

    def take_key(self) -> None:
        self.monkeypatch.delenv("SOPS_AGE_KEY_FILE", raising=False)


@pytest.fixture
def env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if name.startswith(("SOPS_", "BENTO_GITOPS_")) or name in ("GNUPGHOME",):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield Env(home, home / "age-keys.txt", monkeypatch)


def sops_config(recipient: str) -> str:
    return (
        "creation_rules:\n"
        "  - path_regex: (^|/)secrets/.*\\.ya?ml$\n"
        "    encrypted_regex: ^data$\n"
        f"    age: {recipient}\n"
    )


def encrypt_in_place(sops: str, root: Path, path: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOPS_")}
    proc = subprocess.run(
        [sops, "encrypt", "-i", path],
        cwd=root,
        capture_output=True,
        text=True,
        env={**clean, "SOPS_DISABLE_VERSION_CHECK": "1"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


@dataclass
class RepoBuilder:
    sops: str
    recipient: str

    def __call__(self, root: Path, files: Mapping[str, str], *, plaintext: tuple[str, ...] = ()) -> Path:
        """Write `files`; add a .sops.yaml for the session key unless given; encrypt secret files."""
        root.mkdir(parents=True, exist_ok=True)
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        if ".sops.yaml" not in files:
            (root / ".sops.yaml").write_text(sops_config(self.recipient))
        for rel in sorted(files):
            if SECRET_FILE.search(rel) and rel not in plaintext and "\nsops:" not in files[rel]:
                encrypt_in_place(self.sops, root, rel)
        return root


@pytest.fixture(scope="session")
def make_repo(sops_path: str, age_key: agekeys.AgeKeyPair) -> RepoBuilder:
    return RepoBuilder(sops_path, age_key.recipient)


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli(env: Env) -> object:
    return run_cli
