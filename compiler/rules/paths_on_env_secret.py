"""An env secret has `path` or `sub_paths`. Those only mean something for secrets mounted as
files; on an env secret BentoML's client sends the path anyway and nothing uses it, which
usually means `type: file` was forgotten.

Fails:

    # secrets/hf-token.yaml
    type: env
    path: $BENTOML_HOME/demo

Passes:

    # secrets/hf-token.yaml
    type: file
    path: $BENTOML_HOME/demo

Fix: set `type: file` if the keys should be files, or remove `path` and `sub_paths`.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.rules.context import RepoContext, finding

CODE = "BG403"
TITLE = "path or sub_paths on an env secret"
DEFAULT = Severity.ERROR
SCOPE = "repo"


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    for spec in ctx.secrets:
        if spec.type != "env":
            continue
        for field in ("path", "sub_paths"):
            if field in spec.data:
                message = f"'{field}' applies only to file secrets; set `type: file` or remove it"
                yield finding(CODE, DEFAULT, spec.origin(f"/{field}", key=True), message, f"/{field}")
