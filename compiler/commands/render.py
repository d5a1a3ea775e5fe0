"""render: write the final manifests of one environment."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from compiler.commands.check import Format
from compiler.commands.common import (
    EnvOption,
    QuietOption,
    RepoOption,
    SopsOption,
    StrictOption,
    finish,
    repo_dir,
)
from compiler.modes import SecretsMode


def render_command(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output directory (replaced whole).", metavar="DIR")
    ],
    repo: RepoOption = None,
    env: EnvOption = None,
    target: Annotated[
        str, typer.Option("--target", "-t", help="bentocloud, kubernetes, or templates/<target>.")
    ] = "bentocloud",
    secrets: Annotated[
        SecretsMode, typer.Option("--secrets", help="Secret values in the output: values, redacted or none.")
    ] = SecretsMode.REDACTED,
    output: Annotated[Format, typer.Option("--format", "-f", help="How to report findings.")] = Format.text,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an --out directory that is not a previous render.")
    ] = False,
    strict: StrictOption = False,
    sops: SopsOption = None,
    quiet: QuietOption = False,
) -> None:
    """Validate, then write the final manifests of one environment: all of them, or nothing."""

    def run() -> int:
        from compiler.render.pipeline import RenderOptions, render
        from compiler.report import REPORTERS, text, text_summary

        options = RenderOptions(repo_dir(ctx, repo), out, env, target, secrets, force, strict, sops)
        outcome = render(options)
        if output is not Format.text:
            sys.stdout.write(REPORTERS[output.value](outcome.diagnostics, len(outcome.files)))
            return outcome.exit_code
        sys.stderr.write(text(outcome.diagnostics, 0))
        if not quiet and outcome.files:
            sys.stderr.write(f"rendered {len(outcome.files)} files into {out}\n")
        elif not quiet and outcome.exit_code:
            sys.stderr.write(
                text_summary(outcome.diagnostics, 0).replace(" in 0 files", "") + "nothing rendered\n"
            )
        return outcome.exit_code

    finish(run)


def register(app: typer.Typer) -> None:
    app.command("render")(render_command)
