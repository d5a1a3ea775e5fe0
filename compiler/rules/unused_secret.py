"""A secret that no deployment attaches, in any environment. It costs nothing at runtime,
but an unused credential is one more to rotate and one more to leak; often a deployment's
`secrets` entry is misspelt (see BG501) or the secret was left behind.

Fails:

    # secrets/old-openai.yaml, attached by no deployment
    data: {OPENAI_API_KEY: ENC[AES256_GCM,data:...,type:str]}

Passes:

    # deployments/llm.yaml
    bento: llm:v1
    secrets: [old-openai]

Fix: attach it where it is needed, or delete the file (and the secret on BentoCloud).
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.rules.context import RepoContext, finding

CODE = "BG504"
TITLE = "a secret no deployment uses"
DEFAULT = Severity.WARNING
SCOPE = "repo"


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    used: set[tuple[str | None, str]] = set()
    for model in ctx.models:
        names = {name for d in model.deployments.values() for _, listed in d.mounts for name in listed}
        used |= {(env, name) for name in names if name in model.secrets for env in (model.name, None)}
    declared = set(ctx.repo.project.environment_names)
    for spec in ctx.secrets:
        if spec.environment is not None and spec.environment not in declared:
            continue  # BG508 says the file has no effect
        if (spec.environment, spec.name) not in used:
            where = f" in {spec.environment}" if spec.environment else ""
            at = spec.origin("/name") if "name" in spec.data else spec.origin("")
            yield finding(CODE, DEFAULT, at, f"secret '{spec.name}' is attached by no deployment{where}")
