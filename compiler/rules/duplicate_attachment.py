"""A secret is listed twice in one deployment's `secrets`. BentoML's client keeps the
duplicate and sends it; it does nothing useful and usually hides a copy-paste mistake
(another secret was meant).

Fails:

    # deployments/llm.yaml
    bento: llm:v1
    secrets: [openai, openai]

Passes:

    # deployments/llm.yaml
    bento: llm:v1
    secrets: [openai]

Fix: remove the second entry, or replace it with the secret you meant.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.model import SecretRef
from compiler.rules.context import EnvContext, finding, related

CODE = "BG306"
TITLE = "a secret listed twice in one deployment's secrets"
DEFAULT = Severity.WARNING
SCOPE = "environment"


def check(ctx: EnvContext) -> Iterator[Diagnostic]:
    for refs in (refs for d in ctx.model.deployments.values() for refs in d.mount_sets):
        first: dict[str, SecretRef] = {}
        for ref in refs:
            if ref.name in first:
                note = (related(first[ref.name].origin, "first listed here"),)
                yield finding(
                    CODE,
                    DEFAULT,
                    ref.origin,
                    f"secret {ref.name} is listed twice",
                    ref.pointer,
                    note,
                )
            else:
                first[ref.name] = ref
