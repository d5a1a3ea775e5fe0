"""The two sides of a plan: a git revision (read with git, never checked out) or the work tree.

The repo may be a sub-folder of the git repository: each revision is read below the same
prefix, so paths inside the plan are repo-relative on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compiler.decrypt import DecryptMode
from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import PROJECT_FILE, discover
from compiler.errors import UsageError
from compiler.project import load_project
from compiler.repo import Repo, load_repo
from compiler.tree import GitError, GitTree, git
from compiler.validate import ValidateOptions, validate


@dataclass
class RevisionTree(GitTree):
    """One revision's files below `prefix` (the repo's folder in the git repository)."""

    prefix: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.prefix:
            cut = len(self.prefix)
            self._blobs = {p[cut:]: sha for p, sha in self._blobs.items() if p.startswith(self.prefix)}
            self._links = [p[cut:] for p in self._links if p.startswith(self.prefix)]


@dataclass(frozen=True)
class Side:
    """One compiled side of the plan."""

    repo: Repo = field(repr=False)
    commit: str | None  # None: the work tree


def git_prefix(root: Path) -> str:
    """Where the repo lies inside its git repository (`infra/gitops/`, or '' at the top)."""
    try:
        return git(root, "rev-parse", "--show-prefix").decode().strip()
    except GitError as err:
        raise UsageError(f"{root} is not inside a git repository: {err}") from None


def revision(root: Path, ref: str, prefix: str) -> RevisionTree:
    if not ref or ref.startswith("-"):
        raise UsageError(f"{ref!r} is not a git revision")
    try:
        return RevisionTree(root, ref, prefix=prefix)
    except GitError:
        raise UsageError(f"unknown git revision {ref!r} in {root}") from None


def _is_bento_gitops(tree: RevisionTree) -> bool:
    project, _ = load_project(tree)
    files = tree.files()
    return PROJECT_FILE in files or bool(discover(files, project.secrets_dir, project.deployments_dir))


def _errors(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]


def load_base(root: Path, ref: str, prefix: str) -> tuple[Side, list[str]]:
    """The base as far as it loads, and a warning when some of it does not."""
    tree = revision(root, ref, prefix)
    if not _is_bento_gitops(tree):
        where = f" in {prefix.rstrip('/')}" if prefix else ""
        raise UsageError(
            f"base {ref!r} ({tree.commit[:12]}) has no {PROJECT_FILE}, secrets or deployments{where}: "
            "not a bento-gitops repo"
        )
    repo = load_repo(root, tree)
    if repo.project_failed:
        raise UsageError(
            f"the project file of base {ref!r} does not load; fix it there, or plan from another base"
        )
    broken = sorted({d.file for d in _errors(repo.diagnostics)})
    warnings = (
        [f"base {ref!r} has errors in {', '.join(broken)}; planned from the files that load"]
        if broken
        else []
    )
    return Side(repo, tree.commit), warnings


def load_head(
    root: Path, ref: str | None, prefix: str, sops: str | None
) -> tuple[Side | None, list[Diagnostic], int]:
    """The head, validated without decrypting; with errors: no side, the findings and the exit code."""
    tree = revision(root, ref, prefix) if ref is not None else None
    outcome = validate(ValidateOptions(root, decrypt=DecryptMode.NEVER, sops=sops), tree)
    if outcome.exit_code or outcome.repo is None:
        return None, outcome.diagnostics, outcome.exit_code
    return Side(outcome.repo, tree.commit if tree else None), [], 0
