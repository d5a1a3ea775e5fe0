"""The compiled model: per environment, the effective deployments and the secrets they mount."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from compiler import pointers
from compiler.discover import Kind
from compiler.load import Document
from compiler.merge import Origin, Origins, merge, origins_of
from compiler.project import Project
from compiler.repo import LoadedFile, Repo


@dataclass(frozen=True)
class SecretSpec:
    """One secret file as the rules see it (plaintext structure only, never values)."""

    name: str
    file: LoadedFile
    environment: str | None  # set for environments/<env>/secrets/ files

    @property
    def doc(self) -> Document:
        assert self.file.document is not None
        return self.file.document

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data

    @property
    def type(self) -> str:
        return str(self.data.get("type", "env"))

    @property
    def stage(self) -> str:
        return str(self.data.get("stage", "runtime"))

    @property
    def mount_path(self) -> str:
        return str(self.data.get("path", "$BENTOML_HOME"))

    @property
    def sub_paths(self) -> dict[str, str]:
        return dict(self.data.get("sub_paths") or {})

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.data.get("data") or {})

    def origin(self, pointer: str, key: bool = False) -> Origin:
        line, column = self.doc.key_position(pointer) if key else self.doc.position(pointer)
        return Origin(self.path, line, column)


@dataclass(frozen=True)
class SecretRef:
    """One entry of a deployment's `secrets` list, where it was written."""

    name: str
    index: int
    origin: Origin


@dataclass(frozen=True)
class Deployment:
    name: str
    environment: str
    config: dict[str, Any]
    base: LoadedFile
    overlay: LoadedFile | None
    origins: Origins = field(repr=False)

    def origin(self, pointer: str) -> Origin:
        while pointer not in self.origins and pointer:
            pointer = pointers.parent(pointer)
        return self.origins.get(pointer, Origin(self.base.path, 1, 1))

    @property
    def secret_refs(self) -> list[SecretRef]:
        names = self.config.get("secrets") or []
        return [SecretRef(str(n), i, self.origin(f"/secrets/{i}")) for i, n in enumerate(names)]

    def related_overlay(self) -> tuple[str, ...]:
        return (self.overlay.path,) if self.overlay else ()


@dataclass(frozen=True)
class EnvironmentModel:
    name: str
    project: Project
    deployments: dict[str, Deployment]  # by base name; an overlay may rename one
    secrets: dict[str, SecretSpec]


def name_of(file: LoadedFile) -> str:
    assert file.document is not None
    name = file.document.data.get("name")
    return name if isinstance(name, str) and name else file.source.stem


def secret_specs(repo: Repo) -> list[SecretSpec]:
    return [SecretSpec(name_of(f), f, f.source.environment) for f in repo.of_kind(Kind.SECRET) if f.valid]


def _effective(
    base: LoadedFile, overlay: LoadedFile | None, environment: str, cluster: str | None
) -> Deployment:
    assert base.document is not None
    config = copy.deepcopy(base.document.data)
    origins = origins_of(base.document)
    if overlay is not None and overlay.document is not None:
        config = merge(config, overlay.document.data, overlay.document, origins)
    if not config.get("cluster") and cluster:
        config["cluster"] = cluster
    name = config.get("name") if isinstance(config.get("name"), str) else base.source.stem
    return Deployment(str(name), environment, config, base, overlay, origins)


def _first_by_name(files: list[LoadedFile]) -> dict[str, LoadedFile]:
    chosen: dict[str, LoadedFile] = {}
    for file in files:
        chosen.setdefault(name_of(file), file)
    return chosen


def build_environment(repo: Repo, environment: str) -> EnvironmentModel:
    env = repo.project.environment(environment)
    cluster = env.cluster if env else None
    bases = _first_by_name([f for f in repo.of_kind(Kind.DEPLOYMENT) if f.valid])
    overlays = _first_by_name(
        [f for f in repo.of_kind(Kind.OVERLAY) if f.valid and f.source.environment == environment]
    )
    deployments = {name: _effective(f, overlays.get(name), environment, cluster) for name, f in bases.items()}
    secrets: dict[str, SecretSpec] = {}
    for spec in secret_specs(repo):
        if spec.environment is None:
            secrets.setdefault(spec.name, spec)
    for spec in secret_specs(repo):
        if spec.environment == environment:
            secrets[spec.name] = spec  # replaces the base secret; one with no base is BG508
    return EnvironmentModel(environment, repo.project, deployments, secrets)


def build_model(repo: Repo, only: str | None = None) -> Iterator[EnvironmentModel]:
    for name in repo.project.environment_names:
        if only is None or name == only:
            yield build_environment(repo, name)
