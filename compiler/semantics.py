"""Checks a schema can't express, on one deployment file: replica bounds, canary weights."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from compiler import pointers
from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import Kind
from compiler.load import Document
from compiler.schema import CODES


def _services(data: dict[str, Any], base: str) -> Iterator[tuple[str, dict[str, Any]]]:
    services = data.get("services")
    if isinstance(services, dict):
        for name, service in services.items():
            if isinstance(service, dict):
                yield pointers.join(pointers.join(base, "services"), name), service


def _all_services(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield from _services(data, "")
    versions = (data.get("canary") or {}).get("versions") or {}
    for name, version in versions.items():
        if isinstance(version, dict):
            yield from _services(version, pointers.join("/canary/versions", name))


def replica_errors(doc: Document, code: str) -> Iterator[Diagnostic]:
    for pointer, service in _all_services(doc.data):
        scaling = service.get("scaling")
        if not isinstance(scaling, dict):
            continue
        low, high = scaling.get("min_replicas"), scaling.get("max_replicas")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            at = f"{pointer}/scaling/min_replicas"
            line, column = doc.position(at)
            yield Diagnostic(
                doc.path,
                line,
                column,
                code,
                Severity.ERROR,
                f"min_replicas ({low}) is greater than max_replicas ({high})",
                at,
            )


def canary_errors(doc: Document, code: str) -> Iterator[Diagnostic]:
    versions = (doc.data.get("canary") or {}).get("versions")
    if not isinstance(versions, dict):
        return
    weights = [v.get("weight") for v in versions.values() if isinstance(v, dict)]
    total = sum(w for w in weights if isinstance(w, int))
    if total > 100:
        line, column = doc.key_position("/canary/versions")
        yield Diagnostic(
            doc.path,
            line,
            column,
            code,
            Severity.ERROR,
            f"canary weights add up to {total}%; the total must not exceed 100%",
            "/canary/versions",
        )


def semantic_errors(doc: Document, kind: Kind) -> list[Diagnostic]:
    if kind is not Kind.DEPLOYMENT:
        return []
    code = CODES[kind]
    return [*replica_errors(doc, code), *canary_errors(doc, code)]
