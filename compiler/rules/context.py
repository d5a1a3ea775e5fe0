"""What a rule is given: the compiled model of one environment, or the whole repo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from compiler.diagnostics import Diagnostic, Related, Severity
from compiler.merge import Origin
from compiler.model import EnvironmentModel, SecretSpec
from compiler.redacted import SecretValue
from compiler.repo import Repo

Values = Callable[[SecretSpec], "dict[str, SecretValue] | None"]


@dataclass(frozen=True)
class RepoContext:
    repo: Repo
    secrets: list[SecretSpec]
    models: list[EnvironmentModel]


@dataclass(frozen=True)
class EnvContext:
    repo: Repo
    model: EnvironmentModel
    values: Values
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # rules' scratch space


def finding(
    code: str,
    severity: Severity,
    at: Origin,
    message: str,
    pointer: str = "",
    related: tuple[Related, ...] = (),
) -> Diagnostic:
    return Diagnostic(at.file, at.line, at.column, code, severity, message, pointer, related)


def related(at: Origin, message: str) -> Related:
    return Related(at.file, at.line, at.column, message)
