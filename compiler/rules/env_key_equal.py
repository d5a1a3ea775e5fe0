"""Two secrets mounted as environment variables on one deployment set the same key with the
same value. Nothing breaks today, but the two secrets will drift apart the day one of them
is rotated, and then the deployment's value depends on an unspecified order. Found only
when both secrets could be decrypted (see BG301).

Fails:

    # deployments/llm.yaml: openai and openai-copy both hold OPENAI_API_KEY, same value
    bento: llm:v1
    secrets: [openai, openai-copy]

Passes:

    # deployments/llm.yaml
    bento: llm:v1
    secrets: [openai]

Fix: keep the key in one secret only, or turn the warning off for the project with
`rules: {BG302: off}` in bento-gitops.yaml if the duplication is deliberate.
"""

from compiler.diagnostics import Severity

CODE = "BG302"
TITLE = "an env key set by two secrets of one deployment with equal values"
DEFAULT = Severity.WARNING
