"""Find the files of a bento-gitops repo (DESIGN 1) without reading them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

PROJECT_FILE = "bento-gitops.yaml"
SOPS_CONFIG = ".sops.yaml"
ENVIRONMENTS_DIR = "environments"
YAML_SUFFIXES = (".yaml", ".yml")


class Kind(str, Enum):
    PROJECT = "project"
    SECRET = "secret"
    DEPLOYMENT = "deployment"
    OVERLAY = "overlay"


@dataclass(frozen=True, order=True)
class SourceFile:
    path: str  # repo-relative, forward slashes
    kind: Kind
    environment: str | None = None  # overlays and per-environment secrets

    @property
    def stem(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Escape:
    """A symlink that leads outside the repo: refused, never read."""

    path: str


def _is_yaml(name: str) -> bool:
    return not name.startswith(".") and name.endswith(YAML_SUFFIXES)


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def walk_yaml(root: Path, folder: str) -> tuple[list[str], list[Escape]]:
    """Repo-relative paths of the YAML files below `folder`, sorted; escaping links apart."""
    found: list[str] = []
    escapes: list[Escape] = []
    base = root / folder
    if not base.is_dir() or not _inside(root, base):
        return found, escapes
    for current, dirs, files in os.walk(base, followlinks=False):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(f for f in files if _is_yaml(f)):
            full = here / name
            rel = full.relative_to(root).as_posix()
            if full.is_symlink() and not _inside(root, full):
                escapes.append(Escape(rel))
            else:
                found.append(rel)
        for name in list(dirs):
            link = here / name
            if link.is_symlink():
                dirs.remove(name)
                if not _inside(root, link):
                    escapes.append(Escape(link.relative_to(root).as_posix()))
    return found, escapes


def discover(
    root: Path, secrets_dir: str = "secrets", deployments_dir: str = "deployments"
) -> tuple[list[SourceFile], list[Escape]]:
    root = root.resolve()
    files: list[SourceFile] = []
    secrets, escapes = walk_yaml(root, secrets_dir)
    deployments, more = walk_yaml(root, deployments_dir)
    escapes += more
    files += [SourceFile(p, Kind.SECRET) for p in secrets]
    files += [SourceFile(p, Kind.DEPLOYMENT) for p in deployments]
    env_root = root / ENVIRONMENTS_DIR
    if env_root.is_dir() and _inside(root, env_root):
        for env in sorted(e.name for e in env_root.iterdir() if e.is_dir() and not e.name.startswith(".")):
            overlays, more = walk_yaml(root, f"{ENVIRONMENTS_DIR}/{env}")
            escapes += more
            for path in overlays:
                kind = Kind.SECRET if path.startswith(f"{ENVIRONMENTS_DIR}/{env}/secrets/") else Kind.OVERLAY
                files.append(SourceFile(path, kind, env))
    return sorted(files), escapes
