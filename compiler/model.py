"""The compiled model: per environment, the effective deployments and the secrets they mount."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from compiler import pointers
from compiler.discover import Kind
from compiler.document import Document
from compiler.merge import Origin, Origins, merge, origins_of
from compiler.once import once
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

    @once
    def data(self) -> dict[str, Any]:
        return self.doc.data

    @once
    def type(self) -> str:
        return str(self.data.get("type", "env"))

    @once
    def stage(self) -> str:
        return str(self.data.get("stage", "runtime"))

    @once
    def mount_path(self) -> str:
        return str(self.data.get("path", "$BENTOML_HOME"))

    @once
    def sub_paths(self) -> dict[str, str]:
        return dict(self.data.get("sub_paths") or {})

    @once
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


class Facts(NamedTuple):
    """What the rules need of a deployment without merging it again: its name and secret lists."""

    name: str
    mounts: tuple[tuple[str, tuple[str, ...]], ...]  # per mount set: the list's pointer, the names


@dataclass(frozen=True)
class Deployment:
    """One deployment in one environment: its file, its overlay there, and the environment's
    cluster. The effective config is merged when first read; `known` facts of an earlier run
    (for files unchanged since) answer name and secret lists without it."""

    environment: str
    base: LoadedFile
    overlay: LoadedFile | None
    cluster: str | None = field(default=None, repr=False)
    known: Facts | None = field(default=None, repr=False, compare=False)

    @once
    def config(self) -> dict[str, Any]:
        """Shares unpatched parts with the loaded document: read-only to every consumer."""
        assert self.base.document is not None
        config = dict(self.base.document.data)
        if self.overlay is not None and self.overlay.document is not None:
            config = merge(config, self.overlay.document.data, self.overlay.document)
        if not config.get("cluster") and self.cluster:
            config["cluster"] = self.cluster
        return config

    @once
    def name(self) -> str:
        if self.known is not None:
            return self.known.name
        name = self.config.get("name")
        return name if isinstance(name, str) else self.base.source.stem

    def facts(self) -> Facts:
        return Facts(self.name, self.mounts)

    @once
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

    @once
    def mounts(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(pointer, names) of each secrets list mounted together: the deployment's, then each
        canary version's own."""
        if self.known is not None:
            return self.known.mounts
        lists = [("/secrets", self.config.get("secrets"))]
        versions = (self.config.get("canary") or {}).get("versions") or {}
        for name, version in sorted(versions.items()):
            if isinstance(version, dict) and version.get("secrets"):
                lists.append(
                    (pointers.join(pointers.join("/canary/versions", name), "secrets"), version["secrets"])
                )
        return tuple((pointer, tuple(str(n) for n in names or ())) for pointer, names in lists)

    @once
    def mount_sets(self) -> list[list[SecretRef]]:
        """Each set of secrets mounted together, as refs to where each was written."""
        return [
            [SecretRef(n, i, self, pointer) for i, n in enumerate(names)] for pointer, names in self.mounts
        ]

    @once
    def secret_refs(self) -> list[SecretRef]:
        """The deployment's own `secrets` list."""
        return self.mount_sets[0]

    @once
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
    name = file.document.declared_name if file.document is not None else None
    return name or file.source.stem


def invalid_secret_names(repo: Repo) -> set[str]:
    """Names of secret files that failed their checks: a reference to one is not "unknown"."""
    return {name_of(f) for f in repo.of_kind(Kind.SECRET) if not f.valid}


def secret_specs(repo: Repo) -> list[SecretSpec]:
    if "secret_specs" not in repo.memo:
        files = repo.of_kind(Kind.SECRET)
        repo.memo["secret_specs"] = [
            SecretSpec(name_of(f), f, f.source.environment) for f in files if f.valid
        ]
    return list(repo.memo["secret_specs"])


def _effective(
    base: LoadedFile, overlay: LoadedFile | None, environment: str, cluster: str | None
) -> Deployment:
    return Deployment(environment, base, overlay, cluster)


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
    deployments = {name: Deployment(environment, f, overlays.get(name), cluster) for name, f in bases.items()}
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
