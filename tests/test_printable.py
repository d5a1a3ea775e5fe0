"""Repo text printed by every command stays on its line: no forged lines, no crash on odd names."""

from __future__ import annotations

from pathlib import Path

from compiler.plan.records import EnvironmentPlan, Plan, Step, Target, Verb
from compiler.plan_report import FORMATS
from compiler.printable import printable
from tests.conftest import Env, RepoBuilder, run_cli

FORGED = "::error file=README.md,line=1::forged"


def test_printable_escapes_control_characters_and_undecodable_bytes() -> None:
    assert printable("a\nb\r\tc\x1b[31m") == "a\\x0ab\\x0d\\x09c\\x1b[31m"
    assert printable("caf\udce9") == "caf\\xe9"
    assert printable("plain näme") == "plain näme"


def test_secret_list_keeps_a_hostile_name_on_its_line(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    files = {
        "secrets/odd.yaml": f'name: "odd\\n{FORGED}"\ndata:\n  API_KEY: sk-example\n',
        "deployments/app.yaml": "bento: app:v1\n",
    }
    result = run_cli("secret", "list", "-C", str(make_repo(tmp_path / "repo", files)))
    assert not any(line.startswith("::") for line in result.stdout.splitlines())
    assert FORGED in result.stdout.replace("\\x0a", "\n").replace("\n", " ")


def test_plan_reports_keep_names_and_reasons_on_their_lines() -> None:
    step = Step(Target.DEPLOYMENT, f"app\n{FORGED}", Verb.UPDATE, (f"bento: a → b\n{FORGED}",))
    plan = Plan("a" * 40, None, "main", None, (EnvironmentPlan("prod", (step,)),))
    for name, report in FORMATS.items():
        lines = report(plan).splitlines()
        assert not any(line.lstrip().startswith("::") for line in lines), name
