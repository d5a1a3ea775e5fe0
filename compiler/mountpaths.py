"""Where a file secret's keys land, worked out purely from strings (no filesystem access)."""

from __future__ import annotations

import posixpath
import re

HOME_VARIABLE = re.compile(r"^(\$BENTOML_HOME|\$\{BENTOML_HOME\})(?=/|$)")

Segments = tuple[str, ...]


def _segments(path: str) -> Segments | None:
    """Segments of a relative path after normalising `.`, `..` and slashes; None if it escapes."""
    norm = posixpath.normpath(path) if path else "."
    if norm == ".":
        return ()
    if norm == ".." or norm.startswith("../"):
        return None
    return tuple(norm.split("/"))


def mount_segments(path: str, bentoml_home: str) -> Segments | None:
    """The mount path relative to $BENTOML_HOME, or None when it is not under it.

    `$BENTOML_HOME`, `${BENTOML_HOME}` and the project's absolute `bentoml_home` all name the
    home; trailing slashes and `./` segments don't matter; `..` may not climb out of it.
    """
    match = HOME_VARIABLE.match(path)
    if match:
        return _segments(path[match.end() :].lstrip("/"))
    if path.startswith("/"):
        home = posixpath.normpath(bentoml_home)
        norm = posixpath.normpath(path)
        if norm == home:
            return ()
        if norm.startswith(home.rstrip("/") + "/"):
            return tuple(norm[len(home.rstrip("/")) + 1 :].split("/"))
    return None


def sub_path_problem(sub_path: str) -> str | None:
    """Why a sub path is unfit, or None."""
    if sub_path.startswith("/"):
        return "is absolute; a sub path is relative to the secret's path"
    if sub_path == "" or "//" in sub_path or sub_path.endswith("/"):
        return "has empty segments"
    if _segments(sub_path) is None:
        return "climbs out of the secret's path with '..'"
    return None


def key_location(mount: Segments, sub_path: str | None, key: str) -> Segments:
    extra = _segments(sub_path) if sub_path else ()
    return (*mount, *(extra or ()), key)


def display(location: Segments) -> str:
    return "/".join(("$BENTOML_HOME", *location))


def contains(outer: Segments, inner: Segments) -> bool:
    """True when `inner` is `outer` itself or lies below it."""
    return inner[: len(outer)] == outer
