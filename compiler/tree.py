"""Where a repo's files come from: the work tree on disk, or one git revision (read with git,
never checked out). Every stage reads through this, so `plan` compiles two revisions exactly as
`validate` compiles the work tree."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

Stamp = tuple[int, int, int, int, int]  # size, mtime, ctime (ns), inode, device


class Tree(Protocol):
    root: Path

    def files(self) -> list[str]:
        """Repo-relative paths (forward slashes) of the regular files, sorted; no `.git`."""
        ...

    def escapes(self) -> list[str]:
        """Links that lead outside the repo (work tree) or links at all (git): refused, never read."""
        ...

    def read(self, path: str) -> bytes:
        """The file's bytes; OSError if it can't be read."""
        ...

    def stamp(self, path: str) -> Stamp | None:
        """What the file system says of the file, to tell an unchanged file without reading it."""
        ...


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


@dataclass
class WorkTree:
    """The files on disk, walked once."""

    root: Path
    _files: list[str] | None = field(default=None, repr=False)
    _escapes: list[str] = field(default_factory=list, repr=False)
    _links: set[str] = field(default_factory=set, repr=False)  # links that stay inside: checked on read
    _known: set[str] = field(default_factory=set, repr=False)
    _read: dict[str, bytes] = field(default_factory=dict, repr=False)  # each file is read once a run

    def __post_init__(self) -> None:
        self.root = self.root.resolve()

    def _walk(self) -> list[str]:
        found: list[str] = []
        pending = [("", str(self.root))]
        while pending:
            prefix, folder = pending.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_symlink():
                    if not _inside(self.root, Path(entry.path)):
                        self._escapes.append(rel)
                    elif entry.is_file() or not os.path.exists(entry.path):  # dangling: reading says so
                        self._links.add(rel)
                        found.append(rel)
                elif entry.is_dir():
                    if entry.name != ".git":
                        pending.append((rel + "/", entry.path))
                elif entry.is_file():  # never a FIFO or a device: reading one could block
                    found.append(rel)
        return sorted(found)

    def files(self) -> list[str]:
        if self._files is None:
            self._files = self._walk()
            self._known = set(self._files)
        return self._files

    def escapes(self) -> list[str]:
        self.files()
        return sorted(self._escapes)

    def stamp(self, path: str) -> Stamp | None:
        try:
            st = os.stat(os.path.join(self.root, path))
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)

    def read(self, path: str) -> bytes:
        target = self.root / path
        self.files()
        if path in self._read:
            return self._read[path]
        if (path in self._links or path not in self._known) and not _inside(self.root, target):
            raise PermissionError(13, "leads outside the repo")
        self._read[path] = target.read_bytes()
        return self._read[path]


class GitError(Exception):
    """git refused: an unknown revision, not a repository."""


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    proc = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


@dataclass
class GitTree:
    """One revision's files, listed with `git ls-tree` and read with one `git cat-file --batch`."""

    root: Path
    revision: str
    commit: str = ""
    _blobs: dict[str, str] = field(default_factory=dict, repr=False)
    _links: list[str] = field(default_factory=list, repr=False)
    _cache: dict[str, bytes] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.commit = (
            git(self.root, "rev-parse", "--verify", "--quiet", f"{self.revision}^{{commit}}").decode().strip()
        )
        listing = git(self.root, "ls-tree", "-r", "-z", "--full-tree", self.commit)
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, kind, sha = meta.decode().split()
            name = path.decode("utf-8", "surrogateescape")
            if kind != "blob":
                continue  # submodules
            if mode == "120000":
                self._links.append(name)
            else:
                self._blobs[name] = sha

    def files(self) -> list[str]:
        return sorted(self._blobs)

    def escapes(self) -> list[str]:
        return sorted(self._links)

    def stamp(self, path: str) -> Stamp | None:
        return None  # a revision's blobs are read once a run anyway

    def blob_id(self, path: str) -> str | None:
        return self._blobs.get(path)

    def read(self, path: str) -> bytes:
        if path not in self._cache:
            self.prefetch([path])
        if path not in self._cache:
            raise FileNotFoundError(2, f"{path} is not in {self.revision}")
        return self._cache[path]

    def prefetch(self, paths: list[str]) -> None:
        """Read many blobs through one `git cat-file --batch`."""
        wanted = [p for p in paths if p in self._blobs and p not in self._cache]
        if not wanted:
            return
        out = git(
            self.root, "cat-file", "--batch", stdin="".join(f"{self._blobs[p]}\n" for p in wanted).encode()
        )
        offset = 0
        for path in wanted:
            header_end = out.index(b"\n", offset)
            size = int(out[offset:header_end].split()[2])
            self._cache[path] = out[header_end + 1 : header_end + 1 + size]
            offset = header_end + 1 + size + 1
