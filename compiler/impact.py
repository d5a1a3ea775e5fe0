"""What a change to one secret costs on BentoCloud, per environment (DESIGN 5).

BentoCloud reads a secret when a deployment starts: a changed value needs a `restart` of the
deployments that mount it; keys added or removed (or a changed type, path, sub path or stage)
are best served by a `recreate`; a description alone needs nothing. Pure functions over two
snapshots of the secret (key names and plaintext settings, never values) and the compiled
model, so `secret set` and `plan` reach the same conclusions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from compiler.model import EnvironmentModel, SecretSpec

SETTINGS = ("type", "path", "sub_paths", "stage")


class Action(str, Enum):
    RESTART = "restart"
    RECREATE = "recreate"


@dataclass(frozen=True)
class SecretState:
    """A secret as far as deployments care: its file, key names and mount settings."""

    name: str
    path: str  # the repo-relative file it lives in
    keys: tuple[str, ...]
    type: str = "env"
    mount_path: str = "$BENTOML_HOME"
    sub_paths: tuple[tuple[str, str], ...] = ()
    stage: str = "runtime"
    description: str | None = None

    @classmethod
    def of(cls, name: str, path: str, data: Mapping[str, Any]) -> SecretState:
        """From a secret file's loaded (plaintext or encrypted) top-level mapping."""
        description = data.get("description")
        return cls(
            name,
            path,
            tuple(str(k) for k in data.get("data") or {}),
            str(data.get("type", "env")),
            str(data.get("path", "$BENTOML_HOME")),
            tuple(sorted((str(k), str(v)) for k, v in (data.get("sub_paths") or {}).items())),
            str(data.get("stage", "runtime")),
            description if isinstance(description, str) else None,
        )

    @classmethod
    def of_spec(cls, spec: SecretSpec) -> SecretState:
        return cls.of(spec.name, spec.path, spec.data)

    def setting(self, name: str) -> object:
        return {"type": self.type, "path": self.mount_path, "sub_paths": self.sub_paths, "stage": self.stage}[
            name
        ]


@dataclass(frozen=True)
class SecretChange:
    """How one secret file changed: key names only, never values."""

    name: str
    path: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()  # keys whose value changed
    renamed: tuple[tuple[str, str], ...] = ()  # (old, new): one removed, one added, same value
    settings: tuple[str, ...] = ()  # of SETTINGS
    description: bool = False

    @property
    def action(self) -> Action | None:
        if self.added or self.removed or self.renamed or self.settings:
            return Action.RECREATE
        return Action.RESTART if self.changed else None

    @property
    def empty(self) -> bool:
        return self.action is None and not self.description

    def summary(self) -> list[str]:
        """What changed, for a human: `OPENAI_API_KEY changed`, `EXTRA added`, ..."""
        parts = [f"{', '.join(self.changed)} changed"] if self.changed else []
        parts += [f"{', '.join(self.added)} added"] if self.added else []
        parts += [f"{', '.join(self.removed)} removed"] if self.removed else []
        parts += [f"{old} renamed to {new}" for old, new in self.renamed]
        parts += [f"{name} changed" for name in self.settings]
        parts += ["description changed"] if self.description else []
        return parts

    def recreate_reason(self) -> str:
        """Why a recreate: the key and setting changes (a value change alone is a restart)."""
        parts = [f"{_keys(self.added)} added"] if self.added else []
        parts += [f"{_keys(self.removed)} removed"] if self.removed else []
        parts += [f"key {old} renamed to {new}" for old, new in self.renamed]
        parts += [f"{name} changed" for name in self.settings]
        return "; ".join(parts)


def _keys(names: tuple[str, ...]) -> str:
    return f"key{'s' if len(names) > 1 else ''} {', '.join(names)}"


def _settings(old: SecretState, new: SecretState, kept: set[str]) -> tuple[str, ...]:
    """Settings that differ; sub paths only of keys both sides have (the others come and go with them)."""
    changed = [s for s in SETTINGS if s != "sub_paths" and old.setting(s) != new.setting(s)]
    before = {k: v for k, v in old.sub_paths if k in kept}
    after = {k: v for k, v in new.sub_paths if k in kept}
    return tuple(sorted(changed + (["sub_paths"] if before != after else []), key=SETTINGS.index))


def compare(
    old: SecretState,
    new: SecretState,
    changed_values: Iterable[str],
    renamed: Iterable[tuple[str, str]] = (),
) -> SecretChange:
    """The change from `old` to `new`; `changed_values` names the kept keys whose value differs.

    `renamed` pairs (found by whoever can compare values) leave the added and removed lists.
    """
    pairs = tuple(renamed)
    gone, came = {o for o, _ in pairs}, {n for _, n in pairs}
    kept = set(old.keys) & set(new.keys)
    return SecretChange(
        new.name,
        new.path,
        added=tuple(k for k in new.keys if k not in old.keys and k not in came),
        removed=tuple(k for k in old.keys if k not in new.keys and k not in gone),
        changed=tuple(k for k in new.keys if k in kept and k in set(changed_values)),
        renamed=pairs,
        settings=_settings(old, new, kept),
        description=old.description != new.description,
    )


@dataclass(frozen=True)
class EnvironmentImpact:
    """One environment's consequence of a change."""

    environment: str
    action: Action | None
    deployments: tuple[str, ...]  # that mount the secret from this file
    reason: str = ""  # for a recreate: which keys or settings changed
    other_file: str | None = None  # this environment mounts another file of that name


def users_of(model: EnvironmentModel, name: str) -> tuple[str, ...]:
    """The deployments of one environment that attach secret `name` (canary versions included)."""
    return tuple(
        sorted({d.name for d in model.deployments.values() if any(r.name == name for r in d.all_refs)})
    )


def environment_impact(change: SecretChange, model: EnvironmentModel) -> EnvironmentImpact:
    users = users_of(model, change.name)
    spec = model.secrets.get(change.name)
    if spec is not None and spec.path != change.path:
        return EnvironmentImpact(model.name, None, users, other_file=spec.path)
    action = change.action if users else None
    reason = change.recreate_reason() if action is Action.RECREATE else ""
    return EnvironmentImpact(model.name, action, users, reason)


def impact(change: SecretChange, models: Iterable[EnvironmentModel]) -> tuple[EnvironmentImpact, ...]:
    """Per environment, in the order given: which deployments need a restart or a recreate."""
    return tuple(environment_impact(change, model) for model in models)
