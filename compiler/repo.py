"""Read a whole repo: discover, load with positions, check schemas and encryption structure."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler.cache import ContentCache, tool_digest
from compiler.checkfile import LoadedFile, check_document
from compiler.checkfile import error as _error
from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import SOPS_CONFIG, Kind, discover, in_input_folder
from compiler.loading import check_files
from compiler.project import Project, load_project
from compiler.sops_checks import Answers, restore, snapshot, sops_findings
from compiler.sopsconfig import SopsConfig, load_sops_config
from compiler.tree import GitTree, Tree, WorkTree

SOPS_ANSWERS = "sops"  # the cache's name for the answers of sops_checks


@dataclass(frozen=True)
class Repo:
    root: Path
    project: Project
    files: tuple[LoadedFile, ...]
    sops_config: SopsConfig | None
    diagnostics: tuple[Diagnostic, ...]
    project_failed: bool = False
    # what later stages work out once from the files (a replace()d repo starts afresh)
    memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def of_kind(self, kind: Kind) -> list[LoadedFile]:
        if "kinds" not in self.memo:
            kinds: dict[Kind, list[LoadedFile]] = {}
            for f in self.files:
                kinds.setdefault(f.source.kind, []).append(f)
            self.memo["kinds"] = kinds
        return list(self.memo["kinds"].get(kind, ()))


def load_repo(root: Path, tree: Tree | None = None, cache: ContentCache | None = None) -> Repo:
    """Load every input of the repo at `root`, from the work tree or the given tree (a git revision)."""
    tree = tree or WorkTree(root)
    root = tree.root
    packed = cache is not None and isinstance(tree, WorkTree)
    if packed and cache is not None:
        cache.open_pack(root)
    repo = _load(tree, cache)
    if packed and cache is not None:
        cache.save_pack(root)
    return repo


def _load(tree: Tree, cache: ContentCache | None) -> Repo:
    root = tree.root
    project, problems = load_project(tree, cache)
    if problems and any(d.severity is Severity.ERROR for d in problems):
        return Repo(root, project, (), None, tuple(problems), project_failed=True)
    sources = discover(tree.files(), project.secrets_dir, project.deployments_dir)
    escapes = [p for p in tree.escapes() if in_input_folder(p, project.secrets_dir, project.deployments_dir)]
    found = list(problems)
    found += [_error(p, "BG004", "symlink leads outside the repo; refused and not read") for p in escapes]
    if isinstance(tree, GitTree):
        tree.prefetch([s.path for s in sources])
    checked, unreadable = check_files(tree, sources, cache)
    found += unreadable
    files: list[LoadedFile] = []
    for loaded, diagnostics in checked:
        files.append(loaded)
        found += diagnostics
    sops_config, sops_found = _against_sops(tree, files, cache)
    found += sops_found
    return Repo(root, project, tuple(files), sops_config, tuple(found))


def _against_sops(
    tree: Tree, files: list[LoadedFile], cache: ContentCache | None
) -> tuple[SopsConfig | None, list[Diagnostic]]:
    """.sops.yaml, its problems and BG204/BG205; in the work tree, the last run's answers serve
    what is unchanged since."""
    earlier = None
    if cache is not None and isinstance(tree, WorkTree) and SOPS_CONFIG in tree.files():
        with contextlib.suppress(OSError):  # unreadable: loading it says so
            key = f"{tool_digest()}\0{cache.digest(tree, SOPS_CONFIG)}"
            earlier = Answers.parse(cache.state(SOPS_ANSWERS, tree.root), key)
    if earlier is not None and earlier.snapshot is not None:
        config, problems = restore(earlier.snapshot)
    else:
        config, problems = load_sops_config(tree)
    found: list[Diagnostic] = []
    answers = Answers(earlier.config if earlier else "")
    if config is not None:
        digests = cache.vouched(tree) if cache is not None and earlier is not None else {}
        found, answers = sops_findings(tree, files, config, earlier or Answers(), digests)
    if cache is not None and earlier is not None:
        answers.snapshot = snapshot(config, problems)
        if answers != earlier:
            cache.keep_state(SOPS_ANSWERS, tree.root, answers.dump())
    return config, problems + found


__all__ = ["LoadedFile", "Repo", "check_document", "load_repo"]
