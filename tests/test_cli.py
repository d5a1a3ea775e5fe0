"""The validate command as a user meets it: exact output, exit codes, options, formats."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import agekeys, exitcodes
from tests.conftest import Env, RepoBuilder, run_cli

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
DEMO_KEY = QUICKSTART / "demo-age-key.txt"

TYPOS = """\
name: x
bento: summarization:xq4dggshm25lecvj
access_authorization: "false"
services:
  Summarization:
    instance_type: cpu.2
    envs: []
    scalling:
      min_replicas: 1
    deployment_strategy: Bogus
  Worker:
    scaling:
      min_replicas: two
"""


def test_quickstart_is_clean(env: Env) -> None:
    result = run_cli("validate", "-C", str(QUICKSTART))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert result.stderr == "0 error(s), 0 warning(s) in 9 files\n"


def test_quickstart_is_clean_with_every_secret_decrypted(env: Env) -> None:
    env.monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(DEMO_KEY))
    result = run_cli("validate", "-C", str(QUICKSTART), "--decrypt", "always", "--strict")
    assert result.exit_code == 0, result.stdout


def test_installed_console_script_works_from_any_directory(env: Env, tmp_path: Path) -> None:
    script = shutil.which("bento-gitops", path=str(Path(sys.executable).parent))
    assert script, "the bento-gitops console script is installed beside the interpreter"
    for command in ([script], [sys.executable, "-m", "compiler"]):
        proc = subprocess.run(
            [*command, "validate", "-C", str(QUICKSTART)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr


def test_schema_errors_are_reported_together_at_their_own_lines(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    repo = make_repo(tmp_path / "repo", {"deployments/x.yaml": TYPOS})
    result = run_cli("validate", "-C", str(repo))
    assert result.exit_code == exitcodes.FINDINGS
    assert result.stdout == (
        'deployments/x.yaml:3:23: error BG101 access_authorization: expected boolean, got string "false"\n'
        "deployments/x.yaml:8:5: error BG101 unknown key 'scalling'; did you mean 'scaling'?\n"
        'deployments/x.yaml:10:26: error BG101 services/Summarization/deployment_strategy: value "Bogus" '
        "must be one of: RollingUpdate, Recreate, RampedSlowRollout, BestEffortControlledRollout\n"
        "deployments/x.yaml:13:21: error BG101 services/Worker/scaling/min_replicas: expected integer, "
        'got string "two"\n'
    )
    assert result.stderr == "4 error(s), 0 warning(s) in 1 file\n"


def test_json_output_is_the_documented_object(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", {"deployments/x.yaml": TYPOS})
    report = json.loads(run_cli("validate", "-C", str(repo), "--format", "json").stdout)
    assert set(report) == {"version", "diagnostics", "summary"}
    assert report["version"] == 1
    assert report["summary"] == {"errors": 4, "warnings": 0, "files": 1}
    first = report["diagnostics"][1]
    assert first == {
        "code": "BG101",
        "severity": "error",
        "message": "unknown key 'scalling'; did you mean 'scaling'?",
        "file": "deployments/x.yaml",
        "line": 8,
        "column": 5,
        "pointer": "/services/Summarization/scalling",
        "environment": None,
        "related": [],
    }


def test_github_format_prints_workflow_commands(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", {"deployments/x.yaml": TYPOS})
    lines = run_cli("validate", "-C", str(repo), "--format", "github").stdout.splitlines()
    assert lines[1] == (
        "::error file=deployments/x.yaml,line=8,col=5,title=BG101::"
        "unknown key 'scalling'; did you mean 'scaling'?"
    )


def test_plaintext_secret_and_hand_added_value_are_caught_without_keys(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    files = {
        "secrets/plain.yaml": "data:\n  API_KEY: sk-plain-committed\n",
        "secrets/sealed.yaml": "data:\n  API_KEY: sk-sealed\n",
        "deployments/app.yaml": "bento: app:v1\nsecrets: [plain, sealed]\n",
    }
    repo = make_repo(tmp_path / "repo", files, plaintext=("secrets/plain.yaml",))
    sealed = repo / "secrets/sealed.yaml"
    sealed.write_text(sealed.read_text().replace("data:\n", "data:\n    EXTRA: sk-added-by-hand\n", 1))
    result = run_cli("validate", "-C", str(repo))
    assert result.exit_code == exitcodes.FINDINGS
    codes = [line.split()[2] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert codes == ["BG201", "BG202"]
    assert "sk-" not in result.stdout + result.stderr


def test_decrypt_always_without_a_key_exits_3_and_names_the_key_sources(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "secrets/api.yaml": "data:\n  API_KEY: sk-example\n",
            "deployments/app.yaml": "bento: app:v1\nsecrets: [api]\n",
        },
    )
    result = run_cli("validate", "-C", str(repo), "--decrypt", "always")
    assert result.exit_code == exitcodes.ENVIRONMENT
    assert "error BG206 no available key can decrypt secrets/api.yaml" in result.stdout
    assert "SOPS_AGE_KEY_FILE is not set" in result.stdout
    assert "age1" in result.stdout  # which recipients the file has


def test_decrypt_always_with_the_wrong_key_exits_3(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, other_age_key: agekeys.AgeKeyPair
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "secrets/api.yaml": "data:\n  API_KEY: sk-example\n",
            "deployments/app.yaml": "bento: app:v1\nsecrets: [api]\n",
        },
    )
    env.give_key(other_age_key)
    result = run_cli("validate", "-C", str(repo), "--decrypt", "always")
    assert result.exit_code == exitcodes.ENVIRONMENT
    assert f"SOPS_AGE_KEY_FILE={env.key_file}" in result.stdout


def test_strict_turns_warnings_into_failure(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", {"secrets/unused.yaml": "data:\n  API_KEY: sk-example\n"})
    assert run_cli("validate", "-C", str(repo)).exit_code == 0
    result = run_cli("validate", "-C", str(repo), "--strict")
    assert result.exit_code == exitcodes.FINDINGS
    assert "warning BG504" in result.stdout


def test_project_rules_set_severity_or_turn_a_code_off(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    files = {"secrets/unused.yaml": "data:\n  API_KEY: sk-example\n"}
    repo = make_repo(tmp_path / "repo", {**files, "bento-gitops.yaml": "version: 1\nrules: {BG504: error}\n"})
    result = run_cli("validate", "-C", str(repo))
    assert (result.exit_code, "error BG504" in result.stdout) == (1, True)
    (repo / "bento-gitops.yaml").write_text("version: 1\nrules: {BG504: off}\n")
    result = run_cli("validate", "-C", str(repo), "--strict")
    assert (result.exit_code, result.stdout) == (0, "")


def test_files_limit_the_report_but_not_what_is_loaded(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "deployments/a.yaml": "bento: a:v1\nsecrets: [missing]\n",
            "deployments/b.yaml": "bento: b:v1\nscalling: 1\n",
        },
    )
    only_a = run_cli("validate", "-C", str(repo), str(repo / "deployments/a.yaml"))
    assert [ln.split(":")[0] for ln in only_a.stdout.splitlines()] == ["deployments/a.yaml"]
    only_b = run_cli("validate", "-C", str(repo), "deployments/b.yaml")
    assert [ln.split(":")[0] for ln in only_b.stdout.splitlines()] == ["deployments/b.yaml"]


def test_repo_option_before_the_command_like_git(env: Env) -> None:
    result = run_cli("-C", str(QUICKSTART), "validate", "-q")
    assert (result.exit_code, result.stderr) == (0, "")


def test_unknown_environment_and_missing_repo_are_usage_errors(env: Env, tmp_path: Path) -> None:
    result = run_cli("validate", "-C", str(QUICKSTART), "--env", "qa")
    assert result.exit_code == exitcodes.USAGE
    assert "unknown environment 'qa'; declared: prod, staging" in result.stderr
    assert run_cli("validate", "-C", str(tmp_path / "nowhere")).exit_code == exitcodes.USAGE


def test_broken_project_file_exits_2(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", {"bento-gitops.yaml": "version: 1\nbentoml_home: relative/path\n"})
    result = run_cli("validate", "-C", str(repo))
    assert result.exit_code == exitcodes.USAGE
    assert result.stdout.startswith("bento-gitops.yaml:2:15: error BG103")


def test_explain_prints_the_rule_and_refuses_unknown_codes(env: Env) -> None:
    result = run_cli("explain", "bg305")
    assert result.exit_code == 0
    assert result.stdout.startswith("BG305: two file keys of one deployment resolve to the same path")
    assert "Fix:" in result.stdout
    unknown = run_cli("explain", "BG999")
    assert unknown.exit_code == exitcodes.USAGE
    assert "unknown rule code 'BG999'" in unknown.stderr


def test_schema_prints_each_json_schema(env: Env) -> None:
    for kind in ("deployment", "secret", "project", "overlay"):
        result = run_cli("schema", kind)
        assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert run_cli("schema", "bogus").exit_code == exitcodes.USAGE


def test_a_crashing_rule_is_an_internal_error_never_a_clean_run(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compiler.rules import unknown_secret

    def explode(ctx: object) -> None:
        raise RuntimeError("rule bug")

    monkeypatch.setattr(unknown_secret, "check", explode)
    result = run_cli("validate", "-C", str(QUICKSTART))
    assert result.exit_code == exitcodes.INTERNAL
    assert "RuntimeError: rule bug" in result.stderr
    assert "internal error" in result.stderr


def test_interrupt_exits_130(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("compiler.validate.validate", interrupted)
    result = run_cli("validate", "-C", str(QUICKSTART))
    assert result.exit_code == exitcodes.INTERRUPTED


def test_version(env: Env) -> None:
    from compiler import __version__

    assert run_cli("--version").stdout == f"bento-gitops {__version__}\n"


def test_environment_variable_selects_sops(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "secrets/api.yaml": "data:\n  API_KEY: sk-example\n",
            "deployments/app.yaml": "bento: app:v1\nsecrets: [api]\n",
        },
    )
    env.monkeypatch.setenv("BENTO_GITOPS_SOPS", str(tmp_path / "no-such-sops"))
    result = run_cli("validate", "-C", str(repo), "--decrypt", "always")
    assert result.exit_code == exitcodes.ENVIRONMENT
    assert "BG210" in result.stdout and "BENTO_GITOPS_SOPS" in result.stdout
    assert os.environ["BENTO_GITOPS_SOPS"].endswith("no-such-sops")
