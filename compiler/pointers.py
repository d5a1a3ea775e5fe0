"""RFC 6901 JSON pointers, the address of a node in a document."""

from __future__ import annotations

from collections.abc import Iterable


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def join(parent: str, token: str | int) -> str:
    return f"{parent}/{escape(str(token))}"


def from_path(path: Iterable[str | int]) -> str:
    pointer = ""
    for token in path:
        pointer = join(pointer, token)
    return pointer


def parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0] if pointer else ""
