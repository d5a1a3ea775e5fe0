"""Checks a schema can't express: replica bounds, canary weights. On a file, or a merged config."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from compiler import pointers
from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import Kind
from compiler.document import Document
from compiler.schema import CODES

Problem = tuple[str, str, bool]  # (pointer, message, whether to point at the key rather than the value)


def _services(data: dict[str, Any], base: str) -> Iterator[tuple[str, dict[str, Any]]]:
    services = data.get("services")
    if isinstance(services, dict):
        for name, service in services.items():
            if isinstance(service, dict):
                yield pointers.join(pointers.join(base, "services"), name), service


def _versions(data: dict[str, Any]) -> dict[str, Any]:
    canary = data.get("canary")
    versions = canary.get("versions") if isinstance(canary, dict) else None
    return versions if isinstance(versions, dict) else {}


def _all_services(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield from _services(data, "")
    for name, version in _versions(data).items():
        if isinstance(version, dict):
            yield from _services(version, pointers.join("/canary/versions", name))


def replica_problems(data: dict[str, Any]) -> Iterator[Problem]:
    for pointer, service in _all_services(data):
        scaling = service.get("scaling")
        if not isinstance(scaling, dict):
            continue
        low, high = scaling.get("min_replicas"), scaling.get("max_replicas")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            yield (
                f"{pointer}/scaling/min_replicas",
                f"min_replicas ({low}) is greater than max_replicas ({high})",
                False,
            )


def canary_problems(data: dict[str, Any]) -> Iterator[Problem]:
    weights = [v.get("weight") for v in _versions(data).values() if isinstance(v, dict)]
    total = sum(w for w in weights if isinstance(w, int) and not isinstance(w, bool))
    if total > 100:
        yield "/canary/versions", f"canary weights add up to {total}%; the total must not exceed 100%", True


def config_problems(data: dict[str, Any]) -> list[Problem]:
    return [*replica_problems(data), *canary_problems(data)]


def semantic_errors(doc: Document, kind: Kind) -> list[Diagnostic]:
    if kind is not Kind.DEPLOYMENT:
        return []
    found = []
    for pointer, message, at_key in config_problems(doc.data):
        line, column = doc.key_position(pointer) if at_key else doc.position(pointer)
        found.append(Diagnostic(doc.path, line, column, CODES[kind], Severity.ERROR, message, pointer))
    return found
