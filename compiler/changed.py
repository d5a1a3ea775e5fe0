"""Where the repo sits in git: the files changed since a revision (`validate --changed-since`), and
paths from the top of the git work tree, which is where pull-request annotations point."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import replace
from pathlib import Path

from compiler.diagnostics import Diagnostic
from compiler.errors import UsageError
from compiler.tree import GitError, git


def _paths(listing: bytes) -> list[str]:
    return [p.decode("utf-8", "surrogateescape") for p in listing.split(b"\0") if p]


def git_prefix(root: Path) -> str | None:
    """The repo's folder in its git work tree: "" at the top, "infra/bento/" below it, None outside git."""
    try:
        return git(root, "rev-parse", "--show-prefix").decode("utf-8", "surrogateescape").strip("\n")
    except (GitError, OSError):
        return None


def _commit(root: Path, ref: str) -> str:
    if ref.startswith("-"):  # never an option to git
        raise UsageError(f"--changed-since: {ref!r} is not a git revision")
    try:
        return git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except GitError:
        raise UsageError(f"--changed-since: unknown git revision {ref!r}") from None


def changed_since(root: Path, ref: str) -> set[str]:
    """Repo-relative paths that differ between REF and the work tree (staged or not), and untracked files."""
    prefix = git_prefix(root)
    if prefix is None:
        raise UsageError(f"--changed-since needs a git repository; {root} is not in one")
    commit = _commit(root, ref)
    diff = _paths(git(root, "diff", "--name-only", "--no-renames", "-z", commit, "--"))
    untracked = _paths(git(root, "ls-files", "--others", "--exclude-standard", "-z"))
    inside = {p[len(prefix) :] for p in diff if p.startswith(prefix)}  # diff names from the git top
    return inside | set(untracked)  # ls-files names from the current folder, the repo


def about(d: Diagnostic, files: Set[str]) -> bool:
    """A finding in one of the files, or with a related location in one (as `validate FILES` filters)."""
    return d.file in files or any(r.file in files for r in d.related)


def from_git_top(diagnostics: Sequence[Diagnostic], prefix: str) -> list[Diagnostic]:
    """The findings with paths from the top of the git work tree instead of from the repo."""
    if not prefix:
        return list(diagnostics)
    return [
        replace(d, file=prefix + d.file, related=tuple(replace(r, file=prefix + r.file) for r in d.related))
        for d in diagnostics
    ]
