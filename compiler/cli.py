"""The command line: parse, build an options record, call the core, return its exit code.

Commands live in `compiler/commands/`, one module per group, registered below in order.
"""

from __future__ import annotations

import gc
import signal
from typing import Annotated

import typer

from compiler import __version__
from compiler.commands import check, init, plan, render, secret
from compiler.commands.common import RepoOption
from compiler.errors import raise_terminated

app = typer.Typer(
    name="bento-gitops",
    help="A GitOps config compiler for BentoCloud deployments and SOPS-encrypted secrets.",
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


for _module in (check, render, plan, secret, init):
    _module.register(app)


def main() -> int:
    signal.signal(signal.SIGTERM, raise_terminated)
    # A run builds many small objects and frees them by reference counting; the cyclic collector
    # would rescan them over and over (about 15 % of a large validate). Collect rarely instead.
    gc.set_threshold(100_000, 50, 50)
    try:
        app(prog_name="bento-gitops")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 2)
    return 0


__all__ = ["app", "main"]
