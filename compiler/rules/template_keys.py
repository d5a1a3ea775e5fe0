"""A secret names a `template` (openai, aws, huggingface, github, ...) but lacks a key the
template requires, or names a template that does not exist. Templates fix the keys a
service's client libraries read (`OPENAI_API_KEY`, `AWS_ACCESS_KEY_ID` and
`AWS_SECRET_ACCESS_KEY`, ...); a missing one fails at the first request, in production.
`bento-gitops secret templates` lists them.

Fails:

    # secrets/aws.yaml
    template: aws
    data:
      AWS_ACCESS_KEY_ID: ENC[AES256_GCM,data:...,type:str]

Passes:

    # secrets/aws.yaml
    template: aws
    data:
      AWS_ACCESS_KEY_ID: ENC[AES256_GCM,data:...,type:str]
      AWS_SECRET_ACCESS_KEY: ENC[AES256_GCM,data:...,type:str]

Fix: add the missing key (`bento-gitops secret set aws AWS_SECRET_ACCESS_KEY=-`), or
correct the template name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.rules.context import RepoContext, finding
from compiler.secret_templates import templates

CODE = "BG507"
TITLE = "a key the secret's template requires is missing"
DEFAULT = Severity.ERROR
SCOPE = "repo"


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    known = templates()
    for spec in ctx.secrets:
        name = spec.data.get("template")
        if not isinstance(name, str):
            continue
        at = spec.origin("/template")
        template = known.get(name)
        if template is None:
            hint = difflib.get_close_matches(name, list(known), n=1)
            advice = f"did you mean '{hint[0]}'?" if hint else f"known: {', '.join(known)}"
            yield finding(CODE, DEFAULT, at, f"unknown template '{name}'; {advice}", "/template")
            continue
        missing = [k for k in template.required if k not in spec.keys]
        if missing:
            message = f"template {name} requires {', '.join(missing)}, which data lacks"
            yield finding(CODE, DEFAULT, at, message, "/template")
