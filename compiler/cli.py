"""The command line: parse, build an options record, call the core, return its exit code."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from compiler import __version__
from compiler.decrypt import DecryptMode
from compiler.errors import UsageError, guarded
from compiler.report import REPORTERS, text_summary
from compiler.rules import RULES, documentation
from compiler.schema import SCHEMA_KINDS, load_schema
from compiler.validate import ValidateOptions, validate

app = typer.Typer(
    name="bento-gitops",
    help="A GitOps config compiler for BentoCloud deployments and SOPS-encrypted secrets.",
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"


RepoOption = Annotated[
    Optional[Path],
    typer.Option(
        "-C",
        "--repo",
        help="Work on the repo at DIR (default: the current directory).",
        metavar="DIR",
        show_default=False,
    ),
]


def _repo(ctx: typer.Context, repo: Path | None) -> Path:
    chosen = repo or (ctx.obj or {}).get("repo") or Path.cwd()
    if not chosen.is_dir():
        raise UsageError(f"{chosen} is not a directory")
    return Path(chosen)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bento-gitops {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    repo: RepoOption = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = {"repo": repo}


@app.command("validate")
def validate_command(
    ctx: typer.Context,
    files: Annotated[
        Optional[list[str]],
        typer.Argument(help="Report only findings in or about these files.", show_default=False),
    ] = None,
    repo: RepoOption = None,
    env: Annotated[Optional[str], typer.Option("--env", help="Check one environment only.")] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the run too.")] = False,
    decrypt: Annotated[
        DecryptMode,
        typer.Option(
            "--decrypt", help="auto: only where a rule needs values and a key is here; always: every secret."
        ),
    ] = DecryptMode.AUTO,
    sops: Annotated[
        Optional[str],
        typer.Option(
            "--sops",
            envvar="BENTO_GITOPS_SOPS",
            metavar="PATH",
            help="The sops binary (default: the bundled one).",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary line.")] = False,
) -> None:
    """Check every file against its schema, the encryption rules and the cross-file rules."""

    def run() -> int:
        options = ValidateOptions(_repo(ctx, repo), tuple(files or ()), env, decrypt, strict, sops)
        outcome = validate(options)
        sys.stdout.write(REPORTERS[output.value](outcome.diagnostics, outcome.files))
        if output is Format.text and not quiet:
            sys.stderr.write(text_summary(outcome.diagnostics, outcome.files))
        return outcome.exit_code

    raise typer.Exit(guarded(run))


@app.command("explain")
def explain_command(code: Annotated[str, typer.Argument(help="A rule code such as BG301.")]) -> None:
    """Print what a rule means and how to fix what it finds."""

    def run() -> int:
        text = documentation(code)
        if text is None:
            raise UsageError(f"unknown rule code {code!r}; known codes: {', '.join(sorted(RULES))}")
        sys.stdout.write(text)
        return 0

    raise typer.Exit(guarded(run))


@app.command("schema")
def schema_command(kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(SCHEMA_KINDS)}.")]) -> None:
    """Print a JSON Schema, for editors and other tools."""

    def run() -> int:
        if kind not in SCHEMA_KINDS:
            raise UsageError(f"unknown schema {kind!r}; choose one of: {', '.join(SCHEMA_KINDS)}")
        sys.stdout.write(json.dumps(load_schema(kind), indent=2) + "\n")
        return 0

    raise typer.Exit(guarded(run))


def main() -> int:
    try:
        app(prog_name="bento-gitops")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 2)
    return 0
