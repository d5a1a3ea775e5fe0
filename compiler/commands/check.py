"""validate, explain, schema: the commands that read a repo and report."""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from compiler import exitcodes
from compiler.commands.common import (
    DecryptOption,
    EnvOption,
    NoCacheOption,
    QuietOption,
    RepoOption,
    SopsOption,
    StrictOption,
    finish,
    repo_dir,
)
from compiler.diagnostics import Diagnostic, has_errors
from compiler.errors import EnvironmentProblem, UsageError
from compiler.modes import DecryptMode

if TYPE_CHECKING:
    from compiler.validate import Outcome


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


SelectOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--select",
        metavar="CODES",
        help="Report only these rule codes or code prefixes, comma-separated (BG201,BG204 or BG2); "
        "the exit status counts only them.",
        show_default=False,
    ),
]
ChangedSinceOption = Annotated[
    Optional[str],
    typer.Option(
        "--changed-since",
        metavar="REF",
        help="Report only findings in or about files changed since the git revision REF, or untracked.",
        show_default=False,
    ),
]


def _selected(select: list[str] | None) -> tuple[str, ...]:
    """The codes or prefixes --select names, checked against the catalogue; () keeps every code."""
    from compiler.rules import RULES

    if select is None:
        return ()
    wanted = tuple(p.strip().upper() for given in select for p in given.split(",") if p.strip())
    if not wanted:
        raise UsageError("--select: name at least one rule code, e.g. BG201")
    unknown = [w for w in wanted if not any(code.startswith(w) for code in RULES)]
    if unknown:
        raise UsageError(f"--select: {unknown[0]!r} is no rule code; known codes: {', '.join(sorted(RULES))}")
    return wanted


def _narrowed(
    outcome: Outcome, select: tuple[str, ...], changed: set[str] | None, strict: bool
) -> tuple[list[Diagnostic], int]:
    """The findings --select and --changed-since keep, and the exit status they make."""
    from compiler.changed import about

    if outcome.exit_code not in (exitcodes.OK, exitcodes.FINDINGS):
        return outcome.diagnostics, outcome.exit_code  # a broken project file or no key: show why
    kept = [
        d
        for d in outcome.diagnostics
        if (not select or d.code.startswith(select)) and (changed is None or about(d, changed))
    ]
    if not select and changed is None:
        return kept, outcome.exit_code
    failing = has_errors(kept) or (strict and bool(kept))
    return kept, exitcodes.FINDINGS if failing else exitcodes.OK


def _append_step_summary(markdown: str) -> None:
    """GitHub Actions shows what a step appends to the file `$GITHUB_STEP_SUMMARY` names."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as summary:
            summary.write(markdown)
    except OSError as err:
        raise EnvironmentProblem(f"can't append to GITHUB_STEP_SUMMARY {path}: {err.strerror}") from None


def _report(root: Path, diagnostics: list[Diagnostic], files: int, output: Format, quiet: bool) -> None:
    from compiler.changed import from_git_top, git_prefix
    from compiler.report import REPORTERS, github_summary, text_summary

    if output in (Format.github, Format.sarif):  # GitHub places annotations from the top of the git tree
        diagnostics = from_git_top(diagnostics, git_prefix(root) or "")
    sys.stdout.write(REPORTERS[output.value](diagnostics, files))
    if output is Format.text and not quiet:
        sys.stderr.write(text_summary(diagnostics, files))
    if output is Format.github:
        _append_step_summary(github_summary(diagnostics, files))


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
    select: SelectOption = None,
    changed_since: ChangedSinceOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Check every file against its schema, the encryption rules and the cross-file rules."""

    def run() -> int:
        from compiler.changed import changed_since as changed_files
        from compiler.validate import ValidateOptions, validate

        root = repo_dir(ctx, repo)
        codes = _selected(select)
        changed = changed_files(root, changed_since) if changed_since is not None else None
        options = ValidateOptions(
            root, tuple(files or ()), env, decrypt, strict, sops, cache=not no_cache, reuse_results=True
        )
        outcome = validate(options)
        diagnostics, exit_code = _narrowed(outcome, codes, changed, strict)
        _report(root, diagnostics, outcome.files, output, quiet)
        return exit_code

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
