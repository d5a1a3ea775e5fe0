"""A key appears twice in one mapping. YAML requires the keys of a mapping to be unique,
but most loaders, BentoML's client among them, silently keep the last value and drop the
first: the deployment BentoCloud receives is not the one a reviewer read. A second
`instance_type`, `envs` or `scaling` under one service, or a key repeated in a secret's
`data`, is a quiet bug. sops 3.10 and later refuse such a file outright. Every duplicate
is reported at its own line, with the line of the first occurrence as a related location.

Fails:

    # deployments/llm.yaml
    name: llm
    bento: llm:latest
    services:
      LLM:
        instance_type: gpu.l4.1
        scaling: {min_replicas: 1, max_replicas: 2}
        instance_type: gpu.a100.1

Passes:

    # deployments/llm.yaml
    name: llm
    bento: llm:latest
    services:
      LLM:
        instance_type: gpu.a100.1
        scaling: {min_replicas: 1, max_replicas: 2}

Fix: keep one of the keys, merging what both meant (often the result of a git merge that
kept both sides). In an encrypted secret a duplicate can only come from a hand edit or a
merge: restore the file with `git checkout -- FILE` and make the change through
`sops edit FILE` or `bento-gitops secret edit`.
"""

from compiler.diagnostics import Severity

CODE = "BG002"
TITLE = "duplicate mapping key"
DEFAULT = Severity.ERROR
