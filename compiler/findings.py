"""What a validation run found, before the FILES filter: the record the run cache keeps."""

from __future__ import annotations

from dataclasses import dataclass

from compiler.diagnostics import Diagnostic


@dataclass(frozen=True)
class Findings:
    diagnostics: tuple[Diagnostic, ...]  # severities configured, not yet filtered or sorted
    files: int
    project_failed: bool
    fatal: bool  # an environment problem (exit 3)
    wanted_values: bool  # a rule wanted values: a key found later changes the answer
