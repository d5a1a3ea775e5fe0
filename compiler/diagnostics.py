"""The one record every stage returns: a finding at a position in a file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Related:
    file: str
    line: int
    column: int
    message: str = ""


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    pointer: str = ""
    related: tuple[Related, ...] = field(default_factory=tuple)
    environment: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.file, self.line, self.column, self.code, self.environment or "", self.message)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)

    def with_environment(self, environment: str | None) -> Diagnostic:
        return replace(self, environment=environment)


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def flatten(diagnostics: Iterable[Diagnostic]) -> list[tuple[Any, ...]]:
    """As plain tuples, for marshal."""
    return [
        (
            d.file,
            d.line,
            d.column,
            d.code,
            d.severity.value,
            d.message,
            d.pointer,
            [(r.file, r.line, r.column, r.message) for r in d.related],
            d.environment,
        )
        for d in diagnostics
    ]


def unflatten(found: list[tuple[Any, ...]]) -> list[Diagnostic]:
    return [
        Diagnostic(f, ln, col, code, Severity(sev), msg, ptr, tuple(Related(*r) for r in rel), env)
        for f, ln, col, code, sev, msg, ptr, rel, env in found
    ]
