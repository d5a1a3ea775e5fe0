"""secret create, set, unset, edit, list, show, templates: the secret lifecycle from the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from compiler import exitcodes
from compiler.commands.common import RepoOption, SopsOption, finish, repo_dir


class Format(str, Enum):
    text = "text"
    json = "json"


class SecretType(str, Enum):
    env = "env"
    file = "file"


class Stage(str, Enum):
    build = "build"
    runtime = "runtime"
    all = "all"


PairsArgument = Annotated[
    Optional[list[str]],
    typer.Argument(
        help="KEY=VALUE, KEY=@file (the file's content) or KEY=- (stdin, once).",
        metavar="KEY=VALUE",
        show_default=False,
    ),
]
EnvFileOption = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--from-env-file",
        metavar="FILE",
        help="Read KEY=VALUE lines from a dotenv file (repeatable).",
        show_default=False,
    ),
]
NameArgument = Annotated[str, typer.Argument(help="The secret's name (a DNS-1123 label).", metavar="NAME")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
SecretEnvOption = Annotated[
    Optional[str],
    typer.Option("--env", help="The secret of environments/E/secrets/ instead of the base one.", metavar="E"),
]

secret_app = typer.Typer(
    name="secret",
    help="Create, change and inspect SOPS-encrypted secrets; never shows a value.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _refusable(body: Callable[[], int]) -> Callable[[], int]:
    """A refused change is exit 1 with its reasons on stderr."""

    def run() -> int:
        from compiler.secret_files import Refused
        from compiler.secret_report import refused

        try:
            return body()
        except Refused as err:
            sys.stderr.write(refused(err))
            return exitcodes.FINDINGS

    return run


def _read_stdin() -> str:
    return sys.stdin.read()


@secret_app.command("create")
def create_command(
    ctx: typer.Context,
    name: NameArgument,
    pairs: PairsArgument = None,
    from_env_file: EnvFileOption = None,
    kind: Annotated[
        Optional[SecretType], typer.Option("--type", "-t", help="Mount as env variables or files.")
    ] = None,
    path: Annotated[
        Optional[str], typer.Option("--path", "-p", metavar="DIR", help="File secrets: the mount directory.")
    ] = None,
    sub_path: Annotated[
        Optional[list[str]],
        typer.Option("--sub-path", metavar="KEY=PATH", help="File secrets: KEY=SUB/PATH (repeatable)."),
    ] = None,
    stage: Annotated[Optional[Stage], typer.Option("--stage", "-s", help="Default: runtime.")] = None,
    description: Annotated[
        Optional[str], typer.Option("--description", "-d", metavar="TEXT", help="Free text.")
    ] = None,
    template: Annotated[
        Optional[str], typer.Option("--template", metavar="NAME", help="See `secret templates`.")
    ] = None,
    env: SecretEnvOption = None,
    repo: RepoOption = None,
    sops: SopsOption = None,
) -> None:
    """Write secrets/NAME.yaml, encrypted through the repo's .sops.yaml (never overwrites)."""

    def run() -> int:
        from compiler.secret_edit import CreateOptions, create
        from compiler.secret_report import created
        from compiler.secret_values import ValueInput

        values = ValueInput(tuple(pairs or ()), tuple(from_env_file or ()), _read_stdin)
        options = CreateOptions(
            repo=repo_dir(ctx, repo),
            name=name,
            values=values,
            type=kind.value if kind else None,
            path=path,
            sub_paths=tuple(sub_path or ()),
            stage=stage.value if stage else None,
            description=description,
            template=template,
            environment=env,
            sops=sops,
        )
        sys.stdout.write(created(create(options)))
        return exitcodes.OK

    finish(_refusable(run))


@secret_app.command("set")
def set_command(
    ctx: typer.Context,
    name: NameArgument,
    pairs: PairsArgument = None,
    from_env_file: EnvFileOption = None,
    env: SecretEnvOption = None,
    repo: RepoOption = None,
    sops: SopsOption = None,
) -> None:
    """Set keys to new values (or add keys); say which deployments need a restart or a recreate."""

    def run() -> int:
        from compiler.secret_edit import ChangeOptions, set_values
        from compiler.secret_report import changed
        from compiler.secret_values import ValueInput

        values = ValueInput(tuple(pairs or ()), tuple(from_env_file or ()), _read_stdin)
        result = set_values(ChangeOptions(repo_dir(ctx, repo), name, env, sops), values)
        sys.stdout.write(changed(name, result))
        return exitcodes.OK

    finish(_refusable(run))


@secret_app.command("unset")
def unset_command(
    ctx: typer.Context,
    name: NameArgument,
    keys: Annotated[list[str], typer.Argument(help="The keys to remove.", metavar="KEY")],
    env: SecretEnvOption = None,
    repo: RepoOption = None,
    sops: SopsOption = None,
) -> None:
    """Remove keys (and their sub paths); say which deployments need a recreate."""

    def run() -> int:
        from compiler.secret_edit import ChangeOptions, unset_keys
        from compiler.secret_report import changed

        result = unset_keys(ChangeOptions(repo_dir(ctx, repo), name, env, sops), tuple(keys))
        sys.stdout.write(changed(name, result))
        return exitcodes.OK

    finish(_refusable(run))


@secret_app.command("edit")
def edit_command(
    ctx: typer.Context,
    name: NameArgument,
    env: SecretEnvOption = None,
    repo: RepoOption = None,
    sops: SopsOption = None,
) -> None:
    """Open the secret in $EDITOR through `sops edit`, then validate it and say what the edit costs."""

    def run() -> int:
        from compiler.secret_edit import ChangeOptions, edit
        from compiler.secret_report import changed, edit_problems

        result = edit(ChangeOptions(repo_dir(ctx, repo), name, env, sops))
        sys.stdout.write(changed(name, result))
        sys.stderr.write(edit_problems(result))
        return exitcodes.FINDINGS if result.problems else exitcodes.OK

    finish(_refusable(run))


@secret_app.command("list")
def list_command(ctx: typer.Context, output: FormatOption = Format.text, repo: RepoOption = None) -> None:
    """A table of the secrets: name, type, stage, keys, mount path, deployments using it."""

    def run() -> int:
        from compiler.secret_info import list_secrets
        from compiler.secret_report import listing_json, listing_text, skipped_note

        listing = list_secrets(repo_dir(ctx, repo))
        sys.stdout.write(listing_json(listing) if output is Format.json else listing_text(listing))
        sys.stderr.write(skipped_note(listing))
        return exitcodes.OK

    finish(run)


@secret_app.command("show")
def show_command(
    ctx: typer.Context, name: NameArgument, output: FormatOption = Format.text, repo: RepoOption = None
) -> None:
    """One secret: keys, where file keys land, description, template, users per environment."""

    def run() -> int:
        from compiler.secret_info import show_secret
        from compiler.secret_report import listing_json, show_text, skipped_note

        listing = show_secret(repo_dir(ctx, repo), name)
        sys.stdout.write(listing_json(listing) if output is Format.json else show_text(listing))
        sys.stderr.write(skipped_note(listing))
        return exitcodes.OK

    finish(run)


@secret_app.command("templates")
def templates_command(output: FormatOption = Format.text) -> None:
    """The secret templates: keys each requires (optional ones in brackets), type, description."""

    def run() -> int:
        from compiler.secret_report import templates_json, templates_text
        from compiler.secret_templates import templates

        known = list(templates().values())
        sys.stdout.write(templates_json(known) if output is Format.json else templates_text(known))
        return exitcodes.OK

    finish(run)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.add_typer(secret_app, name="secret")
