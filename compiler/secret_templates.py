"""Secret templates (DESIGN 1.2): the keys a well-known service needs, kept as data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    type: str
    path: str | None
    required: tuple[str, ...]
    optional: tuple[str, ...]


@cache
def templates() -> dict[str, Template]:
    raw = json.loads(resources.files("compiler").joinpath("secret_templates.json").read_text("utf-8"))
    found = {}
    for name, spec in sorted(raw.items()):
        keys = spec["keys"]
        found[name] = Template(
            name,
            spec["description"],
            spec["type"],
            spec.get("path"),
            tuple(k for k, v in keys.items() if v["required"]),
            tuple(k for k, v in keys.items() if not v["required"]),
        )
    return found
