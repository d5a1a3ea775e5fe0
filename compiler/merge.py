"""RFC 7386 merge patch, except that `envs` merge by `name` and `labels` by `key` (DESIGN 1.4).

Each result node remembers where it came from (file, line, column), so a finding about the
merged config still points at the line that set the value: the base file or the overlay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compiler import pointers
from compiler.document import Document

_LIST_KEYS = {"envs": "name", "labels": "key"}


@dataclass(frozen=True)
class Origin:
    file: str
    line: int
    column: int


Origins = dict[str, Origin]


def origins_of(doc: Document, prefix: str = "", into: str = "") -> Origins:
    """Origins of every node of `doc` under `prefix`, re-rooted at pointer `into`."""
    found: Origins = {}
    for pointer, (line, column) in doc.positions.items():
        if pointer == prefix or pointer.startswith(prefix + "/"):
            found[into + pointer[len(prefix) :]] = Origin(doc.path, line, column)
    return found


def _drop(origins: Origins | None, pointer: str) -> None:
    if origins is None:
        return
    for key in [k for k in origins if k == pointer or k.startswith(pointer + "/")]:
        del origins[key]


def _take(origins: Origins | None, doc: Document, prefix: str, into: str) -> None:
    if origins is not None:
        origins.update(origins_of(doc, prefix, into))


def _merge_list(
    base: list[Any],
    patch: list[Any],
    field: str,
    at: str,
    patch_doc: Document,
    patch_at: str,
    origins: Origins | None,
) -> list[Any]:
    """Items of `patch` replace the base item with the same `field` value, or are appended."""
    result = list(base)
    index_of = {item.get(field): i for i, item in enumerate(result) if isinstance(item, dict)}
    for j, item in enumerate(patch):
        key = item.get(field) if isinstance(item, dict) else None
        i = index_of.get(key) if key is not None else None
        if i is None:
            i = len(result)
            result.append(item)
            index_of[key] = i
        else:
            result[i] = item
        target = pointers.join(at, i)
        _drop(origins, target)
        _take(origins, patch_doc, pointers.join(patch_at, j), target)
    return result


def merge(base: Any, patch: Any, patch_doc: Document, origins: Origins | None = None, at: str = "") -> Any:
    """Apply `patch` (a node of `patch_doc` at pointer `at`) onto `base`, updating `origins` if given.

    Never mutates `base`: patched levels are copied, untouched subtrees are shared.
    """
    if not isinstance(patch, dict):
        _drop(origins, at)
        _take(origins, patch_doc, at, at)
        return patch
    result = dict(base) if isinstance(base, dict) else {}
    if not isinstance(base, dict) and origins is not None:
        _drop(origins, at)
        origins[at] = Origin(patch_doc.path, *patch_doc.position(at))
    for key, value in patch.items():
        child = pointers.join(at, key)
        if value is None:
            result.pop(key, None)
            _drop(origins, child)
        elif key in _LIST_KEYS and isinstance(value, list) and isinstance(result.get(key), list):
            result[key] = _merge_list(result[key], value, _LIST_KEYS[key], child, patch_doc, child, origins)
        else:
            result[key] = merge(result.get(key), value, patch_doc, origins, child)
    return result
