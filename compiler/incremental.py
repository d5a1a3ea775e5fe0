"""Deployment rules, incrementally: a deployment whose inputs haven't changed since the last run
keeps that run's findings, so after an edit the rules look again only at what the edit touched.

What the environment rules (BG104, BG301-BG306, BG501) find for a deployment in one environment
depends only on its file, its overlay there, the project file and the secret files its lists
name, as those names resolve in that environment. Each run records, per environment and
deployment, those inputs (paths, and each file's content digest), the findings, and the facts
the repo-wide rules need (its name and secret lists). A later run reuses a record whose every
input is unchanged: the deployment is then neither merged nor even decoded. Records whose
findings wanted decrypted values (BG301-BG303) or suggest among every secret's name (BG501) are
never kept, and neither is one that read a file whose content may not be cached (a plaintext
secret: no digest of it is ever stored).
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from compiler.diagnostics import Diagnostic, flatten, unflatten
from compiler.model import Deployment, EnvironmentModel, Facts

FORMAT = 1
NEVER_KEPT = frozenset({"BG301", "BG302", "BG303", "BG501"})
INVALID = "\0invalid"  # a name that only invalid secret files give themselves (no path holds a NUL)

Unit = tuple[str, str]  # environment, deployment (base) name


class Record(NamedTuple):
    base: str
    overlay: str | None
    resolved: tuple[tuple[str, str | None], ...]  # each secret name its lists hold: the file it meant
    facts: Facts
    found: list[tuple[Any, ...]]  # flattened diagnostics, no environment set

    def inputs(self) -> list[str]:
        paths = [self.base, *([self.overlay] if self.overlay else [])]
        return paths + [p for _, p in self.resolved if p is not None and p != INVALID]


@dataclass
class Memory:
    """What a run over a repo recorded: the digests of the files it read, and the records."""

    stamp: str = ""  # the tool, its schemas and the project file the records were made with
    digests: dict[str, str] = field(default_factory=dict)
    records: dict[Unit, Record] = field(default_factory=dict)

    @classmethod
    def parse(cls, blob: bytes) -> Memory:
        version, stamp, digests, records = marshal.loads(blob)
        if version != FORMAT or not isinstance(digests, dict) or not isinstance(records, dict):
            raise ValueError("not a record table")
        units = {
            unit: Record(base, overlay, resolved, Facts(*facts), found)
            for unit, (base, overlay, resolved, facts, found) in records.items()
        }
        return cls(stamp, digests, units)

    def dump(self) -> bytes:
        records = {  # marshal takes plain tuples only
            unit: (r.base, r.overlay, r.resolved, tuple(r.facts), r.found)
            for unit, r in sorted(self.records.items())
        }
        return marshal.dumps((FORMAT, self.stamp, dict(sorted(self.digests.items())), records))


def _meanings(model: EnvironmentModel) -> dict[str, str]:
    """Each secret name of the environment: the file it resolves to."""
    return {name: spec.path for name, spec in model.secrets.items()}


def _meant(meanings: dict[str, str], invalid: set[str], name: str) -> str | None:
    """The file a secret name resolves to, INVALID (only invalid files give it), or None (unknown)."""
    return meanings.get(name, INVALID if name in invalid else None)


def _overlay(deployment: Deployment) -> str | None:
    return deployment.overlay.path if deployment.overlay is not None else None


@dataclass
class Session:
    """One run's use of the memory: which deployments keep their findings, and what to record.
    `digests`: this run's digest of each file whose content may be kept."""

    earlier: Memory
    digests: dict[str, str]
    stamp: str
    invalid: set[str]  # names of invalid secret files
    reused: dict[Unit, Record] = field(default_factory=dict)
    kept: dict[Unit, Record] = field(default_factory=dict)
    changed: set[str] = field(init=False)

    def __post_init__(self) -> None:
        if self.earlier.stamp != self.stamp:
            self.earlier = Memory(self.stamp)
        now = self.digests
        self.changed = {p for p, d in self.earlier.digests.items() if now.get(p) != d}

    def _reusable(self, meanings: dict[str, str], unit: Unit, deployment: Deployment) -> Record | None:
        record = self.earlier.records.get(unit)
        if record is None or record.base != deployment.base.path or record.overlay != _overlay(deployment):
            return None
        for name, path in record.resolved:
            if _meant(meanings, self.invalid, name) != path:
                return None
        for path in record.inputs():
            if path in self.changed or path not in self.earlier.digests:
                return None
        return record

    def known(self, models: list[EnvironmentModel]) -> list[EnvironmentModel]:
        """The models, their reusable deployments answering from their records."""
        result = []
        for model in models:
            meanings = _meanings(model)
            deployments = dict(model.deployments)
            for name, d in model.deployments.items():
                record = self._reusable(meanings, (model.name, name), d)
                if record is not None:
                    self.reused[(model.name, name)] = self.kept[(model.name, name)] = record
                    deployments[name] = Deployment(d.environment, d.base, d.overlay, d.cluster, record.facts)
            result.append(replace(model, deployments=deployments))
        return result

    def unknown(self, model: EnvironmentModel) -> EnvironmentModel:
        """The model with only the deployments the rules must look at again."""
        again = {n: d for n, d in model.deployments.items() if (model.name, n) not in self.reused}
        return replace(model, deployments=again)

    def found(self, environments: set[str]) -> list[tuple[str, Diagnostic]]:
        """The findings reused for the given environments."""
        chosen = [(env, r) for (env, _), r in self.reused.items() if env in environments]
        return [(env, d) for env, r in chosen for d in unflatten(r.found)]

    def record(self, model: EnvironmentModel, found: list[Diagnostic]) -> None:
        """Record what the rules found for the deployments of `model` they looked at."""
        owner: dict[str, str] = {}
        for name, deployment in model.deployments.items():
            owner[deployment.base.path] = name
            if deployment.overlay is not None:
                owner[deployment.overlay.path] = name
        by_unit: dict[str, list[Diagnostic]] = {name: [] for name in model.deployments}
        for d in found:
            if d.file not in owner:
                return  # a finding no one deployment owns: keep nothing of this environment
            by_unit[owner[d.file]].append(d)
        meanings = _meanings(model)
        for name, deployment in model.deployments.items():
            if any(d.code in NEVER_KEPT for d in by_unit[name]):
                continue
            names = sorted({ref.name for ref in deployment.all_refs})
            resolved = tuple((n, _meant(meanings, self.invalid, n)) for n in names)
            found_here = flatten(by_unit[name])
            record = Record(
                deployment.base.path, _overlay(deployment), resolved, deployment.facts(), found_here
            )
            if all(p in self.digests for p in record.inputs()):
                self.kept[(model.name, name)] = record

    def memory(self) -> Memory:
        """What to keep for the next run."""
        inputs = {p for r in self.kept.values() for p in r.inputs()}
        return Memory(self.stamp, {p: self.digests[p] for p in inputs}, self.kept)
