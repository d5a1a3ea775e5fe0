"""Load one file and run every check that needs only the file itself (schemas, encryption)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import Kind, SourceFile
from compiler.document import Document
from compiler.encryption import secret_encryption
from compiler.schema import schema_errors
from compiler.semantics import semantic_errors

Reader = Callable[[], bytes]


@dataclass(frozen=True)
class LoadedFile:
    source: SourceFile
    reader: Reader = field(repr=False, compare=False)  # the bytes, read only when asked for
    document: Document | None
    valid: bool  # loaded and schema-clean: later stages may trust its shape

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def raw(self) -> bytes:
        return self.reader()


def held(raw: bytes) -> Reader:
    return lambda: raw


def error(path: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, 1, 1, code, Severity.ERROR, message)


def unreadable(path: str, err: OSError) -> Diagnostic:
    if isinstance(err, IsADirectoryError):
        return error(path, "BG004", "expected a file, found a directory")
    return error(path, "BG004", f"cannot read the file: {err.strerror or err}")


def check_document(source: SourceFile, raw: bytes) -> tuple[LoadedFile, list[Diagnostic]]:
    """Load one file and run every check that needs only the file itself."""
    from compiler.load import load_bytes  # ruamel: only for files the cache doesn't hold

    result = load_bytes(source.path, raw, forbid_anchors=source.kind is Kind.SECRET)
    doc = result.document
    if doc is None:
        return LoadedFile(source, held(raw), None, False), result.diagnostics
    encryption = secret_encryption(doc) if source.kind is Kind.SECRET else []
    # an encrypted field fails its schema as a consequence; BG203 says why
    hidden = tuple(d.pointer for d in encryption if d.code == "BG203")
    schema = [d for d in schema_errors(doc, source.kind) if not (hidden and d.pointer.startswith(hidden))]
    found = result.diagnostics + schema + semantic_errors(doc, source.kind) + encryption
    return LoadedFile(source, held(raw), doc, not found), found
