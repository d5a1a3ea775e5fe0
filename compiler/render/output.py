"""Write a whole output directory or nothing: build beside it, then swap it in."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from compiler.errors import UsageError

INDEX = "index.json"
INPUT_FOLDERS = ("deployments", "secrets", "environments", "templates", ".git")
GENERATOR_MARK = '"generator": "bento-gitops'


def _contains(outer: Path, inner: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_destination(out: Path, repo: Path, force: bool) -> Path:
    """Refuse an --out that would destroy something: the repo, its parents, /, home, foreign dirs."""
    target = Path(os.path.abspath(out))
    resolved = target.resolve()
    repo = repo.resolve()
    home = Path.home().resolve()
    if resolved == Path(resolved.anchor) or _contains(resolved, home) or _contains(resolved, repo):
        raise UsageError(f"refusing to render into {out}: it holds the repo, your home or the root")
    inputs = [repo / name for name in INPUT_FOLDERS]
    if any(_contains(resolved, folder) or _contains(folder, resolved) for folder in inputs):
        raise UsageError(f"refusing to render into {out}: it holds or lies inside the repo's input files")
    if resolved.is_symlink() or (target.exists() and not target.is_dir()):
        raise UsageError(f"refusing to render into {out}: it exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force and not _previous_output(target):
        raise UsageError(
            f"refusing to replace {out}: it is not empty and holds no {INDEX} written by bento-gitops "
            "(pass --force to replace it)"
        )
    return target


def _previous_output(directory: Path) -> bool:
    index = directory / INDEX
    try:
        return (
            index.is_file() and GENERATOR_MARK in index.read_text(encoding="utf-8", errors="replace")[:4096]
        )
    except OSError:
        return False


def _write(root: Path, rel: str, data: bytes, mode: int) -> None:
    target = root / rel
    if not _contains(root, Path(os.path.abspath(target))):
        raise UsageError(f"refusing to write {rel}: it would land outside the output directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


@contextmanager
def _staging(parent: Path) -> Iterator[Path]:
    staging = Path(tempfile.mkdtemp(prefix=".bento-gitops-render-", dir=parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=".bento-gitops-old-", dir=target.parent))
    old.rmdir()
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialise swaps into one parent directory (two renders into one --out at once)."""
    try:
        import fcntl
    except ImportError:  # not on Windows: the swap alone must do
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_tree(target: Path, files: Mapping[str, bytes], private: bool) -> None:
    """Replace `target` with exactly `files`; on any failure or interrupt it stays as it was.

    `private`: the files hold secret values: 0600 files in 0700 directories.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    file_mode, dir_mode = (0o600, 0o700) if private else (0o644, 0o755)
    with _staging(target.parent) as staging:
        for rel in sorted(files):
            _write(staging, rel, files[rel], file_mode)
        for directory in sorted({p for p in staging.rglob("*") if p.is_dir()} | {staging}, reverse=True):
            directory.chmod(dir_mode)
        with _locked(target.parent):
            _swap(staging, target)
