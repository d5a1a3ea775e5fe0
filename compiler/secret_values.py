"""Secret values from the command line, read as `bentoml secret create` reads them.

`KEY=VALUE` splits on the first `=`; `KEY=@path` reads a file whole (path with `~` and `$VAR`
expanded, relative to the current directory); `KEY=-` reads stdin (once; one trailing newline
dropped, as `echo` adds it); `--from-env-file` reads dotenv files. Unlike BentoML, a key given
twice (in the arguments, or in an argument and a file) is an error rather than sent twice.
Messages name arguments by position and keys by name, never by value.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from compiler.dotenv import DotenvError, parse_dotenv
from compiler.errors import UsageError
from compiler.redacted import SecretValue

ReadStdin = Callable[[], str]


@dataclass(frozen=True)
class ValueInput:
    """What the user gave: positional KEY=... arguments and dotenv files."""

    pairs: tuple[str, ...] = ()
    env_files: tuple[Path, ...] = ()
    read_stdin: ReadStdin | None = field(default=None, compare=False)


def split_assignment(text: str, what: str) -> tuple[str, str]:
    """`KEY=rest` split on the first `=`; `what` names the argument in errors (never its text)."""
    key, sep, rest = text.partition("=")
    if not sep:
        raise UsageError(f"{what} is not KEY=VALUE (no '=')")
    if not key:
        raise UsageError(f"{what} has an empty key")
    return key, rest


def _read_file(key: str, spec: str) -> str:
    path = Path(os.path.expanduser(os.path.expandvars(spec)))
    if not path.is_file():
        raise UsageError(f"value of {key}: {path} is not a file")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"value of {key}: {path} is not UTF-8 text") from None
    except OSError as err:
        raise UsageError(f"value of {key}: cannot read {path}: {err.strerror}") from None


class _Stdin:
    def __init__(self, read: ReadStdin | None) -> None:
        self.read = read
        self.used_by: str | None = None

    def take(self, key: str) -> str:
        if self.used_by is not None:
            raise UsageError(f"{key}=- : stdin is already the value of {self.used_by}; it can be read once")
        if self.read is None:
            raise UsageError(f"{key}=- : no stdin to read")
        self.used_by = key
        try:
            text = self.read()
        except UnicodeDecodeError:
            raise UsageError(f"{key}=- : stdin is not UTF-8 text") from None
        return text[:-2] if text.endswith("\r\n") else text.removesuffix("\n")


def _argument_value(key: str, rest: str, stdin: _Stdin) -> str:
    if rest == "-":
        return stdin.take(key)
    if rest.startswith("@") and len(rest) > 1:
        return _read_file(key, rest[1:])
    return rest


def _add(found: dict[str, tuple[SecretValue, str]], key: str, value: str, where: str) -> None:
    if key in found:
        raise UsageError(f"key {key} is given twice ({found[key][1]} and {where})")
    if value == "":
        raise UsageError(f"empty value for {key} ({where})")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in an argument (surrogate escapes)
        raise UsageError(f"value of {key} ({where}) is not UTF-8 text") from None
    found[key] = (SecretValue(value), where)


def _env_file(path: Path, environ: Mapping[str, str]) -> list[tuple[str, SecretValue, int]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise UsageError(f"--from-env-file {path}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--from-env-file {path}: not UTF-8 text") from None
    try:
        return [(e.key, e.value, e.line) for e in parse_dotenv(text, environ)]
    except DotenvError as err:
        raise UsageError(f"--from-env-file {path}: {err}") from None


def read_values(given: ValueInput, environ: Mapping[str, str] | None = None) -> dict[str, SecretValue]:
    """The values, keyed in the order given: arguments first, then each dotenv file."""
    env = os.environ if environ is None else environ
    found: dict[str, tuple[SecretValue, str]] = {}
    stdin = _Stdin(given.read_stdin)
    for index, pair in enumerate(given.pairs, start=1):
        where = f"argument {index} after the secret name"
        key, rest = split_assignment(pair, where)
        _add(found, key, _argument_value(key, rest, stdin), where)
    for path in given.env_files:
        for key, value, line in _env_file(path, env):
            _add(found, key, value.reveal(), f"{path} line {line}")
    return {key: value for key, (value, _) in found.items()}


def parse_sub_paths(items: Sequence[str]) -> dict[str, str]:
    """`--sub-path KEY=P` options, each key once."""
    found: dict[str, str] = {}
    for index, item in enumerate(items, start=1):
        key, path = split_assignment(item, f"--sub-path {index}")
        if key in found:
            raise UsageError(f"--sub-path for {key} is given twice")
        found[key] = path
    return found
