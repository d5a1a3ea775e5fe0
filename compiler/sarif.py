"""SARIF 2.1.0, what GitHub code scanning and other pull-request tools read: the rule catalogue as
the tool's rules, each finding as a result at its file, line and column."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from urllib.parse import quote

from compiler import __version__
from compiler.diagnostics import Diagnostic, Related, Severity
from compiler.rules import RULES, documentation

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/bento-gitops/"
SRCROOT = "%SRCROOT%"

Json = dict[str, object]


def _camel(module: ModuleType) -> str:
    return "".join(part.capitalize() for part in module.__name__.rsplit(".", 1)[-1].split("_"))


def _first_paragraph(module: ModuleType) -> str:
    return " ".join((module.__doc__ or "").strip().split("\n\n")[0].split())


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _rule(code: str, module: ModuleType) -> Json:
    return {
        "id": code,
        "name": _camel(module),
        "shortDescription": {"text": module.TITLE},
        "fullDescription": {"text": _first_paragraph(module)},
        "help": {"text": documentation(code) or module.TITLE},
        "defaultConfiguration": {"level": _level(module.DEFAULT)},
    }


def _physical(file: str, line: int, column: int) -> Json:
    return {
        "artifactLocation": {"uri": quote(file, safe="/"), "uriBaseId": SRCROOT},
        "region": {"startLine": line, "startColumn": column},
    }


def _related(index: int, r: Related) -> Json:
    location: Json = {"id": index, "physicalLocation": _physical(r.file, r.line, r.column)}
    if r.message:
        location["message"] = {"text": r.message}
    return location


def _properties(d: Diagnostic) -> Json:
    found: Json = {}
    if d.environment:
        found["environment"] = d.environment
    if d.pointer:
        found["pointer"] = d.pointer
    return found


def _result(d: Diagnostic, index: dict[str, int]) -> Json:
    result: Json = {"ruleId": d.code}
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    suffix = f" [{d.environment}]" if d.environment else ""
    result["level"] = _level(d.severity)
    result["message"] = {"text": d.message + suffix}
    result["locations"] = [{"physicalLocation": _physical(d.file, d.line, d.column)}]
    if d.related:
        result["relatedLocations"] = [_related(i, r) for i, r in enumerate(d.related, start=1)]
    if properties := _properties(d):
        result["properties"] = properties
    return result


def sarif_log(diagnostics: Sequence[Diagnostic]) -> Json:
    """One run of bento-gitops as a SARIF log; the same findings give the same log, byte for byte."""
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    driver: Json = {
        "name": "bento-gitops",
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(code, RULES[code]) for code in codes],
    }
    run: Json = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index) for d in diagnostics],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
