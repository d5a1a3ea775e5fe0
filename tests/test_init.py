"""`init`: a repo that validates at once, a key where sops finds it, nothing else touched."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from compiler import agekeys, exitcodes
from compiler.keys import default_keys_file as sops_keys_file
from compiler.keys import recipient_of
from tests.conftest import Env, run_cli


def keys_file(env: Env) -> Path:
    return env.home / ".config" / "sops" / "age" / "keys.txt"


def identities(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.startswith("AGE-SECRET-KEY-1")]


def test_init_gives_a_repo_that_validates_with_every_secret_decrypted(env: Env, tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = run_cli("init", str(target))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        ".gitignore",
        ".sops.yaml",
        "bento-gitops.yaml",
        "deployments/example.yaml",
        "secrets/example.yaml",
    ]
    [identity] = identities(keys_file(env))
    recipient = recipient_of(identity)
    assert f"age public key: {recipient}\n" in result.stdout
    assert f"its private key was appended to {keys_file(env)}" in result.stdout
    assert "AGE-SECRET-KEY" not in result.stdout + result.stderr
    assert "sk-replace-me" not in result.stdout + result.stderr
    # found where sops looks by default ($XDG_CONFIG_HOME), no SOPS_AGE_KEY_FILE needed
    checked = run_cli("validate", "-C", str(target), "--decrypt", "always", "--strict")
    assert checked.exit_code == 0, checked.stdout
    for environment in ("staging", "prod"):
        out = tmp_path / f"out-{environment}"
        rendered = run_cli("render", "-C", str(target), "--env", environment, "--out", str(out))
        assert rendered.exit_code == 0, rendered.stdout + rendered.stderr
        assert (out / "deployments/example.yaml").is_file()


def test_the_generated_files_say_what_the_issue_asks(env: Env, tmp_path: Path) -> None:
    run_cli("init", str(tmp_path))
    yaml = YAML(typ="safe", pure=True)
    project = yaml.load((tmp_path / "bento-gitops.yaml").read_text())
    assert (project["version"], sorted(project["environments"])) == (1, ["prod", "staging"])
    [rule] = yaml.load((tmp_path / ".sops.yaml").read_text())["creation_rules"]
    assert rule["encrypted_regex"] == "^data$"
    assert rule["path_regex"] == r"(^|/)secrets/.*\.ya?ml$"
    secret = yaml.load((tmp_path / "secrets/example.yaml").read_text())
    assert (secret["template"], list(secret["data"])) == ("openai", ["OPENAI_API_KEY"])
    assert secret["data"]["OPENAI_API_KEY"].startswith("ENC[AES256_GCM,")
    assert yaml.load((tmp_path / "deployments/example.yaml").read_text())["secrets"] == ["example"]


def test_key_file_and_folders_are_private(env: Env, tmp_path: Path) -> None:
    run_cli("init", str(tmp_path / "new"))
    path = keys_file(env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((env.home / ".config").stat().st_mode) == 0o700


def test_an_existing_keys_file_is_appended_never_truncated(env: Env, tmp_path: Path) -> None:
    old = agekeys.generate()
    path = keys_file(env)
    path.parent.mkdir(parents=True)
    path.write_text(old.keys_txt().rstrip("\n"))  # no final newline
    assert run_cli("init", str(tmp_path / "new")).exit_code == 0
    found = identities(path)
    assert found[0] == old.identity
    assert len(found) == 2


def test_the_new_secret_can_be_set_at_once(env: Env, tmp_path: Path) -> None:
    run_cli("init", str(tmp_path))
    result = run_cli("-C", str(tmp_path), "secret", "set", "example", "OPENAI_API_KEY=-", input="sk-real\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["  prod: restart example", "  staging: restart example"]


def test_a_non_empty_directory_is_refused_and_no_key_made(env: Env, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine\n")
    result = run_cli("init", str(tmp_path))
    assert result.exit_code == exitcodes.USAGE
    assert "is not empty (README.md)" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]
    assert not keys_file(env).exists()


def test_a_git_checkout_counts_as_empty(env: Env, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert run_cli("-C", str(tmp_path), "init").exit_code == 0
    assert (tmp_path / "bento-gitops.yaml").is_file()


def test_an_existing_recipient_is_used_and_no_key_generated(
    env: Env, tmp_path: Path, age_key: agekeys.AgeKeyPair
) -> None:
    result = run_cli("init", str(tmp_path), "--age-recipient", age_key.recipient)
    assert result.exit_code == 0, result.stderr
    assert not keys_file(env).exists()
    assert "appended" not in result.stdout
    assert age_key.recipient in (tmp_path / ".sops.yaml").read_text()
    env.give_key(age_key)
    assert run_cli("validate", "-C", str(tmp_path), "--decrypt", "always", "--strict").exit_code == 0


def test_a_bad_recipient_is_a_usage_error(env: Env, tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "new"), "--age-recipient", "age1nope")
    assert result.exit_code == exitcodes.USAGE
    assert "is not an age public key" in result.stderr
    assert not (tmp_path / "new").exists()


def test_a_failure_half_way_takes_everything_back(env: Env, tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "new"), "--sops", str(tmp_path / "no-sops"))
    assert result.exit_code == exitcodes.ENVIRONMENT
    assert not (tmp_path / "new").exists()
    assert not keys_file(env).exists()


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "darwin", "/x/sops/age/keys.txt"),
        ({"HOME": "/h"}, "linux", "/h/.config/sops/age/keys.txt"),
        ({"HOME": "/h"}, "darwin", "/h/Library/Application Support/sops/age/keys.txt"),
        ({"HOME": "/h", "APPDATA": "/a"}, "win32", "/a/sops/age/keys.txt"),
    ],
)
def test_keys_file_is_where_sops_looks(environ: dict[str, str], platform: str, expected: str) -> None:
    assert sops_keys_file(environ, platform) == Path(expected)
