"""A content cache of what loading and schema checks produced, per file.

Keyed by the file's bytes, its place and kind, the tool's version and the schemas, so an entry
can't outlive what made it; the bytes of a file unchanged since the last run are known from its
stamp (stamps.py) without reading it. It holds plaintext structure only: a secret file is cached
only when every value in it is sops ciphertext (which git already holds); a plaintext secret never is.
Entries are written atomically (safe under concurrent runs); one that doesn't read back is
ignored and rewritten; the cache is pruned to a bounded number of entries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from compiler import __version__
from compiler.checkfile import LoadedFile, Reader
from compiler.diagnostics import Diagnostic, flatten, unflatten
from compiler.discover import Kind, SourceFile
from compiler.document import Document
from compiler.encryption import ENCRYPTED_VALUE, is_encrypted
from compiler.findings import Findings
from compiler.stamps import FileStamps, content_digest
from compiler.tree import Tree, WorkTree

FORMAT = 3
MAX_BYTES = 512 * 1024 * 1024


def default_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "bento-gitops" / f"v{FORMAT}"


@cache
def tool_digest() -> str:
    from compiler.schema import SCHEMA_KINDS, _schema_dir

    digest = hashlib.sha256(__version__.encode())
    for kind in SCHEMA_KINDS:
        digest.update((_schema_dir() / f"{kind}.schema.json").read_bytes())
    return digest.hexdigest()


def key_of(source: SourceFile, content: str) -> str:
    """The entry of a file at its place with bytes whose digest is `content` (the tool and its
    schemas are the pack's own key)."""
    return f"{source.path}\0{source.kind.value}\0{source.environment or ''}\0{content}"


def cacheable(loaded: LoadedFile) -> bool:
    """Never a plaintext secret: only secret files whose every `data` value is ciphertext."""
    if loaded.source.kind is not Kind.SECRET:
        return True
    doc = loaded.document
    if doc is None or not is_encrypted(doc.data):
        return False
    data = doc.data.get("data")
    return isinstance(data, dict) and all(
        isinstance(v, str) and ENCRYPTED_VALUE.match(v) for v in data.values()
    )


def pack(loaded: LoadedFile, diagnostics: list[Diagnostic]) -> bytes:
    document = loaded.document.pack() if loaded.document is not None else None
    return marshal.dumps((FORMAT, document, loaded.valid, flatten(diagnostics)))


def unpack(source: SourceFile, reader: Reader, blob: bytes) -> tuple[LoadedFile, list[Diagnostic]]:
    version, document, valid, found = marshal.loads(blob)
    if version != FORMAT:
        raise ValueError("old cache format")
    doc = Document.packed(source.path, *document) if document is not None else None
    return LoadedFile(source, reader, doc, bool(valid)), unflatten(found)


@dataclass
class ContentCache:
    """Two kinds of entries: per repo, one pack of what checking each of its files produced (read
    in one go on the next run; only changed files are checked again); per run, the findings of a
    whole run, reused when every file is the same."""

    directory: Path
    written: int = 0
    _pack: dict[str, bytes] = field(default_factory=dict, repr=False)
    _added: dict[str, bytes] = field(default_factory=dict, repr=False)  # the part of _pack in the side file
    _used: dict[str, bytes] = field(default_factory=dict, repr=False)
    _stamps: FileStamps | None = field(default=None, repr=False)
    _stamped: WorkTree | None = field(default=None, repr=False)  # the tree _stamps are of

    def _run_path(self, key: str) -> Path:
        return self.directory / "runs" / key

    def _store(self, target: Path, blob: bytes) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(temp, target)
            self.written += 1
        except (OSError, ValueError):
            return  # a cache that can't be written is only slower

    def _stamps_path(self, root: Path) -> Path:
        return self._state_path("stamps", root)

    def stamps(self, tree: Tree) -> FileStamps:
        """The stamps the last run over this work tree left; none for a git revision."""
        if not isinstance(tree, WorkTree):
            return FileStamps()
        if self._stamped is not tree:
            self._stamps, self._stamped = FileStamps(), tree
            # none yet, or corrupt: every file is read, and the table rewritten
            with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
                self._stamps = FileStamps.parse(self._stamps_path(tree.root).read_bytes())
        assert self._stamps is not None
        return self._stamps

    def digest(self, tree: Tree, path: str) -> str:
        """SHA-256 of the file's bytes, read only when its stamp changed; OSError if it can't be read."""
        return self.stamps(tree).digest(tree, path)

    def run_key(self, tree: Tree, options: tuple[str | None, ...]) -> str:
        """Every file of the tree (its place and bytes), the tool, the schemas and the options."""
        digest = hashlib.sha256(f"run\0{tool_digest()}\0{options!r}\0".encode())
        for path in tree.files():
            try:
                content = self.digest(tree, path)
            except OSError as err:
                content = f"unreadable:{err.errno}"
            digest.update(f"{path}\0{content}\0".encode("utf-8", "surrogateescape"))
        digest.update(repr(tree.escapes()).encode("utf-8", "surrogateescape"))
        return "run-" + digest.hexdigest()

    def get_run(self, key: str) -> Findings | None:
        try:
            blob = self._run_path(key).read_bytes()
            version, found, files, project_failed, fatal, wanted = marshal.loads(blob)
            if version != FORMAT:
                return None
            return Findings(tuple(unflatten(found)), files, project_failed, fatal, wanted)
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def put_run(self, key: str, findings: Findings) -> None:
        blob = (
            FORMAT,
            flatten(findings.diagnostics),
            findings.files,
            findings.project_failed,
            findings.fatal,
            findings.wanted_values,
        )
        self._store(self._run_path(key), marshal.dumps(blob))

    def _pack_path(self, root: Path) -> Path:
        return self._state_path("packs", root)

    def _read_pack(self, path: Path) -> dict[str, bytes]:
        try:
            version, tool, entries = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        return entries if version == FORMAT and tool == tool_digest() and isinstance(entries, dict) else {}

    def open_pack(self, root: Path) -> None:
        """Load the entries the last runs over `root` used: the pack, and what was added since."""
        self._pack = self._read_pack(self._pack_path(root))
        self._added = self._read_pack(self._pack_path(root).with_suffix(".added"))
        self._pack.update(self._added)

    def _write_pack(self, path: Path, entries: dict[str, bytes]) -> None:
        self._store(path, marshal.dumps((FORMAT, tool_digest(), entries)))

    def save_pack(self, root: Path) -> None:
        """Keep this run's entries. A few new ones go to a small side file rather than the whole
        pack being written again; the pack is rewritten (dropping what no run uses) when they are
        many, or when many entries of the pack went unused."""
        new = {k: v for k, v in self._used.items() if k not in self._pack}
        if new or self._used.keys() != self._pack.keys():
            added = {**{k: v for k, v in self._added.items() if k in self._used}, **new}
            unused = len(self._pack) - (len(self._used) - len(new))
            if len(added) + unused > len(self._used) // 8:
                self._write_pack(self._pack_path(root), self._used)
                added = {}
            if new or added != self._added:
                self._write_pack(self._pack_path(root).with_suffix(".added"), added)
        stamped = self._stamped is not None and self._stamped.root == root
        if self._stamps is not None and stamped and self._stamps.changed():
            self._store(self._stamps_path(root), marshal.dumps(self._stamps.table()))
        self.prune()

    def vouched(self, tree: Tree) -> dict[str, str]:
        """The digest of each file of this run whose checked content was cached (never a plaintext secret)."""
        return self.stamps(tree).vouched()

    def _state_path(self, name: str, root: Path) -> Path:
        return self.directory / name / hashlib.sha256(str(root).encode()).hexdigest()

    def state(self, name: str, root: Path) -> bytes | None:
        """What the last run over `root` kept under `name` (None: nothing, or unreadable)."""
        try:
            return self._state_path(name, root).read_bytes()
        except OSError:
            return None

    def keep_state(self, name: str, root: Path, blob: bytes) -> None:
        self._store(self._state_path(name, root), blob)

    def get(self, tree: Tree, source: SourceFile) -> tuple[LoadedFile, list[Diagnostic]] | None:
        """What checking the file as it is now produced, if a run kept it; OSError if it can't be read.
        A hit leaves the file unread until its bytes are asked for."""
        stamps = self.stamps(tree)
        key = key_of(source, stamps.digest(tree, source.path))
        blob = self._pack.get(key)
        if blob is None:
            return None
        try:
            found = unpack(source, functools.partial(tree.read, source.path), blob)
        except (ValueError, EOFError, TypeError):
            return None  # corrupt: recomputed, and the pack rewritten
        self._used[key] = blob
        stamps.keep(source.path)
        return found

    def put(
        self, tree: Tree, loaded: LoadedFile, diagnostics: list[Diagnostic], blob: bytes | None = None
    ) -> None:
        """Keep what checking a file produced, for this run's pack (`blob`: already packed)."""
        if cacheable(loaded):
            self._used[key_of(loaded.source, content_digest(loaded.raw))] = blob or pack(loaded, diagnostics)
            self.stamps(tree).keep(loaded.path)

    def prune(self, limit: int = MAX_BYTES) -> None:
        """Keep the cache under `limit` bytes: past it, drop the oldest entries down to 80 %."""
        if not self.written or not self.directory.is_dir():
            return
        folders = [d for d in os.scandir(self.directory) if d.is_dir()]
        stats = {e.path: e.stat() for d in folders for e in os.scandir(d.path) if e.is_file()}
        total = sum(st.st_size for st in stats.values())
        if total <= limit:
            return
        for path in sorted(stats, key=lambda p: stats[p].st_mtime):
            if total <= limit * 0.8:
                return
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= stats[path].st_size
