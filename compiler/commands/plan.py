"""plan: what merging a change will create, update, restart, re-create and delete (DESIGN 5)."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from compiler.commands.common import EnvOption, RepoOption, SopsOption, finish, repo_dir


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def plan_command(
    ctx: typer.Context,
    base: Annotated[
        str, typer.Option("--base", help="The revision the change merges into, e.g. main.", metavar="REF")
    ],
    head: Annotated[
        Optional[str],
        typer.Option(
            "--head",
            help="The revision to merge (default: the work tree).",
            metavar="REF",
            show_default=False,
        ),
    ] = None,
    repo: RepoOption = None,
    env: EnvOption = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when the plan is not empty.")
    ] = False,
    sops: SopsOption = None,
) -> None:
    """Show what merging HEAD into BASE would do to every deployment, per environment."""

    def run() -> int:
        from compiler.plan import PlanOptions, plan
        from compiler.plan_report import FORMATS
        from compiler.report import text

        outcome = plan(PlanOptions(repo_dir(ctx, repo), base, head, env, exit_code, sops))
        sys.stderr.write("".join(f"bento-gitops: warning: {w}\n" for w in outcome.warnings))
        if outcome.plan is None:
            sys.stderr.write(text(outcome.diagnostics, 0))
            sys.stderr.write("bento-gitops: the head has errors; fix them before planning\n")
            return outcome.exit_code
        sys.stdout.write(FORMATS[output.value](outcome.plan))
        return outcome.exit_code

    finish(run)


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
