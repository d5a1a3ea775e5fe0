"""Validate loaded documents against the JSON Schemas, reporting at each node's position."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler import pointers
from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import Kind
from compiler.document import Document

if TYPE_CHECKING:  # jsonschema costs ~0.1 s to import: only when a file must really be validated
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

SCHEMA_KINDS = ("deployment", "secret", "project", "overlay")
CODES = {Kind.DEPLOYMENT: "BG101", Kind.SECRET: "BG102", Kind.PROJECT: "BG103", Kind.OVERLAY: "BG104"}
_HIDDEN_PREFIXES = ("/data", "/sops")  # values a secret file's messages must never quote


def _schema_dir() -> Path:
    """Installed: inside the package (the wheel maps schemas/ there); from a checkout: schemas/."""
    packaged = Path(str(resources.files("compiler"))) / "schemas"
    if (packaged / "deployment.schema.json").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "schemas"


@cache
def load_schema(kind: str) -> dict[str, Any]:
    if kind not in SCHEMA_KINDS:
        raise KeyError(kind)
    text = (_schema_dir() / f"{kind}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _registry() -> Registry[Any]:
    from referencing import Registry, Resource

    resources_ = [Resource.from_contents(load_schema(k)) for k in SCHEMA_KINDS]
    return Registry().with_resources((r.id() or "", r) for r in resources_)


@cache
def validator(kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(kind), registry=_registry())


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _message(error: ValidationError, quote: bool) -> str:
    kind, expected = error.validator, _any(error.validator_value)
    value = f" {_shown(error.instance)}" if quote else ""
    if kind == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {wanted}, got {_json_type(error.instance)}{value}"
    if kind == "enum":
        return f"value{value} must be one of: {', '.join(str(v) for v in expected)}"
    if kind == "const":
        return f"value{value} must be {_shown(expected)}"
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}[kind]
        return f"value{value} must be {sign} {expected}"
    if kind == "minLength":
        return "must not be empty" if expected == 1 else f"must be at least {expected} characters"
    if kind == "pattern":
        return f"value{value} does not match {expected}"
    if kind == "minProperties":
        return "must not be empty" if expected == 1 else f"needs at least {expected} entries"
    if kind == "minItems":
        return f"needs at least {expected} items"
    return error.message if quote else f"fails the schema's '{kind}' rule"


def _json_type(value: Any) -> str:
    for name, kind in (
        ("boolean", bool),
        ("integer", int),
        ("number", float),
        ("string", str),
        ("array", list),
        ("object", dict),
    ):
        if isinstance(value, kind):
            return name
    return "null"


def _leaf(error: ValidationError) -> ValidationError:
    """Collapse anyOf/oneOf to the branch that came closest."""
    while error.context:
        from jsonschema.exceptions import best_match

        error = best_match(error.context)
    return error


def _diag(doc: Document, code: str, pos: tuple[int, int], pointer: str, message: str) -> Diagnostic:
    return Diagnostic(doc.path, pos[0], pos[1], code, Severity.ERROR, message, pointer)


def _any(value: object) -> Any:
    """jsonschema types these fields loosely (a sentinel for unset); errors always have them."""
    return value


def _unknown_keys(doc: Document, code: str, error: ValidationError) -> Iterator[Diagnostic]:
    known = sorted(_any(error.schema).get("properties", {}))
    base = pointers.from_path(error.absolute_path)
    for key in sorted(k for k in _any(error.instance) if k not in known):
        pointer = pointers.join(base, key)
        hint = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        advice = f"; did you mean '{hint[0]}'?" if hint else f"; expected one of: {', '.join(known)}"
        yield _diag(doc, code, doc.key_position(pointer), pointer, f"unknown key '{key}'{advice}")


def _required(doc: Document, code: str, error: ValidationError) -> Iterator[Diagnostic]:
    pointer = pointers.from_path(error.absolute_path)
    for key in _any(error.validator_value):
        if key not in _any(error.instance):
            where = f"'{pointer.lstrip('/')}'" if pointer else "the top level"
            yield _diag(doc, code, doc.position(pointer), pointer, f"missing required key '{key}' at {where}")


def _property_names(doc: Document, code: str, error: ValidationError) -> Iterator[Diagnostic]:
    pointer = pointers.from_path(error.absolute_path)
    leaf = _leaf(error)
    key = str(leaf.instance)
    child = pointers.join(pointer, key)
    yield _diag(doc, code, doc.key_position(child), child, f"key '{key}': {_message(leaf, True)}")


def schema_errors(doc: Document, kind: Kind) -> list[Diagnostic]:
    code = CODES[kind]
    found: list[Diagnostic] = []
    for error in validator(kind.value).iter_errors(doc.data):
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            found += _unknown_keys(doc, code, error)
        elif error.validator == "required":
            found += _required(doc, code, error)
        elif "propertyNames" in error.relative_schema_path:
            found += _property_names(doc, code, error)
        else:
            leaf = _leaf(error)
            pointer = pointers.from_path(leaf.absolute_path)
            quote = kind is not Kind.SECRET or not pointer.startswith(_HIDDEN_PREFIXES)
            where = pointer.lstrip("/") or "top level"
            found.append(
                _diag(doc, code, doc.position(pointer), pointer, f"{where}: {_message(leaf, quote)}")
            )
    return found
