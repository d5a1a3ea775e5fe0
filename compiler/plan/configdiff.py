"""What changed between two effective deployment configs, field by field, for a reader.

`envs` compare by `name` and `labels` by `key` (as overlays merge them); `secrets` lists say
which secret was attached or detached. Config values are plaintext in git and may be shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

_KEYED = {"envs": "name", "labels": "key"}
_LIMIT = 80
MISSING = object()


def show(value: Any) -> str:
    text = value if isinstance(value, str) and value.strip() == value and value else None
    text = text or json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= _LIMIT else text[: _LIMIT - 1] + "…"


def _field(path: str, token: str) -> str:
    return f"{path}.{token}" if path else token


def _changed(path: str, old: Any, new: Any) -> str:
    if old is MISSING:
        return f"{path} added: {show(new)}"
    if new is MISSING:
        return f"{path} removed (was {show(old)})"
    return f"{path}: {show(old)} → {show(new)}"


def _keyed(items: Any, key: str) -> dict[str, Any] | None:
    items = [] if items is MISSING else items
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get(key), str) for i in items
    ):
        return None
    by_key = {i[key]: {k: v for k, v in i.items() if k != key} for i in items}
    return by_key if len(by_key) == len(items) else None


def _entry(value: Any) -> Any:
    """An `envs`/`labels` entry without its name: just the value when that is all it has."""
    return value.get("value") if isinstance(value, dict) and set(value) == {"value"} else value


def _keyed_diff(path: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    for name in sorted(set(old) | set(new)):
        was, now = _entry(old.get(name, MISSING)), _entry(new.get(name, MISSING))
        where = f"{path}[{name}]"
        if was is MISSING or now is MISSING or not (isinstance(was, dict) and isinstance(now, dict)):
            yield from ([_changed(where, was, now)] if was != now else [])
        else:
            yield from diff(was, now, where)


def _secrets_diff(path: str, old: Any, new: Any) -> Iterator[str]:
    was = [str(n) for n in old] if isinstance(old, list) else []
    now = [str(n) for n in new] if isinstance(new, list) else []
    scope = "" if path == "secrets" else f" ({path.removesuffix('.secrets')})"
    yield from (f"secret {n} attached{scope}" for n in now if n not in was)
    yield from (f"secret {n} detached{scope}" for n in was if n not in now)
    if set(was) == set(now) and was != now:
        yield f"{path}: {show(was)} → {show(now)}"


def _is_secrets_list(path: str) -> bool:
    parts = path.split(".")
    return path == "secrets" or (
        len(parts) == 4 and parts[:2] == ["canary", "versions"] and parts[3] == "secrets"
    )


def diff(old: Any, new: Any, path: str = "") -> Iterator[str]:
    """One line per changed leaf (or list), in key order."""
    if old == new:
        return
    if _is_secrets_list(path):
        yield from _secrets_diff(path, old, new)
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            yield from diff(old.get(key, MISSING), new.get(key, MISSING), _field(path, str(key)))
    elif (pair := _keyed_pair(path, old, new)) is not None:
        yield from _keyed_diff(path, *pair)
    else:
        yield _changed(path, old, new)


def _keyed_pair(path: str, old: Any, new: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Both sides of an `envs` or `labels` list by name (or key), when both are such lists."""
    key = _KEYED.get(path.rsplit(".", 1)[-1])
    was = _keyed(old, key) if key else None
    now = _keyed(new, key) if key else None
    return (was, now) if was is not None and now is not None else None
