"""The project file `bento-gitops.yaml` (DESIGN 1.1) as a typed record."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler.cache import ContentCache
from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import PROJECT_FILE, Kind, SourceFile
from compiler.document import Document
from compiler.loading import check_files
from compiler.tree import Tree, WorkTree

DEFAULT_ENVIRONMENT = "default"
DEFAULT_BENTOML_HOME = "/home/bentoml/bentoml"


@dataclass(frozen=True)
class Environment:
    name: str
    cluster: str | None = None
    namespace: str | None = None


@dataclass(frozen=True)
class KubernetesSettings:
    """The `kubernetes:` section: how render --target kubernetes names things."""

    namespace: str = "default"
    image: str = "{bento_name}:{bento_version}"
    image_pull_secrets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    bentoml_home: str = DEFAULT_BENTOML_HOME
    secrets_dir: str = "secrets"
    deployments_dir: str = "deployments"
    environments: tuple[Environment, ...] = (Environment(DEFAULT_ENVIRONMENT),)
    rules: dict[str, str] = field(default_factory=dict)
    kubernetes: KubernetesSettings = KubernetesSettings()
    document: Document | None = None

    @property
    def environment_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.environments)

    def environment(self, name: str) -> Environment | None:
        return next((e for e in self.environments if e.name == name), None)


def _folder(doc: Document, key: str, default: str) -> tuple[str, list[Diagnostic]]:
    value = str(doc.data.get(key, default))
    norm = posixpath.normpath(value)
    if posixpath.isabs(norm) or norm == ".." or norm.startswith("../"):
        line, col = doc.position(f"/{key}")
        message = f"'{key}' must be a folder inside the repo"
        return default, [Diagnostic(doc.path, line, col, "BG103", Severity.ERROR, message, f"/{key}")]
    return norm, []


def _from_data(doc: Document) -> tuple[Project, list[Diagnostic]]:
    data: dict[str, Any] = doc.data
    secrets_dir, problems = _folder(doc, "secrets_dir", "secrets")
    deployments_dir, more = _folder(doc, "deployments_dir", "deployments")
    envs = data.get("environments") or {}
    environments = tuple(
        Environment(name, (spec or {}).get("cluster"), (spec or {}).get("namespace"))
        for name, spec in sorted(envs.items())
    ) or (Environment(DEFAULT_ENVIRONMENT),)
    k8s = data.get("kubernetes") or {}
    kubernetes = KubernetesSettings(
        k8s.get("namespace", "default"),
        k8s.get("image", KubernetesSettings.image),
        tuple(k8s.get("image_pull_secrets") or ()),
    )
    project = Project(
        bentoml_home=posixpath.normpath(data.get("bentoml_home", DEFAULT_BENTOML_HOME)),
        secrets_dir=secrets_dir,
        deployments_dir=deployments_dir,
        environments=environments,
        rules=dict(data.get("rules") or {}),
        kubernetes=kubernetes,
        document=doc,
    )
    return project, problems + more


def load_project(source: Path | Tree, cache: ContentCache | None = None) -> tuple[Project, list[Diagnostic]]:
    """The project, or the defaults when there is no project file; diagnostics are BG0xx/BG103."""
    tree = WorkTree(source) if isinstance(source, Path) else source
    if PROJECT_FILE in tree.escapes():
        message = "the project file is a link leading outside the repo; refused and not read"
        return Project(), [Diagnostic(PROJECT_FILE, 1, 1, "BG004", Severity.ERROR, message)]
    if PROJECT_FILE not in tree.files():
        return Project(), []
    checked, unreadable = check_files(tree, [SourceFile(PROJECT_FILE, Kind.PROJECT)], cache)
    if unreadable:
        return Project(), unreadable
    (loaded, errors), *_ = checked
    if loaded.document is None:
        return Project(), errors
    if errors:
        return Project(document=loaded.document), errors
    return _from_data(loaded.document)
