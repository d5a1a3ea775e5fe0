"""The sops runner against the real binary, and against fakes for faults the real one can't produce."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from compiler import agekeys, exitcodes
from compiler.redacted import SecretValue
from compiler.sops import Decrypted, Failure, SopsRunner, clean_stderr
from tests.conftest import Env, RepoBuilder, run_cli

SECRET = {
    "secrets/api.yaml": "data:\n  API_KEY: sk-runner-canary\n",
    "deployments/app.yaml": "bento: a:v1\nsecrets: [api]\n",
}


def _fake_sops(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-sops"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_real_sops_decrypts_into_redacted_values(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, sops_path: str, age_key: agekeys.AgeKeyPair
) -> None:
    repo = make_repo(tmp_path / "repo", SECRET)
    env.give_key(age_key)
    outcome = SopsRunner(sops_path, repo).decrypt(
        "secrets/api.yaml", (repo / "secrets/api.yaml").read_bytes()
    )
    assert isinstance(outcome, Decrypted)
    value = outcome.values["API_KEY"]
    assert value.reveal() == "sk-runner-canary"
    assert "sk-runner" not in f"{value} {value!r} {outcome!r} {outcome.values!r} {value:>20}"


def test_secret_value_equality_and_no_pickling() -> None:
    assert SecretValue("a") == SecretValue("a")
    assert SecretValue("a") != SecretValue("b")
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(SecretValue("a"))


@pytest.mark.parametrize(
    ("rc", "code"),
    [(128, "BG206"), (51, "BG207"), (25, "BG208"), (1, "BG210"), (100, "BG210"), (203, "BG210")],
)
def test_exit_codes_map_to_findings(tmp_path: Path, rc: int, code: str) -> None:
    fake = _fake_sops(tmp_path, f'echo \'time="x" level=fatal msg="boom"\' >&2; exit {rc}')
    outcome = SopsRunner(fake, tmp_path).decrypt("secrets/x.yaml", b"data: {}\n")
    assert isinstance(outcome, Failure)
    assert outcome.code == code
    assert "secrets/x.yaml" in outcome.message


def test_hanging_sops_times_out_naming_the_file(tmp_path: Path) -> None:
    fake = _fake_sops(tmp_path, "exec sleep 30")
    outcome = SopsRunner(fake, tmp_path, timeout=0.5).decrypt("secrets/slow.yaml", b"")
    assert isinstance(outcome, Failure) and outcome.fatal
    assert outcome.message == "sops did not finish decrypting secrets/slow.yaml within 0.5s"


def test_sops_killed_by_a_signal(tmp_path: Path) -> None:
    fake = _fake_sops(tmp_path, "kill -9 $$")
    outcome = SopsRunner(fake, tmp_path).decrypt("secrets/x.yaml", b"")
    assert isinstance(outcome, Failure) and outcome.fatal
    assert "killed by signal 9" in outcome.message


@pytest.mark.parametrize("output", ["not json at all", '{"data": {"A": 1}}', '{"data": {"A": "x"', "[]"])
def test_garbage_output_is_refused(tmp_path: Path, output: str) -> None:
    fake = _fake_sops(tmp_path, f"cat >/dev/null; printf '%s' '{output}'")
    outcome = SopsRunner(fake, tmp_path).decrypt("secrets/x.yaml", b"")
    assert isinstance(outcome, Failure) and outcome.code == "BG210" and outcome.fatal


def test_failure_through_the_cli_is_exit_3_not_a_traceback(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair
) -> None:
    repo = make_repo(tmp_path / "repo", SECRET)
    env.give_key(age_key)
    fake = _fake_sops(tmp_path, "kill -9 $$")
    result = run_cli("validate", "-C", str(repo), "--decrypt", "always", "--sops", fake)
    assert result.exit_code == exitcodes.ENVIRONMENT
    assert "secrets/api.yaml:" in result.stdout and "BG210" in result.stdout
    assert "Traceback" not in result.stderr


def test_stderr_is_reduced_to_its_message() -> None:
    raw = '[CMD]\t time="2026-01-01T00:00:00Z" level=fatal msg="Error unmarshalling input yaml: line 1"\n'
    assert clean_stderr(raw) == "Error unmarshalling input yaml: line 1"
    assert clean_stderr("\x1b[31mFAILED\x1b[0m\nsecond line\n") == "FAILED second line"
    assert len(clean_stderr("x" * 1000)) == 300


def test_each_file_is_decrypted_once_and_in_parallel(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair, sops_path: str
) -> None:
    files = {f"secrets/s{i}.yaml": f"data:\n  API_KEY: sk-{i}\n" for i in range(4)}
    files["deployments/app.yaml"] = "bento: a:v1\nsecrets: [s0, s1, s2, s3]\n"
    repo = make_repo(tmp_path / "repo", files)
    env.give_key(age_key)
    log = tmp_path / "calls.log"
    wrapper = _fake_sops(tmp_path, f'echo call >> "{log}"; exec "{sops_path}" "$@"')
    result = run_cli(
        "validate", "-C", str(repo), "--decrypt", "always", "--sops", wrapper, "--format", "json"
    )
    assert log.read_text().count("call") == 4
    # all four collide on API_KEY with different values: found, and each file decrypted once
    assert result.stdout.count('"BG301"') == 6
    assert "sk-" not in result.stdout
