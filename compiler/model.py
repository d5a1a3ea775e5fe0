"""The compiled model: per environment, the effective deployments and the secrets they mount."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
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

    @cached_property
    def data(self) -> dict[str, Any]:
        return self.doc.data

    @cached_property
    def type(self) -> str:
        return str(self.data.get("type", "env"))

    @cached_property
    def stage(self) -> str:
        return str(self.data.get("stage", "runtime"))

    @cached_property
    def mount_path(self) -> str:
        return str(self.data.get("path", "$BENTOML_HOME"))

    @cached_property
    def sub_paths(self) -> dict[str, str]:
        return dict(self.data.get("sub_paths") or {})

    @cached_property
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
    deployment: Deployment = field(repr=False, compare=False)
    list_pointer: str = "/secrets"

    @property
    def pointer(self) -> str:
        return f"{self.list_pointer}/{self.index}"

    @property
    def origin(self) -> Origin:
        return self.deployment.origin(self.pointer)


@dataclass(frozen=True)
class Deployment:
    name: str
    environment: str
    config: dict[str, Any]
    base: LoadedFile
    overlay: LoadedFile | None

    @cached_property
    def origins(self) -> Origins:
        """Where each node of the effective config was written; worked out only when a finding needs it."""
        assert self.base.document is not None
        origins = origins_of(self.base.document)
        if self.overlay is not None and self.overlay.document is not None:
            merge(self.base.document.data, self.overlay.document.data, self.overlay.document, origins)
        return origins

    def origin(self, pointer: str) -> Origin:
        while pointer not in self.origins and pointer:
            pointer = pointers.parent(pointer)
        return self.origins.get(pointer, Origin(self.base.path, 1, 1))

    def _refs(self, base: str, names: Any) -> list[SecretRef]:
        return [SecretRef(str(n), i, self, base) for i, n in enumerate(names or [])]

    @cached_property
    def secret_refs(self) -> list[SecretRef]:
        """The deployment's own `secrets` list."""
        return self._refs("/secrets", self.config.get("secrets"))

    @cached_property
    def mount_sets(self) -> list[list[SecretRef]]:
        """Each set of secrets mounted together: the deployment's, and each canary version's own."""
        sets = [self.secret_refs]
        versions = (self.config.get("canary") or {}).get("versions") or {}
        for name, version in sorted(versions.items()):
            if isinstance(version, dict) and version.get("secrets"):
                sets.append(
                    self._refs(
                        pointers.join(pointers.join("/canary/versions", name), "secrets"), version["secrets"]
                    )
                )
        return sets

    @cached_property
    def all_refs(self) -> list[SecretRef]:
        return [ref for refs in self.mount_sets for ref in refs]

    def related_overlay(self) -> tuple[str, ...]:
        return (self.overlay.path,) if self.overlay else ()


@dataclass(frozen=True)
class EnvironmentModel:
    name: str
    project: Project
    deployments: dict[str, Deployment]  # by base name; an overlay may rename one
    secrets: dict[str, SecretSpec]


def name_of(file: LoadedFile) -> str:
    """A secret's or deployment's name: its `name` field, else its file name."""
    name = file.document.data.get("name") if file.document is not None else None
    return name if isinstance(name, str) and name else file.source.stem


def secret_specs(repo: Repo) -> list[SecretSpec]:
    return [SecretSpec(name_of(f), f, f.source.environment) for f in repo.of_kind(Kind.SECRET) if f.valid]


def _effective(
    base: LoadedFile, overlay: LoadedFile | None, environment: str, cluster: str | None
) -> Deployment:
    """The deployment in one environment. Shares unpatched parts with the loaded document:
    the config is read-only to every consumer."""
    assert base.document is not None
    config = dict(base.document.data)
    if overlay is not None and overlay.document is not None:
        config = merge(config, overlay.document.data, overlay.document)
    if not config.get("cluster") and cluster:
        config["cluster"] = cluster
    name = config.get("name") if isinstance(config.get("name"), str) else base.source.stem
    return Deployment(str(name), environment, config, base, overlay)


def _first_by_name(files: list[LoadedFile]) -> dict[str, LoadedFile]:
    chosen: dict[str, LoadedFile] = {}
    for file in files:
        chosen.setdefault(name_of(file), file)
    return chosen


def build_environment(repo: Repo, environment: str) -> EnvironmentModel:
    env = repo.project.environment(environment)
    cluster = env.cluster if env else None
    bases = _first_by_name([f for f in repo.of_kind(Kind.DEPLOYMENT) if f.valid])
    # environments/<env>/<name>.yaml patches the deployment named <name>; its own `name:` renames it
    overlays: dict[str, LoadedFile] = {}
    for f in repo.of_kind(Kind.OVERLAY):
        if f.valid and f.source.environment == environment:
            overlays.setdefault(f.source.stem, f)
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
