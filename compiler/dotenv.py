"""Dotenv files read as `bentoml secret create --from-file` reads them, values kept secret.

The grammar is BentoML's (a port of django-dotenv): an optional `export `, a key of `[\\w.]+`,
`=` (or `: `), a value that is single-quoted (taken literally), double-quoted (backslash
escapes removed, `$VAR` expanded) or bare (ends at `#`, `$VAR` expanded), an optional
comment. `$VAR` and `${VAR}` expand from keys earlier in the file, else the environment;
`\\$VAR` stays as written. Unlike BentoML, a key given twice and a line that does not parse
are errors (BentoML keeps the last value and skips the line with a warning that prints it).
Errors name the line number, never its text: it may hold a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from compiler.redacted import SecretValue

_LINE = re.compile(
    r"""
    ^
    (?:export\s+)?      # optional export
    ([\w\.]+)           # key
    (?:\s*=\s*|:\s+?)   # separator
    (                   # optional value begin
        '(?:\'|[^'])*'  #   single quoted value
        |               #   or
        "(?:\"|[^"])*"  #   double quoted value
        |               #   or
        [^#\n]+         #   unquoted value
    )?                  # value end
    (?:\s*\#.*)?        # optional comment
    $
    """,
    re.VERBOSE,
)
_VARIABLE = re.compile(
    r"""
    (\\)?               # escaped with a backslash?
    (\$)                # literal $
    (\{?([A-Z0-9_]+)\}?)  # the variable, optionally in braces
    """,
    re.IGNORECASE | re.VERBOSE,
)
_QUOTED = re.compile(r"""^(['"])(.*)\1$""", re.S)
_BLANK = re.compile(r"^\s*(?:#.*)?$")


class DotenvError(Exception):
    """A dotenv file that can't be read as BentoML reads it; the message holds no value."""


@dataclass(frozen=True)
class Entry:
    key: str
    value: SecretValue
    line: int


def _expand(value: str, known: Mapping[str, str], environ: Mapping[str, str]) -> str:
    for escaped, dollar, written, name in _VARIABLE.findall(value):
        replacement = f"{dollar}{written}" if escaped else known.get(name, environ.get(name, ""))
        value = value.replace(f"{escaped}{dollar}{written}", replacement)
    return value


def _value(raw: str | None, known: Mapping[str, str], environ: Mapping[str, str]) -> str:
    value = (raw or "").strip()
    quoted = _QUOTED.match(value)
    quote = quoted.group(1) if quoted else None
    if quoted:
        value = quoted.group(2)
    if quote == '"':
        value = re.sub(r"\\([^$])", r"\1", value)
    return value if quote == "'" else _expand(value, known, environ)


def parse_dotenv(text: str, environ: Mapping[str, str]) -> list[Entry]:
    """Every `KEY=value` of a dotenv text, in order; DotenvError on a bad line or a repeated key."""
    known: dict[str, str] = {}
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.search(line)
        if match is None:
            if not _BLANK.search(line):
                raise DotenvError(f"line {number} is not KEY=VALUE")
            continue
        key = match.group(1)
        if key in known:
            first = next(e.line for e in entries if e.key == key)
            raise DotenvError(f"key {key} is set twice (lines {first} and {number})")
        known[key] = _value(match.group(2), known, environ)
        entries.append(Entry(key, SecretValue(known[key]), number))
    return entries
