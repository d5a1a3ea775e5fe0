"""Reporters: turn diagnostics into text, JSON, GitHub workflow commands or SARIF. Nothing else prints
findings."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence

from compiler.diagnostics import Diagnostic, Severity
from compiler.printable import printable_diagnostic
from compiler.sarif import sarif_log

JSON_VERSION = 1


Reporter = Callable[[Sequence[Diagnostic], int], str]


def _printable(reporter: Reporter) -> Reporter:
    """Every reporter prints repo text through printable(): one finding stays one line."""

    def report(diagnostics: Sequence[Diagnostic], files: int) -> str:
        return reporter([printable_diagnostic(d) for d in diagnostics], files)

    return report


def summary_counts(diagnostics: Sequence[Diagnostic], files: int) -> dict[str, int]:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    return {"errors": errors, "warnings": len(diagnostics) - errors, "files": files}


def _env_suffix(d: Diagnostic) -> str:
    return f" [{d.environment}]" if d.environment else ""


@_printable
def text(diagnostics: Sequence[Diagnostic], files: int) -> str:
    lines = []
    for d in diagnostics:
        lines.append(f"{d.file}:{d.line}:{d.column}: {d.severity.value} {d.code} {d.message}{_env_suffix(d)}")
        lines += [f"  {r.file}:{r.line}:{r.column}: note: {r.message}" for r in d.related]
    return "".join(f"{line}\n" for line in lines)


def text_summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    counts = summary_counts(diagnostics, files)
    plural = "" if counts["files"] == 1 else "s"
    return f"{counts['errors']} error(s), {counts['warnings']} warning(s) in {counts['files']} file{plural}\n"


def _record(d: Diagnostic) -> dict[str, object]:
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "pointer": d.pointer,
        "environment": d.environment,
        "related": [
            {"file": r.file, "line": r.line, "column": r.column, "message": r.message} for r in d.related
        ],
    }


@_printable
def as_json(diagnostics: Sequence[Diagnostic], files: int) -> str:
    body = {
        "version": JSON_VERSION,
        "diagnostics": [_record(d) for d in diagnostics],
        "summary": summary_counts(diagnostics, files),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


@_printable
def github(diagnostics: Sequence[Diagnostic], files: int) -> str:
    lines = []
    for d in diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        props = f"file={_escape_property(d.file)},line={d.line},col={d.column},title={d.code}"
        lines.append(f"::{level} {props}::{_escape_data(d.message + _env_suffix(d))}")
    return "".join(f"{line}\n" for line in lines)


def _cell(value: str) -> str:
    """One table cell: one line, pipes escaped, no HTML (paths and keys come from the repo)."""
    return html.escape(" ".join(value.split()), quote=False).replace("|", "\\|")


@_printable
def github_summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """Markdown for a job's step summary (`$GITHUB_STEP_SUMMARY`): the counts, then a table of findings."""
    counts = summary_counts(diagnostics, files)
    lines = [
        "### bento-gitops validate",
        "",
        f"{counts['errors']} error(s), {counts['warnings']} warning(s) in {counts['files']} file(s)",
    ]
    if diagnostics:
        lines += ["", "| severity | code | location | message |", "| --- | --- | --- | --- |"]
        for d in diagnostics:
            where = _cell(f"{d.file}:{d.line}:{d.column}")
            lines.append(f"| {d.severity.value} | {d.code} | {where} | {_cell(d.message + _env_suffix(d))} |")
    return "".join(f"{line}\n" for line in [*lines, ""])


@_printable
def sarif(diagnostics: Sequence[Diagnostic], files: int) -> str:
    return json.dumps(sarif_log(diagnostics), indent=2, ensure_ascii=False) + "\n"


REPORTERS: dict[str, Reporter] = {"text": text, "json": as_json, "github": github, "sarif": sarif}
