"""An environment overlay (`environments/<env>/<name>.yaml`) breaks the overlay schema. An
overlay is an RFC 7386 merge patch onto `deployments/<name>.yaml`: it takes the same
fields as a deployment, all optional; nested mappings patch the deployment's, `null`
removes a field, lists replace the deployment's list except `envs` (merged by `name`) and
`labels` (merged by `key`). The same strictness applies as in a deployment: unknown keys,
wrong types, enums and ranges are errors, because a typo in a prod overlay would otherwise
leave prod silently running staging's settings.

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

from compiler.diagnostics import Severity

CODE = "BG104"
TITLE = "overlay schema violation"
DEFAULT = Severity.ERROR
