"""plan: what merging a change will do to every deployment, computed from git before the merge.

Both revisions are compiled per environment (the head validated first; the base as far as it
loads), then compared: secrets by name, deployments by effective name. Files come from
`git ls-tree` / `git cat-file --batch`; the work tree and the index are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compiler import exitcodes
from compiler.diagnostics import Diagnostic
from compiler.errors import UsageError
from compiler.model import EnvironmentModel, build_model
from compiler.plan.actions import environment_plan, secret_pairs
from compiler.plan.records import EnvironmentPlan, Plan, Reason, Step, Target, Verb
from compiler.plan.revisions import Side, git_prefix, load_base, load_head
from compiler.plan.secrets import SecretValues

__all__ = [
    "EnvironmentPlan",
    "Plan",
    "PlanOptions",
    "PlanOutcome",
    "Reason",
    "Step",
    "Target",
    "Verb",
    "plan",
]


@dataclass(frozen=True)
class PlanOptions:
    repo: Path
    base: str
    head: str | None = None  # None: the work tree
    environment: str | None = None
    exit_code: bool = False  # a non-empty plan exits 1
    sops: str | None = None


@dataclass(frozen=True)
class PlanOutcome:
    plan: Plan | None  # None: the head has errors
    exit_code: int
    diagnostics: list[Diagnostic] = field(default_factory=list)  # the head's, when it has errors
    warnings: list[str] = field(default_factory=list)


def _models(side: Side) -> dict[str, EnvironmentModel]:
    return {m.name: m for m in build_model(side.repo)}


def _environments(
    base: dict[str, EnvironmentModel], head: dict[str, EnvironmentModel], only: str | None
) -> list[str]:
    names = sorted(set(base) | set(head))
    if only is None:
        return names
    if only not in names:
        raise UsageError(f"unknown environment {only!r}; known on either side: {', '.join(names)}")
    return [only]


def _compare(options: PlanOptions, base: Side, head: Side, values: SecretValues) -> Plan:
    old, new = _models(base), _models(head)
    names = _environments(old, new, options.environment)
    values.prepare(pair for name in names for pair in secret_pairs(old.get(name), new.get(name)))
    environments = tuple(environment_plan(name, old.get(name), new.get(name), values) for name in names)
    return Plan(base.commit or "", head.commit, options.base, options.head, environments)


def plan(options: PlanOptions) -> PlanOutcome:
    root = options.repo.resolve()
    prefix = git_prefix(root)
    base, warnings = load_base(root, options.base, prefix)
    head, diagnostics, code = load_head(root, options.head, prefix, options.sops)
    if head is None:
        return PlanOutcome(None, code, diagnostics, warnings)
    values = SecretValues(root, options.sops)
    result = _compare(options, base, head, values)
    exit_code = exitcodes.FINDINGS if options.exit_code and not result.empty else exitcodes.OK
    return PlanOutcome(result, exit_code, [], warnings + values.warnings)
