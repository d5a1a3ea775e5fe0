"""A loaded YAML file as every later stage sees it: plain data, and where each node stands.

Kept apart from the loader so that a run served from the content cache never imports ruamel.
A document from the cache stays packed until it is used: its positions until a finding asks for
one (most files have none), its data until a stage reads it (unchanged deployments need not be).
"""

from __future__ import annotations

import marshal
from typing import Any

from compiler import pointers

Position = tuple[int, int]
Positions = dict[str, Position]


class Document:
    __slots__ = (
        "_data",
        "_key_positions",
        "_name",
        "_named",
        "_packed",
        "_packed_data",
        "_positions",
        "path",
    )

    def __init__(
        self, path: str, data: dict[str, Any], positions: Positions, key_positions: Positions
    ) -> None:
        self.path = path
        self._data: dict[str, Any] | None = data
        self._positions: Positions | None = positions
        self._key_positions: Positions | None = key_positions
        self._packed: bytes | None = None
        self._packed_data: bytes | None = None
        self._name: str | None = None
        self._named = False  # _name worked out

    @classmethod
    def packed(cls, path: str, name: str | None, data: bytes, where: bytes) -> Document:
        """A document from `pack()` of an earlier one: decoded only as far as it is used."""
        doc = cls(path, {}, {}, {})
        doc._data = doc._positions = doc._key_positions = None
        doc._packed_data, doc._packed, doc._name, doc._named = data, where, name, True
        return doc

    def pack(self) -> tuple[str | None, bytes, bytes]:
        return self.declared_name, marshal.dumps(self.data), self.packed_positions()

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            assert self._packed_data is not None
            self._data = marshal.loads(self._packed_data)
        return self._data

    @property
    def declared_name(self) -> str | None:
        """The document's `name` field when it is a non-empty string (the name it gives itself)."""
        if not self._named:
            name = self.data.get("name")
            self._name = name if isinstance(name, str) and name else None
            self._named = True
        return self._name

    def packed_positions(self) -> bytes:
        if self._packed is None:
            self._packed = marshal.dumps((self.positions, self.key_positions))
        return self._packed

    def _where(self) -> tuple[Positions, Positions]:
        if self._positions is None or self._key_positions is None:
            assert self._packed is not None
            self._positions, self._key_positions = marshal.loads(self._packed)
        return self._positions, self._key_positions

    @property
    def positions(self) -> Positions:
        """Each node's position, by JSON pointer."""
        return self._where()[0]

    @property
    def key_positions(self) -> Positions:
        """Each mapping key's position, by the pointer of its value."""
        return self._where()[1]

    def position(self, pointer: str) -> Position:
        """The node at `pointer`, else its nearest ancestor that has a position."""
        positions = self.positions
        while pointer not in positions and pointer:
            pointer = pointers.parent(pointer)
        return positions.get(pointer, (1, 1))

    def key_position(self, pointer: str) -> Position:
        return self.key_positions.get(pointer) or self.position(pointer)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        same = (self.path, self.data, self.positions, self.key_positions)
        return same == (other.path, other.data, other.positions, other.key_positions)

    __hash__ = None  # type: ignore[assignment]  # holds dicts: equal by value, never a key

    def __repr__(self) -> str:
        return f"Document(path={self.path!r}, data={self.data!r})"
