"""An environment overlay patches no deployment, an environment secret replaces no secret,
or either sits under an environment that bento-gitops.yaml does not declare. The file has
no effect, which is rarely what its author wanted: typically a deployment was renamed, or
an environment misspelt (`environments/prd/`).

Fails:

    # bento-gitops.yaml declares staging and prod
    # environments/prd/llm.yaml
    services: {llm: {scaling: {min_replicas: 2}}}

Passes:

    # environments/prod/llm.yaml   (deployments/llm.yaml exists)
    services: {llm: {scaling: {min_replicas: 2}}}

Fix: name the file after an existing deployment (or secret, under `secrets/`), and put it
under a declared environment, or declare the environment in bento-gitops.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import Kind
from compiler.merge import Origin
from compiler.model import name_of
from compiler.rules.context import RepoContext, finding

CODE = "BG508"
TITLE = "an overlay for no deployment or secret, or for an unknown environment"
DEFAULT = Severity.ERROR
SCOPE = "repo"


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    declared = set(ctx.repo.project.environment_names)
    deployments = {name_of(f) for f in ctx.repo.of_kind(Kind.DEPLOYMENT)}
    secrets = {s.name for s in ctx.secrets if s.environment is None}
    secrets |= {f.source.stem for f in ctx.repo.of_kind(Kind.SECRET) if f.source.environment is None}
    for file in ctx.repo.files:
        env = file.source.environment
        if env is None or file.document is None:
            continue
        at = Origin(file.path, 1, 1)
        if env not in declared:
            known = ", ".join(sorted(declared))
            yield finding(
                CODE,
                DEFAULT,
                at,
                f"environment '{env}' is not declared in bento-gitops.yaml (declared: {known})",
            )
        elif file.source.kind is Kind.OVERLAY and file.source.stem not in deployments:
            yield finding(
                CODE,
                DEFAULT,
                at,
                f"overlay for '{file.source.stem}', but no deployment has that name "
                "(an overlay is named after the deployment's name, not its file)",
            )
        elif file.source.kind is Kind.SECRET and name_of(file) not in secrets:
            yield finding(
                CODE,
                DEFAULT,
                at,
                f"environment secret '{name_of(file)}' replaces no secret in "
                "secrets/; add the base secret first",
            )
