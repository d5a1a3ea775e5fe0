"""The hooks in `.pre-commit-hooks.yaml`, run by the real pre-commit in a user's git repo that names
this checkout as its hook repo: clean without keys, blocking plaintext, never showing a value."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import Env, RepoBuilder
from tests.test_integrations import check_invocation

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"
HOOK_REPO_FILES = ("compiler", "schemas", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
IDENTITY = ("-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false")
CLEAN = {
    "bento-gitops.yaml": "version: 1\nenvironments:\n  prod: {cluster: aws-us-east-1}\n",
    "secrets/openai.yaml": "data:\n  OPENAI_API_KEY: sk-example\n",
    "deployments/llm.yaml": "bento: llm:v1\nsecrets: [openai]\n",
    "README.md": "# deployments\n",
}


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *IDENTITY, "-C", str(repo), *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _hooks() -> list[dict[str, object]]:
    hooks: list[dict[str, object]] = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return hooks


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout's work tree, committed in a throw-away repo: pre-commit installs hooks from a commit."""
    repo = tmp_path_factory.mktemp("hook-repo") / "bento-gitops"
    repo.mkdir()
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "bento-gitops as a hook repo")
    return repo, git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME for the session: the hook environment is installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


class User:
    """A user's git repo of deployments and secrets whose .pre-commit-config.yaml uses the hooks."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.environ = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
        self.environ["PRE_COMMIT_HOME"] = str(home)

    def run(self, *args: str) -> tuple[int, str]:
        proc = subprocess.run(
            [PRE_COMMIT, *args, "--color", "never"],
            cwd=self.root,
            env=self.environ,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        return proc.returncode, proc.stdout + proc.stderr

    def write(self, rel: str, text: str) -> None:
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_text(text)
        git(self.root, "add", rel)


@pytest.fixture
def user(
    env: Env,
    tmp_path: Path,
    make_repo: RepoBuilder,
    hook_repo: tuple[Path, str],
    pre_commit_home: Path,
) -> User:
    root = make_repo(tmp_path / "deployments-repo", CLEAN)
    hook_path, sha = hook_repo
    (root / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_path}\n"
        f"    rev: {sha}\n"
        "    hooks:\n"
        "      - id: bento-gitops-validate\n"
        "      - id: bento-gitops-encrypted\n"
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "clean")
    return User(root, pre_commit_home)


def _hook_lines(output: str) -> dict[str, str]:
    """pre-commit's one status line per hook: name → Passed, Failed or Skipped."""
    found = re.findall(
        r"^(bento-gitops \w+)\.+(?:\(no files to check\))?(Passed|Failed|Skipped)$", output, re.M
    )
    return dict(found)


def test_the_manifest_is_valid_for_pre_commit() -> None:
    proc = subprocess.run(
        [PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_hooks_run_existing_commands_and_options() -> None:
    hooks = {hook["id"]: hook for hook in _hooks()}
    assert set(hooks) == {"bento-gitops-validate", "bento-gitops-encrypted"}
    validate, encrypted = hooks["bento-gitops-validate"], hooks["bento-gitops-encrypted"]
    assert (validate["pass_filenames"], validate["require_serial"], validate["language"]) == (
        False,
        True,
        "python",
    )
    assert encrypted.get("pass_filenames", True) is True
    for hook in hooks.values():
        words = str(hook["entry"]).split()
        assert words[0] == "bento-gitops"
        check_invocation([*words[1:], "secrets/x.yaml"])
    assert "--select BG201,BG202,BG204" in str(encrypted["entry"])


@pytest.mark.parametrize(
    ("path", "validate", "encrypted"),
    [
        ("bento-gitops.yaml", True, True),
        (".sops.yaml", True, True),
        ("secrets/openai.yaml", True, True),
        ("secrets/team/openai.yaml", True, True),
        ("deployments/llm.yaml", True, True),
        ("environments/prod/llm.yaml", True, True),
        ("templates/helm/values.yaml.j2", True, False),
        ("infra/bento/deployments/llm.yaml", True, True),
        ("config/private/db.json", False, True),
        ("config/app.env", False, True),
        ("config/app.ini", False, True),
        ("README.md", False, False),
        ("src/app.py", False, False),
        ("mysecrets/x.yaml", False, True),
    ],
)
def test_the_hooks_trigger_on_the_files_they_check(path: str, validate: bool, encrypted: bool) -> None:
    patterns = {hook["id"]: re.compile(str(hook["files"])) for hook in _hooks()}
    assert bool(patterns["bento-gitops-validate"].search(path)) is validate
    assert bool(patterns["bento-gitops-encrypted"].search(path)) is encrypted


def test_a_clean_repo_passes_without_keys(user: User) -> None:
    code, output = user.run("run", "--all-files")
    assert code == 0, output
    assert _hook_lines(output) == {"bento-gitops validate": "Passed", "bento-gitops encrypted": "Passed"}
    assert "SOPS_AGE_KEY" not in user.environ and "SOPS_AGE_KEY_FILE" not in user.environ


def test_a_staged_plaintext_secret_is_blocked_and_its_value_never_shown(user: User) -> None:
    canary = f"sk-canary-{secrets.token_hex(16)}"
    user.write("secrets/leaked.yaml", f"data:\n  API_KEY: {canary}\n")
    user.write("deployments/llm.yaml", "bento: llm:v1\nsecrets: [openai, leaked]\n")

    code, output = user.run("run", "--all-files")
    assert code == 1, output
    assert _hook_lines(output) == {"bento-gitops validate": "Failed", "bento-gitops encrypted": "Failed"}
    assert "secrets/leaked.yaml:1:1: error BG201" in output
    assert canary not in output

    code, output = user.run("run", "bento-gitops-encrypted")  # the staged files only, as on commit
    assert code == 1, output
    assert "secrets/leaked.yaml:1:1: error BG201" in output
    assert canary not in output


def test_the_installed_hook_stops_the_commit(user: User) -> None:
    canary = f"sk-canary-{secrets.token_hex(16)}"
    assert user.run("install")[0] == 0
    head = git(user.root, "rev-parse", "HEAD")
    user.write("config/credentials.yaml", f"password: {canary}\n")
    user.write(".sops.yaml", (user.root / ".sops.yaml").read_text().replace("secrets/", "(secrets|config)/"))
    proc = subprocess.run(
        ["git", *IDENTITY, "commit", "-m", "add credentials"],
        cwd=user.root,
        env=user.environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "config/credentials.yaml:1:1: error BG204" in proc.stdout + proc.stderr
    assert canary not in proc.stdout + proc.stderr
    assert git(user.root, "rev-parse", "HEAD") == head


def test_a_plaintext_value_added_to_an_encrypted_file_is_blocked(user: User) -> None:
    canary = f"sk-canary-{secrets.token_hex(16)}"
    sealed = user.root / "secrets" / "openai.yaml"
    indent = re.compile(r"^data:\n( +)", re.M)
    added = indent.sub(lambda m: f"data:\n{m[1]}EXTRA: {canary}\n{m[1]}", sealed.read_text(), count=1)
    user.write("secrets/openai.yaml", added)
    code, output = user.run("run", "bento-gitops-encrypted")
    assert code == 1, output
    assert "error BG202" in output
    assert canary not in output


def test_the_encrypted_hook_leaves_other_findings_to_validate(user: User) -> None:
    user.write("deployments/llm.yaml", "bento: llm:v1\nsecrets: [openai]\nscalling: 1\n")
    encrypted = user.run("run", "bento-gitops-encrypted", "--all-files")
    assert encrypted[0] == 0, encrypted[1]
    code, output = user.run("run", "bento-gitops-validate", "--all-files")
    assert code == 1
    assert "deployments/llm.yaml:3:1: error BG101" in output
