"""File stamps: what a work-tree file holds, known from its stat alone, so that an unchanged file
is neither read nor hashed again.

As in git's index, a stamp is (size, mtime, ctime, inode, device): an edit changes ctime even
when a tool puts mtime back. A file changed within RACY_NS of the run that saw it could change
again without its stamp moving (coarse file-system clocks), so it is not stamped until it has
been still for longer. Only files whose checked content may be cached are stamped (never a
plaintext secret: a digest of its bytes would be a guessable hash of its values).
"""

from __future__ import annotations

import hashlib
import marshal
import time
from dataclasses import dataclass, field

from compiler.tree import Stamp, Tree

RACY_NS = 2_000_000_000  # FAT keeps mtime to 2 s; most others to 1 s or finer


def _entry(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], tuple)
        and isinstance(value[1], str)
    )


def content_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class FileStamps:
    known: dict[str, tuple[Stamp, str]] = field(default_factory=dict)  # from the last run
    started_ns: int = field(default_factory=time.time_ns)
    seen: dict[str, tuple[Stamp, str]] = field(default_factory=dict, repr=False)
    kept: set[str] = field(default_factory=set, repr=False)  # vouched for: content that may be cached
    _vouched: dict[str, str] | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, blob: bytes) -> FileStamps:
        known = marshal.loads(blob)
        if not isinstance(known, dict) or not all(map(_entry, known.values())):
            raise ValueError("not a stamp table")
        return cls(known)

    def digest(self, tree: Tree, path: str) -> str:
        """SHA-256 of the file's bytes: from its stamp when unchanged, else read (OSError if it can't be)."""
        if path in self.seen:
            return self.seen[path][1]
        stamp = tree.stamp(path)
        known = self.known.get(path)
        if stamp is not None and known is not None and known[0] == stamp:
            digest = known[1]
        else:
            digest = content_digest(tree.read(path))
        if stamp is not None:
            self.seen[path] = (stamp, digest)
            self._vouched = None
        return digest

    def vouched(self) -> dict[str, str]:
        """The digest of each file seen this run whose content may be cached."""
        if self._vouched is None:
            self._vouched = {p: self.seen[p][1] for p in self.kept if p in self.seen}
        return self._vouched

    def keep(self, path: str) -> None:
        self.kept.add(path)
        self._vouched = None

    def _settled(self, stamp: Stamp) -> bool:
        return max(stamp[1], stamp[2]) < self.started_ns - RACY_NS

    def table(self) -> dict[str, tuple[Stamp, str]]:
        """What the next run may trust."""
        return {
            p: self.seen[p] for p in sorted(self.kept) if p in self.seen and self._settled(self.seen[p][0])
        }

    def changed(self) -> bool:
        return self.table() != self.known
