"""Two secret files define one secret name (in the base `secrets/`, or within one
environment's `secrets/`). A name comes from the file's `name` field, else its file name,
so `secrets/a/openai.yaml` and `secrets/b/openai.yaml` collide. BentoCloud holds one secret
per name: whichever is applied last silently wins.

Fails:

    # secrets/team-a/openai.yaml          # secrets/team-b/openai.yaml
    data: {OPENAI_API_KEY: ENC[...]}      data: {OPENAI_API_KEY: ENC[...]}

Passes:

    # secrets/team-a/openai.yaml          # secrets/team-b/openai.yaml
    name: openai-team-a                   name: openai-team-b

Fix: give one of them another `name` (and update the deployments that attach it). To give
an environment other values under the same name, use `environments/<env>/secrets/`.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.model import SecretSpec
from compiler.rules.context import RepoContext, finding, related

CODE = "BG502"
TITLE = "two secrets with one name"
DEFAULT = Severity.ERROR
SCOPE = "repo"


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    first: dict[tuple[str | None, str], SecretSpec] = {}
    for spec in ctx.secrets:
        slot = (spec.environment, spec.name)
        if slot in first:
            other = first[slot]
            note = (
                related(
                    other.origin("/name") if "name" in other.data else other.origin(""), "first defined here"
                ),
            )
            at = spec.origin("/name") if "name" in spec.data else spec.origin("")
            yield finding(
                CODE,
                DEFAULT,
                at,
                f"secret name '{spec.name}' is already defined by {other.path}",
                "/name",
                note,
            )
        else:
            first[slot] = spec
