"""How a secret changed between the two sides: key names, settings and, when a key is here, values.

A secret whose file is byte-identical on both sides is never decrypted. The others are
decrypted (both sides, each blob once, in parallel) when a key may open them; then values are
compared exactly. Without a key, a key whose ciphertext changed may have a new value: sops keeps
the ciphertext of the values it did not touch, so identical ciphertext means an unchanged value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler.decrypt import DecryptMode, Decryptor
from compiler.impact import SecretChange, SecretState, compare
from compiler.model import SecretSpec
from compiler.plan.records import Reason, Verb
from compiler.redacted import SecretValue
from compiler.sops import Decrypted, Failure, Outcome, SopsMissing

Values = dict[str, SecretValue]
Pair = tuple[SecretSpec, SecretSpec]


@dataclass(frozen=True)
class SecretDelta:
    """One secret's change in one environment; `verified` False: values were not compared."""

    change: SecretChange = field(repr=False)
    old: SecretState
    new: SecretState
    verified: bool


def _job(side: str, spec: SecretSpec) -> str:
    return f"{spec.path} ({side})"


@dataclass
class SecretValues:
    """Decrypts the changed secrets of both sides, each blob once; collects what went wrong."""

    root: Path
    sops: str | None
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _decryptor: Decryptor | None = None

    @property
    def decryptor(self) -> Decryptor:
        if self._decryptor is None:
            self._decryptor = Decryptor(self.root, DecryptMode.AUTO, self.sops)
        return self._decryptor

    def openable(self, pair: Pair) -> bool:
        return all(self.decryptor.can_try(spec.doc) for spec in pair)

    def prepare(self, pairs: Iterable[Pair]) -> None:
        """Decrypt, in one parallel batch, both sides of every pair a key may open."""
        jobs: dict[str, bytes] = {}
        for old, new in pairs:
            if old.file.raw != new.file.raw and self.openable((old, new)):
                jobs[_job("base", old)] = old.file.raw
                jobs[_job("head", new)] = new.file.raw
        if not jobs:
            return
        try:
            runner = self.decryptor.runner()
        except SopsMissing as err:
            self.warnings.append(f"{err}; secret values were not compared")
            return
        done = runner.decrypt_many((name, raw, "") for name, raw in sorted(jobs.items()))
        self.outcomes.update(done)
        self.warnings += [
            f"{o.message}; compared ciphertext instead"
            for _, o in sorted(done.items())
            if isinstance(o, Failure)
        ]

    def values(self, pair: Pair) -> tuple[Values, Values] | None:
        old = self.outcomes.get(_job("base", pair[0]))
        new = self.outcomes.get(_job("head", pair[1]))
        if isinstance(old, Decrypted) and isinstance(new, Decrypted):
            return old.values, new.values
        return None


def _ciphertext(spec: SecretSpec) -> dict[str, Any]:
    return dict(spec.data.get("data") or {})


def renames(removed: list[str], added: list[str], old: Values, new: Values) -> list[tuple[str, str]]:
    """Pairs of one removed and one added key holding the same value."""
    pairs: list[tuple[str, str]] = []
    free = list(added)
    for gone in removed:
        match = next((k for k in free if gone in old and k in new and old[gone] == new[k]), None)
        if match is not None:
            free.remove(match)
            pairs.append((gone, match))
    return pairs


def _by_ciphertext(old: SecretSpec, new: SecretSpec, before: SecretState, after: SecretState) -> SecretChange:
    was, now = _ciphertext(old), _ciphertext(new)
    return compare(before, after, [k for k in after.keys if k in before.keys and was.get(k) != now.get(k)])


def _by_value(before: SecretState, after: SecretState, was: Values, now: Values) -> SecretChange:
    changed = [k for k in after.keys if k in before.keys and was.get(k) != now.get(k)]
    removed = [k for k in before.keys if k not in after.keys]
    added = [k for k in after.keys if k not in before.keys]
    return compare(before, after, changed, renames(removed, added, was, now))


def delta(old: SecretSpec, new: SecretSpec, source: SecretValues) -> SecretDelta | None:
    """The change from `old` to `new`, or None when nothing a deployment or BentoCloud sees changed."""
    if old.file.raw == new.file.raw:
        return None
    before, after = SecretState.of_spec(old), SecretState.of_spec(new)
    values = source.values((old, new))
    change = _by_ciphertext(old, new, before, after) if values is None else _by_value(before, after, *values)
    verified = values is not None or not change.changed
    return None if change.empty else SecretDelta(change, before, after, verified)


def _sub_path_reasons(old: SecretState, new: SecretState) -> list[str]:
    """Sub paths of the keys both sides have (the others come and go with their keys)."""
    was, now = dict(old.sub_paths), dict(new.sub_paths)
    kept = [k for k in new.keys if k in old.keys and was.get(k) != now.get(k)]
    return [f"sub path of {k} changed from {was.get(k, '(none)')} to {now.get(k, '(none)')}" for k in kept]


def _setting_reasons(d: SecretDelta) -> list[str]:
    texts = []
    for name in d.change.settings:
        if name == "sub_paths":
            texts += _sub_path_reasons(d.old, d.new)
        else:
            texts.append(f"{name} changed from {d.old.setting(name)} to {d.new.setting(name)}")
    return texts


def reasons(d: SecretDelta) -> list[Reason]:
    """Every part of the change, with what it calls for from the deployments that mount it."""
    c = d.change
    value = "changed" if d.verified else "may have changed (ciphertext differs, no key to compare)"
    found = [Reason(Verb.RESTART, f"value of {k} {value}", d.verified) for k in c.changed]
    found += [Reason(Verb.RECREATE, f"key {k} added") for k in c.added]
    found += [Reason(Verb.RECREATE, f"key {k} removed") for k in c.removed]
    found += [
        Reason(Verb.RECREATE, f"key {a} renamed to {b} (same value; BentoCloud can't rename a key)")
        for a, b in c.renamed
    ]
    found += [Reason(Verb.RECREATE, text) for text in _setting_reasons(d)]
    found += [Reason(Verb.UPDATE, "description changed")] if c.description else []
    return found
