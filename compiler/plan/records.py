"""What a plan is made of: per environment, steps in apply order, each with its reasons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Verb(str, Enum):
    """Actions in apply order; for a deployment, a later one includes the earlier ones."""

    CREATE = "create"
    UPDATE = "update"
    RESTART = "restart"
    RECREATE = "recreate"
    DELETE = "delete"

    @property
    def rank(self) -> int:
        return list(Verb).index(self)


class Target(str, Enum):
    SECRET = "secret"
    DEPLOYMENT = "deployment"


@dataclass(frozen=True)
class Reason:
    """One cause of an action; `verified` is False when it rests on ciphertext, not values."""

    verb: Verb
    text: str
    verified: bool = True


@dataclass(frozen=True)
class Step:
    target: Target
    name: str
    action: Verb
    reasons: tuple[str, ...]
    verified: bool = True

    def sort_key(self) -> tuple[int, int, str]:
        return (list(Target).index(self.target), self.action.rank, self.name)


def step(target: Target, name: str, reasons: list[Reason]) -> Step | None:
    """The strongest action wins and every reason is kept; it is verified when one of its
    strongest reasons is (a restart that rests only on changed ciphertext is not)."""
    if not reasons:
        return None
    strongest = max(r.verb.rank for r in reasons)
    verified = any(r.verified for r in reasons if r.verb.rank == strongest)
    return Step(target, name, list(Verb)[strongest], tuple(r.text for r in reasons), verified)


@dataclass(frozen=True)
class EnvironmentPlan:
    name: str
    steps: tuple[Step, ...]

    @property
    def verified(self) -> bool:
        return all(s.verified for s in self.steps)


@dataclass(frozen=True)
class Plan:
    base: str  # the base commit
    head: str | None  # the head commit; None: the work tree
    base_ref: str
    head_ref: str | None
    environments: tuple[EnvironmentPlan, ...]

    @property
    def empty(self) -> bool:
        return not any(e.steps for e in self.environments)
