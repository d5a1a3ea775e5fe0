"""Where secret files live and how they are written: ciphertext only, atomically, never over another."""

from __future__ import annotations

import difflib
import os
import posixpath
import tempfile
from pathlib import Path

from compiler.discover import ENVIRONMENTS_DIR, Kind
from compiler.errors import UsageError
from compiler.model import name_of
from compiler.project import Project
from compiler.repo import LoadedFile, Repo
from compiler.rules.dns_names import is_dns_label


class Refused(Exception):
    """The change would leave a secret file that does not validate, or clobber one: exit 1.

    `problems` are lines to show (rule codes and messages, never values).
    """

    def __init__(self, summary: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problems = problems


def check_name(name: str) -> None:
    """A secret name is a DNS-1123 label (BG505); it also becomes a file name, so check it first."""
    if not is_dns_label(name):
        raise UsageError(
            f"secret name {name!r} is not a DNS-1123 label (BG505): use at most 63 lower-case "
            "letters, digits and '-', starting and ending with a letter or digit"
        )


def check_environment(project: Project, environment: str | None) -> None:
    if environment is not None and environment not in project.environment_names:
        known = ", ".join(project.environment_names)
        raise UsageError(f"unknown environment {environment!r}; bento-gitops.yaml declares: {known}")


def secret_path(project: Project, name: str, environment: str | None) -> str:
    """Repo-relative path of a new secret: `<secrets_dir>/NAME.yaml`, or the environment's."""
    folder = f"{ENVIRONMENTS_DIR}/{environment}/secrets" if environment else project.secrets_dir
    return posixpath.normpath(posixpath.join(folder, f"{name}.yaml"))


def _scope(environment: str | None) -> str:
    return f" in environment {environment}" if environment else ""


def secrets_named(repo: Repo, name: str, environment: str | None) -> list[LoadedFile]:
    return [
        f for f in repo.of_kind(Kind.SECRET) if f.source.environment == environment and name_of(f) == name
    ]


def find_secret(repo: Repo, name: str, environment: str | None) -> LoadedFile:
    """The one valid secret file of that name (in that environment, or the base one)."""
    found = secrets_named(repo, name, environment)
    if not found:
        known = sorted({name_of(f) for f in repo.of_kind(Kind.SECRET) if f.source.environment == environment})
        hint = difflib.get_close_matches(name, known, n=1)
        advice = f"; did you mean {hint[0]!r}?" if hint else f"; known: {', '.join(known) or 'none'}"
        raise UsageError(f"no secret named {name!r}{_scope(environment)}{advice}")
    if len(found) > 1:
        paths = ", ".join(f.path for f in found)
        raise Refused(f"secret {name!r} is defined by several files ({paths}); keep one (BG502)")
    if not found[0].valid:
        raise Refused(
            f"{found[0].path} does not validate; fix it first (`bento-gitops validate {found[0].path}`)"
        )
    return found[0]


def _default_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def temp_beside(target: Path) -> Path:
    """An empty temp file next to `target` (same file system), hidden from discovery by its dot."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".tmp.yaml")
    os.close(fd)
    return Path(name)


def _write(path: Path, content: bytes) -> None:
    with open(path, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())


def _make_parents(folder: Path) -> list[Path]:
    made: list[Path] = []
    for parent in reversed([folder, *folder.parents]):
        if not parent.exists():
            parent.mkdir()
            made.append(parent)
    return made


def _link_or_create(source: Path, target: Path, content: bytes) -> None:
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links here: exclusive create is still never an overwrite
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _default_mode())
        with os.fdopen(fd, "wb") as out:
            out.write(content)


def write_new(target: Path, content: bytes, shown: str) -> None:
    """Write ciphertext to a new file, atomically; an existing file is never replaced."""
    made = _make_parents(target.parent)
    temp = temp_beside(target)
    try:
        _write(temp, content)
        os.chmod(temp, _default_mode())
        _link_or_create(temp, target, content)
    except FileExistsError:
        for folder in reversed(made):
            folder.rmdir()
        raise Refused(f"{shown} already exists; it was not overwritten") from None
    finally:
        temp.unlink(missing_ok=True)


def replace_file(temp: Path, target: Path, expected: bytes, shown: str) -> None:
    """Move `temp` over `target`, unless `target` changed since it was read as `expected`."""
    if target.read_bytes() != expected:
        temp.unlink(missing_ok=True)
        raise Refused(f"{shown} changed on disk while bento-gitops worked on it; nothing was written")
    os.chmod(temp, target.stat().st_mode & 0o7777)
    os.replace(temp, target)
