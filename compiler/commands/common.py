"""Options and helpers every command shares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from compiler.errors import UsageError, guarded
from compiler.modes import DecryptMode

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
EnvOption = Annotated[Optional[str], typer.Option("--env", help="One environment only.")]
SopsOption = Annotated[
    Optional[str],
    typer.Option(
        "--sops",
        envvar="BENTO_GITOPS_SOPS",
        metavar="PATH",
        help="The sops binary (default: the bundled one).",
    ),
]
DecryptOption = Annotated[
    DecryptMode,
    typer.Option(
        "--decrypt", help="auto: only where a rule needs values and a key is here; always: every secret."
    ),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Warnings fail the run too.")]
QuietOption = Annotated[bool, typer.Option("-q", "--quiet", help="No summary line.")]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="Neither read nor write the content cache ($XDG_CACHE_HOME/bento-gitops)."
    ),
]


def repo_dir(ctx: typer.Context, repo: Path | None) -> Path:
    """The repo: this command's -C, else the one given before the command, else the cwd."""
    chosen = repo or (ctx.find_root().obj or {}).get("repo") or Path.cwd()
    if not chosen.is_dir():
        raise UsageError(f"{chosen} is not a directory")
    return Path(chosen)


def finish(action: Callable[[], int]) -> NoReturn:
    """Run a command's body under the one error handler and exit with its code."""
    raise typer.Exit(guarded(action))
