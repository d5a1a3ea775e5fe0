"""What the repo says about its secrets, from plaintext fields alone: no key, no value, no sops."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from compiler.discover import Kind
from compiler.errors import UsageError
from compiler.impact import users_of
from compiler.model import EnvironmentModel, SecretSpec, build_model, secret_specs
from compiler.mountpaths import display, key_location, mount_segments
from compiler.repo import load_repo


@dataclass(frozen=True)
class KeyInfo:
    name: str
    location: str | None  # file secrets: where the key's file lands


@dataclass(frozen=True)
class SecretInfo:
    name: str
    environment: str | None  # set for environments/<env>/secrets/ files
    file: str
    type: str
    stage: str
    mount_path: str | None  # file secrets only
    keys: tuple[KeyInfo, ...]
    template: str | None
    description: str | None
    used_by: tuple[tuple[str, tuple[str, ...]], ...]  # (environment, deployments), users only


@dataclass(frozen=True)
class Listing:
    secrets: tuple[SecretInfo, ...]
    skipped: tuple[str, ...]  # secret files that don't validate, so can't be described


def _location(spec: SecretSpec, key: str, home: str) -> str:
    sub_path = spec.sub_paths.get(key)
    mount = mount_segments(spec.mount_path, home)
    if mount is None:  # BG401: show what is written
        return "/".join(p for p in (spec.mount_path.rstrip("/"), sub_path, key) if p)
    return display(key_location(mount, sub_path, key))


def _used_by(spec: SecretSpec, models: list[EnvironmentModel]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found = []
    for model in models:
        mounted = model.secrets.get(spec.name)
        users = users_of(model, spec.name) if mounted is not None and mounted.path == spec.path else ()
        if users:
            found.append((model.name, users))
    return tuple(found)


def _info(spec: SecretSpec, models: list[EnvironmentModel], home: str) -> SecretInfo:
    is_file = spec.type == "file"
    template, description = spec.data.get("template"), spec.data.get("description")
    return SecretInfo(
        spec.name,
        spec.environment,
        spec.path,
        spec.type,
        spec.stage,
        spec.mount_path if is_file else None,
        tuple(KeyInfo(k, _location(spec, k, home) if is_file else None) for k in spec.keys),
        template if isinstance(template, str) else None,
        description if isinstance(description, str) else None,
        _used_by(spec, models),
    )


def list_secrets(root: Path) -> Listing:
    repo = load_repo(root)
    if repo.project_failed:
        raise UsageError("bento-gitops.yaml has errors; run `bento-gitops validate` to see them")
    models = list(build_model(repo))
    specs = sorted(secret_specs(repo), key=lambda s: (s.name, s.environment or "", s.path))
    home = repo.project.bentoml_home
    skipped = tuple(f.path for f in repo.of_kind(Kind.SECRET) if not f.valid)
    return Listing(tuple(_info(s, models, home) for s in specs), skipped)


def show_secret(root: Path, name: str) -> Listing:
    """Every file of secret `name`: the base one and each environment's."""
    listing = list_secrets(root)
    repo_names = {s.name for s in listing.secrets}
    chosen = tuple(s for s in listing.secrets if s.name == name)
    skipped = tuple(p for p in listing.skipped if _stem(p) == name)
    if not chosen and not skipped:
        hint = difflib.get_close_matches(name, sorted(repo_names), n=1)
        advice = (
            f"; did you mean {hint[0]!r}?" if hint else f"; known: {', '.join(sorted(repo_names)) or 'none'}"
        )
        raise UsageError(f"no secret named {name!r}{advice}")
    return Listing(chosen, skipped)


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
