"""Find the files of a bento-gitops repo (DESIGN 1) without reading them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

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


def _is_yaml(name: str) -> bool:
    return not name.startswith(".") and name.endswith(YAML_SUFFIXES)


def _below(path: str, folder: str) -> bool:
    return folder in ("", ".") or path.startswith(folder.rstrip("/") + "/")


def _visible(path: str) -> bool:
    parts = path.split("/")
    return _is_yaml(parts[-1]) and not any(p.startswith(".") for p in parts[:-1])


def classify(
    path: str, secrets_dir: str = "secrets", deployments_dir: str = "deployments"
) -> SourceFile | None:
    """What a repo file is to bento-gitops, or None when it is none of its inputs."""
    if not _visible(path):
        return None
    parts = path.split("/")
    if parts[0] == ENVIRONMENTS_DIR and len(parts) >= 3:
        env = parts[1]
        kind = Kind.SECRET if len(parts) >= 4 and parts[2] == "secrets" else Kind.OVERLAY
        return SourceFile(path, kind, env)
    if _below(path, secrets_dir):
        return SourceFile(path, Kind.SECRET)
    if _below(path, deployments_dir):
        return SourceFile(path, Kind.DEPLOYMENT)
    return None


def in_input_folder(path: str, secrets_dir: str = "secrets", deployments_dir: str = "deployments") -> bool:
    """Whether a path lies where inputs are searched (a link there is refused, not skipped)."""
    return any(_below(path, d) for d in (secrets_dir, deployments_dir, ENVIRONMENTS_DIR)) or bool(
        classify(path, secrets_dir, deployments_dir)
    )


def discover(
    files: list[str], secrets_dir: str = "secrets", deployments_dir: str = "deployments"
) -> list[SourceFile]:
    """The inputs among a tree's files, sorted by path."""
    found = (classify(p, secrets_dir, deployments_dir) for p in files)
    return sorted((f for f in found if f is not None), key=lambda f: f.path)  # paths are unique
