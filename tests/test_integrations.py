"""Where the tool runs: GitHub annotations and step summary, --select, --changed-since, and the CI
examples and composite action, whose every bento-gitops command must exist with its options."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from ruamel.yaml import YAML

from compiler import exitcodes
from compiler.cli import app
from compiler.diagnostics import Diagnostic, Severity
from compiler.report import github_summary
from tests.conftest import Env, RepoBuilder, run_cli

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CI = ROOT / "examples" / "ci"

FINDINGS = {
    "secrets/openai.yaml": "data:\n  OPENAI_API_KEY: sk-example\n",
    "secrets/unused.yaml": "data:\n  TOKEN: example\n",
    "deployments/llm.yaml": "bento: llm:v1\nsecrets: [openai]\n",
    "deployments/typo.yaml": "bento: app:v1\nscalling: 1\n",
}
CLEAN = {
    "secrets/openai.yaml": "data:\n  OPENAI_API_KEY: sk-example\n",
    "deployments/llm.yaml": "bento: llm:v1\nsecrets: [openai]\n",
}


def git(repo: Path, *args: str) -> str:
    identity = ("-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false")
    proc = subprocess.run(
        ["git", *identity, "-C", str(repo), *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def committed(repo: Path) -> Path:
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


# --- --format github and the step summary -------------------------------------------------------


def test_github_format_appends_a_step_summary_table(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", FINDINGS)
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n")
    env.monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_cli("validate", "-C", str(repo), "--format", "github")
    assert result.exit_code == exitcodes.FINDINGS
    assert result.stdout == (
        "::error file=deployments/typo.yaml,line=2,col=1,title=BG101::unknown key 'scalling'; expected one "
        "of: access_authorization, bento, canary, cluster, dev, envs, labels, name, secrets, services\n"
        "::warning file=secrets/unused.yaml,line=1,col=1,title=BG504::secret 'unused' is attached by no "
        "deployment\n"
    )
    assert summary.read_text() == (
        "earlier step\n"
        "### bento-gitops validate\n"
        "\n"
        "1 error(s), 1 warning(s) in 4 file(s)\n"
        "\n"
        "| severity | code | location | message |\n"
        "| --- | --- | --- | --- |\n"
        "| error | BG101 | deployments/typo.yaml:2:1 | unknown key 'scalling'; expected one of: "
        "access_authorization, bento, canary, cluster, dev, envs, labels, name, secrets, services |\n"
        "| warning | BG504 | secrets/unused.yaml:1:1 | secret 'unused' is attached by no deployment |\n"
        "\n"
    )


def test_a_clean_run_summarises_without_a_table(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    summary = tmp_path / "step-summary.md"
    env.monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_cli("validate", "-C", str(make_repo(tmp_path / "repo", CLEAN)), "--format", "github")
    assert (result.exit_code, result.stdout) == (0, "")
    assert summary.read_text() == "### bento-gitops validate\n\n0 error(s), 0 warning(s) in 2 file(s)\n\n"


def test_only_the_github_format_writes_the_step_summary(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    repo = make_repo(tmp_path / "repo", FINDINGS)
    summary = tmp_path / "step-summary.md"
    env.monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for output in ("text", "json", "sarif"):
        assert run_cli("validate", "-C", str(repo), "--format", output).exit_code == exitcodes.FINDINGS
    assert not summary.exists()
    env.monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert run_cli("validate", "-C", str(repo), "--format", "github").exit_code == exitcodes.FINDINGS
    assert not summary.exists()


def test_an_unwritable_step_summary_is_an_environment_error(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    env.monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no-such-dir" / "summary.md"))
    result = run_cli("validate", "-C", str(make_repo(tmp_path / "repo", CLEAN)), "--format", "github")
    assert result.exit_code == exitcodes.ENVIRONMENT
    assert "can't append to GITHUB_STEP_SUMMARY" in result.stderr


def test_summary_cells_stay_one_line_and_plain_text() -> None:
    d = Diagnostic(
        "deployments/a|b.yaml", 3, 5, "BG101", Severity.ERROR, "key <b>x</b> | y\nz", environment="prod"
    )
    table_row = github_summary([d], 1).splitlines()[-2]
    assert table_row == (
        "| error | BG101 | deployments/a\\|b.yaml:3:5 | key &lt;b&gt;x&lt;/b&gt; \\| y\\x0az [prod] |"
    )


def test_github_locations_start_at_the_git_top_when_the_repo_is_a_sub_folder(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    mono = tmp_path / "mono"
    make_repo(mono / "infra" / "bento", FINDINGS)
    git(mono, "init", "-q")
    summary = tmp_path / "step-summary.md"
    env.monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_cli("validate", "-C", str(mono / "infra" / "bento"), "--format", "github")
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == [
        "::error file=infra/bento/deployments/typo.yaml",
        "::warning file=infra/bento/secrets/unused.yaml",
    ]
    assert "| warning | BG504 | infra/bento/secrets/unused.yaml:1:1 |" in summary.read_text()
    text = run_cli("validate", "-C", str(mono / "infra" / "bento")).stdout
    assert text.startswith("deployments/typo.yaml:2:1: error BG101")


# --- --select -----------------------------------------------------------------------------------


def _codes(stdout: str) -> list[str]:
    return [line.split()[2] for line in stdout.splitlines() if not line.startswith(" ")]


def test_select_keeps_only_the_named_codes_and_the_exit_status_follows(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    files = {**FINDINGS, "secrets/plain.yaml": "data:\n  API_KEY: sk-plain\n"}
    repo = make_repo(tmp_path / "repo", files, plaintext=("secrets/plain.yaml",))
    everything = run_cli("validate", "-C", str(repo))
    assert _codes(everything.stdout) == ["BG101", "BG201", "BG504"]
    only = run_cli("validate", "-C", str(repo), "--select", "BG201,BG202,BG204")
    assert (only.exit_code, _codes(only.stdout)) == (exitcodes.FINDINGS, ["BG201"])
    assert only.stderr == "1 error(s), 0 warning(s) in 5 files\n"
    warnings = run_cli("validate", "-C", str(repo), "--select", "bg504")
    assert (warnings.exit_code, _codes(warnings.stdout)) == (exitcodes.OK, ["BG504"])
    strict = run_cli("validate", "-C", str(repo), "--select", "BG504", "--strict")
    assert strict.exit_code == exitcodes.FINDINGS
    family = run_cli("validate", "-C", str(repo), "--select", "BG5", "--select", "BG1")
    assert _codes(family.stdout) == ["BG101", "BG504"]
    none = run_cli("validate", "-C", str(repo), "--select", "BG301")
    assert (none.exit_code, none.stdout) == (exitcodes.OK, "")


def test_select_refuses_unknown_codes(env: Env, tmp_path: Path) -> None:
    for given in ("BG999", "XX", "BG201,BG2O2"):
        result = run_cli("validate", "-C", str(tmp_path), "--select", given)
        assert result.exit_code == exitcodes.USAGE
        assert result.stderr.startswith(
            f"bento-gitops: error: --select: {given.split(',')[-1]!r} is no rule code"
        )
        assert "known codes: BG001, BG002" in result.stderr
    empty = run_cli("validate", "-C", str(tmp_path), "--select", ",")
    assert (empty.exit_code, empty.stderr) == (
        exitcodes.USAGE,
        "bento-gitops: error: --select: name at least one rule code, e.g. BG201\n",
    )


def test_select_keeps_a_broken_project_file_a_usage_error(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    repo = make_repo(tmp_path / "repo", {"bento-gitops.yaml": "version: 1\nbogus: 1\n"})
    result = run_cli("validate", "-C", str(repo), "--select", "BG201")
    assert result.exit_code == exitcodes.USAGE
    assert result.stdout.startswith(
        "bento-gitops.yaml:2:1: error BG103"
    )  # why it failed, though not selected


# --- --changed-since ----------------------------------------------------------------------------


def test_changed_since_reports_only_files_changed_or_untracked(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    repo = committed(make_repo(tmp_path / "repo", FINDINGS))
    (repo / "deployments" / "llm.yaml").write_text("bento: llm:v1\nsecrets: [openai, missing]\n")
    (repo / "deployments" / "new.yaml").write_text("bento: new:v1\nacess_authorization: true\n")
    (repo / ".gitignore").write_text("ignored/\n")
    (repo / "ignored").mkdir()
    (repo / "ignored" / "x.yaml").write_text(": :\n")
    everything = run_cli("validate", "-C", str(repo))
    assert _codes(everything.stdout) == ["BG501", "BG101", "BG101", "BG504"]
    changed = run_cli("validate", "-C", str(repo), "--changed-since", "HEAD")
    assert changed.exit_code == exitcodes.FINDINGS
    assert changed.stdout == (
        "deployments/llm.yaml:2:19: error BG501 unknown secret 'missing'\n"
        "deployments/new.yaml:2:1: error BG101 unknown key 'acess_authorization'; "
        "did you mean 'access_authorization'?\n"
    )
    git(repo, "add", "deployments/new.yaml")  # staged counts too
    assert run_cli("validate", "-C", str(repo), "--changed-since", "HEAD").stdout == changed.stdout


def test_changed_since_a_clean_change_passes_despite_old_findings(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    repo = committed(make_repo(tmp_path / "repo", FINDINGS))
    (repo / "deployments" / "llm.yaml").write_text("bento: llm:v2\nsecrets: [openai]\n")
    result = run_cli("validate", "-C", str(repo), "--changed-since", "HEAD")
    assert (result.exit_code, result.stdout) == (exitcodes.OK, "")
    assert result.stderr == "0 error(s), 0 warning(s) in 4 files\n"  # the whole repo is still loaded


def test_changed_since_keeps_findings_whose_related_location_changed(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    files = {**CLEAN, "secrets/team/openai.yaml": "data:\n  OPENAI_API_KEY: sk-other\n"}
    repo = committed(make_repo(tmp_path / "repo", files))
    git(repo, "commit", "-q", "--allow-empty", "-m", "second")
    (repo / "secrets" / "openai.yaml").write_text((repo / "secrets" / "openai.yaml").read_text() + "\n")
    result = run_cli("validate", "-C", str(repo), "--changed-since", "HEAD~1")
    assert result.stdout == (
        "secrets/team/openai.yaml:1:1: error BG502 secret name 'openai' is already defined by "
        "secrets/openai.yaml\n"
        "  secrets/openai.yaml:1:1: note: first defined here\n"
    )


def test_changed_since_and_files_both_filter(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = committed(make_repo(tmp_path / "repo", FINDINGS))
    (repo / "deployments" / "llm.yaml").write_text("bento: llm:v1\nsecrets: [openai, missing]\n")
    (repo / "deployments" / "typo.yaml").write_text("bento: app:v1\nscalling: 2\n")
    args = ("validate", "-C", str(repo), "--changed-since", "HEAD")
    assert _codes(run_cli(*args).stdout) == ["BG501", "BG101"]
    assert _codes(run_cli(*args, str(repo / "deployments" / "typo.yaml")).stdout) == ["BG101"]
    assert _codes(run_cli(*args, str(repo / "secrets" / "unused.yaml")).stdout) == []


def test_changed_since_in_a_sub_folder_of_the_git_repo(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    mono = tmp_path / "mono"
    repo = make_repo(mono / "infra" / "bento", FINDINGS)
    (mono / "deployments").mkdir()
    (mono / "deployments" / "llm.yaml").write_text("not: ours\n")
    committed(mono)
    (mono / "deployments" / "llm.yaml").write_text("changed: outside the repo\n")
    (repo / "deployments" / "llm.yaml").write_text("bento: llm:v1\nsecrets: [openai, missing]\n")
    result = run_cli("validate", "-C", str(repo), "--changed-since", "HEAD")
    assert result.stdout == "deployments/llm.yaml:2:19: error BG501 unknown secret 'missing'\n"
    github = run_cli("validate", "-C", str(repo), "--changed-since", "HEAD", "--format", "github")
    assert github.stdout.startswith("::error file=infra/bento/deployments/llm.yaml,line=2,col=19,title=BG501")


def test_changed_since_an_unknown_revision_or_outside_git_is_a_usage_error(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    plain = make_repo(tmp_path / "plain", CLEAN)
    outside = run_cli("validate", "-C", str(plain), "--changed-since", "HEAD")
    assert outside.exit_code == exitcodes.USAGE
    assert "--changed-since needs a git repository" in outside.stderr
    repo = committed(make_repo(tmp_path / "repo", CLEAN))
    for ref in ("no-such-branch", "--output=/tmp/x"):
        result = run_cli("validate", "-C", str(repo), "--changed-since", ref)
        assert result.exit_code == exitcodes.USAGE
        assert result.stderr.startswith("bento-gitops: error: --changed-since:")
        assert repr(ref) in result.stderr


# --- CI examples, the composite action and the commands they run --------------------------------


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def _cli() -> Any:
    return typer.main.get_command(app)


def _expressions(text: str, inputs: dict[str, str]) -> str:
    """GitHub `${{ … }}`: an action's inputs take their defaults, anything else a placeholder."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        return inputs.get(name.removeprefix("inputs."), "EXPR") if name.startswith("inputs.") else "EXPR"

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def invocations(shell: str) -> Iterator[list[str]]:
    """The argument lists of every `bento-gitops …` in a shell script, up to a redirect or operator."""
    for line in shell.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
        for i, token in enumerate(tokens):
            if token == "bento-gitops":
                words = []
                for word in tokens[i + 1 :]:
                    if word and set(word) <= set(";&|<>()"):
                        break
                    words.append(word)
                yield words


def check_invocation(words: list[str]) -> None:
    """Every option and subcommand exists where it is used, takes its value, and a choice is a choice."""
    command = _cli()
    rest = list(words)
    while True:
        rest = _options(command, rest, stop_at_positional=hasattr(command, "commands"))
        if not hasattr(command, "commands"):
            break
        assert rest, f"bento-gitops {' '.join(words)}: no command"
        name = rest.pop(0)
        assert name in command.commands, f"bento-gitops {' '.join(words)}: no command {name!r}"
        command = command.commands[name]


def _options(command: Any, words: list[str], *, stop_at_positional: bool) -> list[str]:
    options = {opt: p for p in command.params if p.param_type_name == "option" for opt in p.opts}
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    while words:
        word = words[0]
        if not word.startswith("-"):
            if stop_at_positional:
                return words
            assert arguments, f"{command.name} takes no argument {word!r}"
            words = words[1:]
            continue
        name, _, attached = word.partition("=")
        assert name in options, f"{command.name} has no option {name}; it has {sorted(options)}"
        param = options[name]
        words = words[1:]
        if not param.is_flag:
            value = attached or words.pop(0)
            choices = getattr(param.type, "choices", None)
            if choices is not None and value != "EXPR":
                assert value in [str(c) for c in choices], f"{name} {value}: not a choice"
    return words


def _github_runs(workflow: Any) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]


def _gitlab_scripts(pipeline: Any) -> list[str]:
    jobs = [v for v in pipeline.values() if isinstance(v, dict)]
    parts = ("before_script", "script", "after_script")
    return [line for job in jobs for part in parts for line in job.get(part, [])]


def _commands(shell: list[str], inputs: dict[str, str] | None = None) -> list[list[str]]:
    return [words for text in shell for words in invocations(_expressions(text, inputs or {}))]


def test_the_invocation_checker_catches_what_does_not_exist() -> None:
    check_invocation(["-C", "repo", "validate", "--format", "github", "--select=BG201", "a.yaml"])
    check_invocation(["render", "--env", "prod", "--secrets", "values", "--out", "build/prod"])
    for wrong in (
        ["valdate"],
        ["validate", "--formats", "github"],
        ["validate", "--format", "markdown"],
        ["render", "--secret", "values"],
        ["explain", "--strict", "BG201"],
    ):
        with pytest.raises(AssertionError):
            check_invocation(wrong)
    assert list(invocations("bento-gitops validate -f sarif > x.sarif || [ $? -eq 1 ] # note")) == [
        ["validate", "-f", "sarif"]
    ]


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (CI / "github-workflow.yml", "vendor.github-workflows"),
        (CI / "gitlab-ci.yml", "vendor.gitlab-ci"),
        (ROOT / "action.yml", "vendor.github-actions"),
    ],
    ids=["github-workflow", "gitlab-ci", "action"],
)
def test_ci_files_pass_their_platform_schema(path: Path, schema: str) -> None:
    tool = BIN / "check-jsonschema"
    proc = subprocess.run(
        [str(tool), "--builtin-schema", schema, str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_github_workflow_runs_pre_commit_checks_pull_requests_and_releases() -> None:
    workflow = _load(CI / "github-workflow.yml")
    jobs = workflow["jobs"]
    assert set(jobs) == {"pre-commit", "pull-request", "release"}
    assert any(
        "pre-commit run --all-files" in run for run in _github_runs({"jobs": {"j": jobs["pre-commit"]}})
    )
    pr = _commands(_github_runs({"jobs": {"j": jobs["pull-request"]}}))
    assert ["validate", "--format", "github"] in pr
    assert ["validate", "--format", "sarif"] in pr
    assert ["plan", "--base", "EXPR", "--format", "markdown"] in pr
    uses = [step.get("uses", "") for step in jobs["pull-request"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert jobs["pull-request"]["permissions"]["security-events"] == "write"
    release = jobs["release"]
    render = next(step for step in release["steps"] if "bento-gitops render" in step.get("run", ""))
    assert render["env"] == {"SOPS_AGE_KEY": "${{ secrets.SOPS_AGE_KEY }}"}
    assert ["render", "--env", "prod", "--secrets", "values", "--out", "build/prod"] in _commands(
        [render["run"]]
    )
    assert not any("upload-artifact" in step.get("uses", "") for step in release["steps"])


def test_gitlab_pipeline_is_the_same_pipeline() -> None:
    pipeline = _load(CI / "gitlab-ci.yml")
    assert {"pre-commit", "validate", "plan", "release"} <= set(pipeline)
    assert "pre-commit run --all-files --show-diff-on-failure" in pipeline["pre-commit"]["script"]
    commands = _commands(_gitlab_scripts(pipeline))
    assert ["plan", "--base", "$CI_MERGE_REQUEST_DIFF_BASE_SHA", "--format", "markdown"] in commands
    assert ["render", "--env", "prod", "--secrets", "values", "--out", "build/prod"] in commands
    assert "build" not in str(pipeline["release"].get("artifacts", {}))


@pytest.mark.parametrize("name", ["github-workflow.yml", "gitlab-ci.yml"])
def test_every_command_the_examples_run_exists_with_those_options(name: str) -> None:
    document = _load(CI / name)
    shell = _github_runs(document) if "jobs" in document else _gitlab_scripts(document)
    commands = _commands(shell)
    assert len(commands) >= 4
    for words in commands:
        check_invocation(words)


def test_the_action_installs_the_tool_and_runs_the_given_command() -> None:
    action = _load(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    assert inputs["command"] == "validate"
    assert {"command", "args", "version", "python-version"} <= set(inputs)
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    install = steps[1]
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert "pip install" in install["run"] and "${REQUIREMENT:-$ACTION_PATH}" in install["run"]
    runs = [step["run"] for step in steps if "run" in step]
    assert _commands(runs, inputs) == [["validate"]]
    for args in ("--format github", "--format sarif --select BG2", "-C infra/bento --changed-since main"):
        for words in _commands(runs, {**inputs, "args": args}):
            check_invocation(words)
    assert all(step.get("shell") == "bash" for step in steps if "run" in step)


def test_the_action_installs_from_its_own_checkout_by_default(tmp_path: Path) -> None:
    """What the install step runs, in bash, with the action's inputs left at their defaults."""
    action = _load(ROOT / "action.yml")
    run = action["runs"]["steps"][1]["run"].replace("python -m pip", "echo")
    proc = subprocess.run(
        ["bash", "-c", run],
        env={"REQUIREMENT": "", "ACTION_PATH": "/actions/bento-gitops", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.split()[-1] == "/actions/bento-gitops"
    pinned = subprocess.run(
        ["bash", "-c", run],
        env={"REQUIREMENT": "bento-gitops==0.1.0", "ACTION_PATH": "/a", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert pinned.stdout.split()[-1] == "bento-gitops==0.1.0"
