"""init: a new repo with a project file, .sops.yaml, an age key pair and an example."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from compiler import exitcodes
from compiler.commands.common import RepoOption, SopsOption, finish


def init_command(
    ctx: typer.Context,
    directory: Annotated[
        Optional[Path],
        typer.Argument(
            help="Where (default: -C DIR, else the current directory).", metavar="DIR", show_default=False
        ),
    ] = None,
    age_recipient: Annotated[
        Optional[str],
        typer.Option(
            "--age-recipient",
            metavar="AGE1...",
            help="Encrypt for this existing age public key; generate none.",
        ),
    ] = None,
    repo: RepoOption = None,
    sops: SopsOption = None,
) -> None:
    """Write a new repo (refuses a non-empty directory) and append a new age key where sops finds it."""

    def run() -> int:
        from compiler.init_repo import InitOptions, init
        from compiler.report import text
        from compiler.secret_report import initialized

        base = repo or (ctx.find_root().obj or {}).get("repo") or Path.cwd()
        result = init(InitOptions(base / directory if directory else base, age_recipient, sops))
        sys.stdout.write(initialized(result))
        sys.stderr.write(text(list(result.diagnostics), len(result.files)))
        return exitcodes.FINDINGS if result.diagnostics else exitcodes.OK

    finish(run)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command("init")(init_command)
