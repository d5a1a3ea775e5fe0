"""Read a whole repo: discover, load with positions, check schemas and encryption structure."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import Kind, SourceFile, discover, in_input_folder
from compiler.encryption import recipient_drift, secret_encryption, unencrypted_by_rule
from compiler.load import Document, load_bytes
from compiler.project import Project, load_project
from compiler.schema import schema_errors
from compiler.semantics import semantic_errors
from compiler.sopsconfig import SopsConfig, load_sops_config
from compiler.tree import GitTree, Tree, WorkTree


@dataclass(frozen=True)
class LoadedFile:
    source: SourceFile
    raw: bytes = field(repr=False)
    document: Document | None
    valid: bool  # loaded and schema-clean: later stages may trust its shape

    @property
    def path(self) -> str:
        return self.source.path


@dataclass(frozen=True)
class Repo:
    root: Path
    project: Project
    files: tuple[LoadedFile, ...]
    sops_config: SopsConfig | None
    diagnostics: tuple[Diagnostic, ...]
    project_failed: bool = False

    def of_kind(self, kind: Kind) -> list[LoadedFile]:
        return [f for f in self.files if f.source.kind is kind]


def _error(path: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, 1, 1, code, Severity.ERROR, message)


def read_source(tree: Tree, source: SourceFile) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        return tree.read(source.path), []
    except IsADirectoryError:
        return None, [_error(source.path, "BG004", "expected a file, found a directory")]
    except OSError as err:
        return None, [_error(source.path, "BG004", f"cannot read the file: {err.strerror or err}")]


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


def load_repo(root: Path, tree: Tree | None = None) -> Repo:
    """Load every input of the repo at `root`, from the work tree or the given tree (a git revision)."""
    tree = tree or WorkTree(root)
    root = tree.root
    project, problems = load_project(tree)
    if problems and any(d.severity is Severity.ERROR for d in problems):
        return Repo(root, project, (), None, tuple(problems), project_failed=True)
    sources = discover(tree.files(), project.secrets_dir, project.deployments_dir)
    escapes = [p for p in tree.escapes() if in_input_folder(p, project.secrets_dir, project.deployments_dir)]
    found = list(problems)
    found += [_error(p, "BG004", "symlink leads outside the repo; refused and not read") for p in escapes]
    if isinstance(tree, GitTree):
        tree.prefetch([s.path for s in sources])
    files: list[LoadedFile] = []
    for source in sources:
        raw, unreadable = read_source(tree, source)
        found += unreadable
        if raw is not None:
            loaded, diagnostics = check_document(source, raw)
            files.append(loaded)
            found += diagnostics
    sops_config, sops_problems = load_sops_config(tree)
    found += sops_problems
    if sops_config is not None:
        for secret in files:
            if secret.source.kind is Kind.SECRET and secret.document is not None:
                found += recipient_drift(secret.document, sops_config)
        skip = {f.path for f in files if f.source.kind is Kind.SECRET}
        found += unencrypted_by_rule(tree, sops_config, skip)
    return Repo(root, project, tuple(files), sops_config, tuple(found))
