"""Check a secret file before it is written, with the same checks `validate` runs.

Twice: the shape before encryption (plaintext fields, key names, placeholder values, so a
refusal costs no sops call and no value is ever looked at), then the ciphertext sops returned
(encryption structure: BG201-BG203). Each time the candidate joins the loaded repo, so
cross-file rules (a second secret of that name, an environment secret with no base) apply too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from compiler.diagnostics import Diagnostic, Severity, sort_diagnostics
from compiler.discover import SourceFile
from compiler.model import build_model, secret_specs
from compiler.repo import LoadedFile, Repo, check_document
from compiler.rules import checks, default_severity, rated
from compiler.rules.context import RepoContext

PLACEHOLDER = "<value>"
ENCRYPTION_CODES = frozenset({"BG201", "BG202", "BG203", "BG204", "BG205"})
FIELD_ORDER = ("name", "description", "type", "path", "stage", "template", "sub_paths")


def document_bytes(fields: Mapping[str, Any], values: Mapping[str, str]) -> bytes:
    """A secret document as JSON (which is YAML): plaintext fields in the usual order, then `data`."""
    ordered = {k: fields[k] for k in FIELD_ORDER if fields.get(k) not in (None, {}, "")}
    ordered |= {k: v for k, v in fields.items() if k not in FIELD_ORDER and k not in ("data", "sops")}
    ordered["data"] = dict(values)
    return json.dumps(ordered, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def shape_bytes(fields: Mapping[str, Any], keys: Sequence[str]) -> bytes:
    return document_bytes(fields, dict.fromkeys(keys, PLACEHOLDER))


def _blocking(d: Diagnostic, overrides: Mapping[str, str]) -> bool:
    r = rated(d.with_severity(default_severity(d.code)), overrides)
    return r is not None and r.severity is Severity.ERROR


def _rule_findings(repo: Repo, candidate: LoadedFile) -> list[Diagnostic]:
    files = (*(f for f in repo.files if f.path != candidate.path), candidate)
    trial = replace(repo, files=files)
    ctx = RepoContext(trial, secret_specs(trial), list(build_model(trial)))
    return [d for rule in checks("repo") for d in rule.check(ctx) if d.file == candidate.path]


def problems(repo: Repo, source: SourceFile, raw: bytes, *, encrypted: bool) -> list[Diagnostic]:
    """Errors the candidate file would cause, as the project's `rules:` rate them."""
    loaded, found = check_document(source, raw)
    if not encrypted:
        found = [d for d in found if d.code not in ENCRYPTION_CODES]
    if loaded.document is not None:
        candidate = replace(loaded, valid=not found)
        found += _rule_findings(repo, candidate)
    return sort_diagnostics([d for d in found if _blocking(d, repo.project.rules)])


def describe(found: Sequence[Diagnostic], *, positions: bool) -> tuple[str, ...]:
    """One line per problem; positions only when they are positions in a real file."""
    if positions:
        return tuple(f"{d.file}:{d.line}:{d.column}: error {d.code} {d.message}" for d in found)
    return tuple(f"error {d.code} {d.message}" for d in found)
