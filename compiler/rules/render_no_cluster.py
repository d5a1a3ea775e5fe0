"""`render --target bentocloud` found a deployment with no cluster in the environment being
rendered: neither the deployment (after its overlay) nor the environment in
bento-gitops.yaml names one. `bentoml deployment apply` sends the cluster as a query
parameter and refuses to change it, so a GitOps output must always carry it. Found only by
`render`, since validation alone does not need a cluster.

Fails:

    # bento-gitops.yaml
    environments:
      prod: {}
    # deployments/llm.yaml
    bento: llm:v1

Passes:

    # bento-gitops.yaml
    environments:
      prod: {cluster: aws-us-east-1}

Fix: set the environment's `cluster` in bento-gitops.yaml, or `cluster:` in the deployment
(or in its overlay for that environment).
"""

from compiler.diagnostics import Severity

CODE = "BG509"
TITLE = "render: a deployment has no cluster in the environment"
DEFAULT = Severity.ERROR
