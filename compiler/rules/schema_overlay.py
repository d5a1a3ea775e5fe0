"""An environment overlay (`environments/<env>/<name>.yaml`) breaks the overlay schema. An
overlay is an RFC 7386 merge patch onto `deployments/<name>.yaml`: it takes the same
fields as a deployment, all optional; nested mappings patch the deployment's, `null`
removes a field, lists replace the deployment's list except `envs` (merged by `name`) and
`labels` (merged by `key`). The same strictness applies as in a deployment: unknown keys,
wrong types, enums and ranges are errors, because a typo in a prod overlay would otherwise
leave prod silently running staging's settings. The merged result is checked too: an
overlay that lowers `max_replicas` below the deployment's `min_replicas`, or raises canary
weights past 100%, is reported at the line that set the offending value.

Fails:

    # environments/prod/llm.yaml
    accesss_authorization: true
    services:
      LLM:
        scaling:
          max_replicas: "10"

Passes:

    # environments/prod/llm.yaml
    access_authorization: true
    cluster: null                # use the environment's cluster
    services:
      LLM:
        scaling:
          max_replicas: 10

Fix: correct the field at the reported position, as you would in the deployment itself
(see `bento-gitops explain BG101`). Write `null` only to remove a field the deployment
sets; to empty a list, write `[]`. `bento-gitops schema overlay` prints the JSON Schema
for editors.
"""

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.merge import Origin
from compiler.rules.context import EnvContext, finding, related
from compiler.semantics import config_problems

CODE = "BG104"
TITLE = "overlay schema violation"
DEFAULT = Severity.ERROR

SCOPE = "environment"


def check(ctx: EnvContext) -> Iterator[Diagnostic]:
    """The merged config of an overlaid deployment breaks a rule neither file breaks alone."""
    for deployment in ctx.model.deployments.values():
        if deployment.overlay is None:
            continue
        for pointer, message, _ in config_problems(deployment.config):
            at = deployment.origin(pointer)
            if at.file != deployment.overlay.path and pointer.endswith("/min_replicas"):
                pointer = pointer.removesuffix("min_replicas") + "max_replicas"  # the overlay's side
                at = deployment.origin(pointer)
            other = deployment.overlay.path if at.file == deployment.base.path else deployment.base.path
            notes = (related(Origin(other, 1, 1), "merged with this file"),)
            yield finding(CODE, DEFAULT, at, f"with the {ctx.model.name} overlay, {message}", pointer, notes)
