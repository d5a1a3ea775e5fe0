"""Two secrets mounted as environment variables on one deployment set the same key, and no
key was available to compare their values (pre-commit and forks' pull requests usually run
without decryption keys). The collision itself is certain; whether it is BG301 (different
values, an error) or BG302 (equal values, a warning) is not.

Fails:

    # deployments/llm.yaml, validated without SOPS_AGE_KEY_FILE
    bento: llm:v1
    secrets: [openai, openai-backup]   # both carry OPENAI_API_KEY

Passes:

    # deployments/llm.yaml
    bento: llm:v1
    secrets: [openai]

Fix: remove the duplicate key from one secret, or run with a key (`SOPS_AGE_KEY_FILE=...
bento-gitops validate`) to learn whether the values differ.
"""

from compiler.diagnostics import Severity

CODE = "BG303"
TITLE = "an env key set by two secrets of one deployment, values not compared (no key)"
DEFAULT = Severity.WARNING
