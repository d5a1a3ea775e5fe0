"""One environment's steps: secrets (create, update, delete), then deployments (create, update,
restart, recreate, delete), each with every reason; the strongest action wins.

- a secret's value changed: `restart` the deployments that mount it;
- a key added, removed or renamed, or its type, path, sub path or stage changed: `recreate` them;
- only its description changed: update the secret, nothing for the deployments;
- the deployment's effective config (overlays and the environment's cluster applied) changed,
  or a secret was attached or detached: `update`; a new cluster: `recreate` (BentoCloud can't
  move a deployment between clusters).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compiler.model import Deployment, EnvironmentModel, SecretSpec
from compiler.plan import configdiff
from compiler.plan.records import EnvironmentPlan, Reason, Step, Target, Verb, step
from compiler.plan.secrets import SecretDelta, SecretValues, delta, reasons

Deltas = Mapping[str, SecretDelta]


def secrets_of(model: EnvironmentModel | None) -> dict[str, SecretSpec]:
    return dict(model.secrets) if model else {}


def deployments_of(model: EnvironmentModel | None) -> dict[str, Deployment]:
    """By effective name (what BentoCloud knows it by); the first of a duplicated name wins."""
    found: dict[str, Deployment] = {}
    for _, deployment in sorted((model.deployments if model else {}).items()):
        found.setdefault(deployment.name, deployment)
    return found


def secret_pairs(
    old: EnvironmentModel | None, new: EnvironmentModel | None
) -> list[tuple[SecretSpec, SecretSpec]]:
    before, after = secrets_of(old), secrets_of(new)
    return [(before[n], after[n]) for n in sorted(set(before) & set(after))]


def _secret_change(
    name: str, before: dict[str, SecretSpec], after: dict[str, SecretSpec], deltas: Deltas
) -> list[Reason]:
    if name not in before:
        return [Reason(Verb.CREATE, f"new secret (keys: {', '.join(after[name].keys) or 'none'})")]
    if name not in after:
        return [Reason(Verb.DELETE, "secret removed")]
    found = reasons(deltas[name]) if name in deltas else []
    return [Reason(Verb.UPDATE, r.text, r.verified) for r in found]


def _secret_steps(before: dict[str, SecretSpec], after: dict[str, SecretSpec], deltas: Deltas) -> list[Step]:
    steps = [
        step(Target.SECRET, name, _secret_change(name, before, after, deltas))
        for name in sorted(set(before) | set(after))
    ]
    return [s for s in steps if s is not None]


def _without_cluster(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k != "cluster"}


def _config_reasons(old: Deployment, new: Deployment) -> list[Reason]:
    was, now = old.config.get("cluster"), new.config.get("cluster")
    found = []
    if was != now:
        found.append(
            Reason(
                Verb.RECREATE,
                f"cluster changed from {was or '(none)'} to {now or '(none)'} "
                "(BentoCloud can't move a deployment)",
            )
        )
    found += [
        Reason(Verb.UPDATE, text)
        for text in configdiff.diff(_without_cluster(old.config), _without_cluster(new.config))
    ]
    return found


def _mounted(deployment: Deployment) -> set[str]:
    return {ref.name for ref in deployment.all_refs}


def _secret_reasons(old: Deployment, new: Deployment, deltas: Deltas) -> list[Reason]:
    """What the secrets it kept mounting call for; the description alone calls for nothing."""
    found = []
    for name in sorted(_mounted(old) & _mounted(new)):
        if name in deltas:
            found += [
                Reason(r.verb, f"secret {name}: {r.text}", r.verified)
                for r in reasons(deltas[name])
                if r.verb is not Verb.UPDATE
            ]
    return found


def _renamed(deployments: dict[str, Deployment], others: dict[str, Deployment], name: str) -> str | None:
    """The other side's name of the same deployment file, when an overlay renamed it."""
    file = deployments[name].base.path
    return next(
        (n for n, d in others.items() if d.base.path == file and n != name and n not in deployments), None
    )


def _deployment_change(
    name: str, before: dict[str, Deployment], after: dict[str, Deployment], deltas: Deltas
) -> list[Reason]:
    if name not in before:
        was = _renamed(after, before, name)
        return [Reason(Verb.CREATE, f"renamed from {was}" if was else "new deployment")]
    if name not in after:
        now = _renamed(before, after, name)
        return [Reason(Verb.DELETE, f"renamed to {now}" if now else "deployment removed")]
    old, new = before[name], after[name]
    return _config_reasons(old, new) + _secret_reasons(old, new, deltas)


def _deployment_steps(
    before: dict[str, Deployment], after: dict[str, Deployment], deltas: Deltas
) -> list[Step]:
    steps = [
        step(Target.DEPLOYMENT, name, _deployment_change(name, before, after, deltas))
        for name in sorted(set(before) | set(after))
    ]
    return [s for s in steps if s is not None]


def environment_plan(
    name: str, old: EnvironmentModel | None, new: EnvironmentModel | None, values: SecretValues
) -> EnvironmentPlan:
    deltas = {a.name: d for a, b in secret_pairs(old, new) if (d := delta(a, b, values)) is not None}
    steps = _secret_steps(secrets_of(old), secrets_of(new), deltas)
    steps += _deployment_steps(deployments_of(old), deployments_of(new), deltas)
    if old is None or new is None:
        why = "new environment" if old is None else "environment removed"
        steps = [Step(s.target, s.name, s.action, (why,), s.verified) for s in steps]
    return EnvironmentPlan(name, tuple(sorted(steps, key=Step.sort_key)))
