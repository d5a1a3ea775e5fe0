"""A deployment attaches a secret that no secret file defines (in that environment).
BentoCloud resolves secret names only when the deployment is created or updated on the
server, so a typo fails the release, not the review.

Fails:

    # deployments/llm.yaml (there is no secrets/opanai.yaml)
    bento: llm:v1
    secrets: [opanai]

Passes:

    # deployments/llm.yaml
    bento: llm:v1
    secrets: [openai]

Fix: correct the name, or create the secret: `bento-gitops secret create NAME KEY=-`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.model import invalid_secret_names
from compiler.rules.context import EnvContext, finding

CODE = "BG501"
TITLE = "a deployment references an unknown secret"
DEFAULT = Severity.ERROR
SCOPE = "environment"


def check(ctx: EnvContext) -> Iterator[Diagnostic]:
    known = sorted(ctx.model.secrets)
    invalid = invalid_secret_names(ctx.repo)
    for deployment in ctx.model.deployments.values():
        for ref in deployment.all_refs:
            if ref.name in ctx.model.secrets or ref.name in invalid:
                continue
            hint = difflib.get_close_matches(ref.name, known, n=1)
            advice = f"; did you mean '{hint[0]}'?" if hint else ""
            yield finding(CODE, DEFAULT, ref.origin, f"unknown secret '{ref.name}'{advice}", ref.pointer)
