"""validate, explain, schema: the commands that read a repo and report."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from compiler.commands.common import (
    DecryptOption,
    EnvOption,
    QuietOption,
    RepoOption,
    SopsOption,
    StrictOption,
    finish,
    repo_dir,
)
from compiler.decrypt import DecryptMode
from compiler.errors import UsageError


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def validate_command(
    ctx: typer.Context,
    files: Annotated[
        Optional[list[str]],
        typer.Argument(help="Report only findings in or about these files.", show_default=False),
    ] = None,
    repo: RepoOption = None,
    env: EnvOption = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    strict: StrictOption = False,
    decrypt: DecryptOption = DecryptMode.AUTO,
    sops: SopsOption = None,
    quiet: QuietOption = False,
) -> None:
    """Check every file against its schema, the encryption rules and the cross-file rules."""

    def run() -> int:
        from compiler.report import REPORTERS, text_summary
        from compiler.validate import ValidateOptions, validate

        options = ValidateOptions(repo_dir(ctx, repo), tuple(files or ()), env, decrypt, strict, sops)
        outcome = validate(options)
        sys.stdout.write(REPORTERS[output.value](outcome.diagnostics, outcome.files))
        if output is Format.text and not quiet:
            sys.stderr.write(text_summary(outcome.diagnostics, outcome.files))
        return outcome.exit_code

    finish(run)


def explain_command(code: Annotated[str, typer.Argument(help="A rule code such as BG301.")]) -> None:
    """Print what a rule means and how to fix what it finds."""

    def run() -> int:
        from compiler.rules import RULES, documentation

        text = documentation(code)
        if text is None:
            raise UsageError(f"unknown rule code {code!r}; known codes: {', '.join(sorted(RULES))}")
        sys.stdout.write(text)
        return 0

    finish(run)


SCHEMA_KINDS = ("deployment", "secret", "project", "overlay")


def schema_command(kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(SCHEMA_KINDS)}.")]) -> None:
    """Print a JSON Schema, for editors and other tools."""

    def run() -> int:
        from compiler.schema import load_schema

        if kind not in SCHEMA_KINDS:
            raise UsageError(f"unknown schema {kind!r}; choose one of: {', '.join(SCHEMA_KINDS)}")
        sys.stdout.write(json.dumps(load_schema(kind), indent=2) + "\n")
        return 0

    finish(run)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
    app.command("explain")(explain_command)
    app.command("schema")(schema_command)
