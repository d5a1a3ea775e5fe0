"""A deployment file (`deployments/**.yaml`) breaks the deployment schema: BentoCloud's
format as `bentoml deploy -f` takes it, checked more strictly than BentoML's client, which
silently drops unknown keys (a typo such as `scalling:` deploys with default scaling) and
coerces types (`access_authorization: "false"` becomes true, opening the endpoint).
Reported: unknown keys, with a "did you mean" hint; wrong types; enum values
(`deployment_strategy`, `scale_up_behavior` / `scale_down_behavior`, canary `route_type`);
ranges (stabilization windows 0-3600, canary `weight` 0-100); `min_replicas` greater than
`max_replicas`; canary weights summing to more than 100.

Fails:

    # deployments/llm.yaml
    name: llm
    bento: llm:latest
    access_authorization: "false"
    services:
      LLM:
        scalling:
          min_replicas: 3
          max_replicas: 1

Passes:

    # deployments/llm.yaml
    name: llm
    bento: llm:latest
    access_authorization: false
    services:
      LLM:
        scaling:
          min_replicas: 1
          max_replicas: 3

Fix: correct the field the message points at. `bento-gitops schema deployment` prints the
JSON Schema; save it and add `# yaml-language-server: $schema=deployment.schema.json` to a
file's first line for completion and errors in your editor.
"""

from compiler.diagnostics import Severity

CODE = "BG101"
TITLE = "deployment schema violation"
DEFAULT = Severity.ERROR
