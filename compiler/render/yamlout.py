"""Deterministic YAML output that every reader takes the same way.

BentoML reads manifests with PyYAML (YAML 1.1), kubectl with a YAML 1.1-ish reader, other
tools with YAML 1.2: a string such as `no`, `off`, `12:30`, `0o17` or `1_000` must come out
quoted, or one of them turns it into a boolean or a number.
"""

from __future__ import annotations

from functools import cache
from io import StringIO
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import SafeRepresenter
from ruamel.yaml.resolver import VersionedResolver

_STR = "tag:yaml.org,2002:str"


@cache
def _resolvers() -> tuple[VersionedResolver, ...]:
    return VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2))


def ambiguous(text: str) -> bool:
    """True when a YAML 1.1 or 1.2 reader would not read the plain scalar back as this string."""
    return any(str(r.resolve(ScalarNode, text, (True, False))) != _STR for r in _resolvers())


class _Representer(SafeRepresenter):
    def represent_str(self, data: str) -> Any:
        style = "'" if ambiguous(data) else None
        return self.represent_scalar(_STR, data, style=style)


_Representer.add_representer(str, _Representer.represent_str)


def to_yaml(value: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # keep our key order
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = StringIO()
    yaml.dump(value, stream)
    return stream.getvalue()
