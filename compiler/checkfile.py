"""Load one file and run every check that needs only the file itself (schemas, encryption)."""

from __future__ import annotations

from dataclasses import dataclass, field

from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import Kind, SourceFile
from compiler.encryption import secret_encryption
from compiler.load import Document, load_bytes
from compiler.schema import schema_errors
from compiler.semantics import semantic_errors
from compiler.tree import Tree


@dataclass(frozen=True)
class LoadedFile:
    source: SourceFile
    raw: bytes = field(repr=False)
    document: Document | None
    valid: bool  # loaded and schema-clean: later stages may trust its shape

    @property
    def path(self) -> str:
        return self.source.path


def error(path: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, 1, 1, code, Severity.ERROR, message)


def read_source(tree: Tree, source: SourceFile) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        return tree.read(source.path), []
    except IsADirectoryError:
        return None, [error(source.path, "BG004", "expected a file, found a directory")]
    except OSError as err:
        return None, [error(source.path, "BG004", f"cannot read the file: {err.strerror or err}")]


def check_document(source: SourceFile, raw: bytes) -> tuple[LoadedFile, list[Diagnostic]]:
    """Load one file and run every check that needs only the file itself."""
    result = load_bytes(source.path, raw, forbid_anchors=source.kind is Kind.SECRET)
    doc = result.document
    if doc is None:
        return LoadedFile(source, raw, None, False), result.diagnostics
    encryption = secret_encryption(doc) if source.kind is Kind.SECRET else []
    # an encrypted field fails its schema as a consequence; BG203 says why
    hidden = tuple(d.pointer for d in encryption if d.code == "BG203")
    schema = [d for d in schema_errors(doc, source.kind) if not (hidden and d.pointer.startswith(hidden))]
    found = result.diagnostics + schema + semantic_errors(doc, source.kind) + encryption
    return LoadedFile(source, raw, doc, not found), found
