"""The file uses a YAML construct this tool does not allow: a custom or language tag
(`!custom`, `!!python/object`, `!!binary`), a merge key `<<`, an anchor (`&name`) or alias
(`*name`) in a secret file, a mapping key that is not a scalar, or aliases that expand to
more than 10,000 nodes ("billion laughs": a few lines that grow to gigabytes). Tags make
unsafe loaders build objects or run code; merge keys are a YAML 1.1 extension loaders
disagree on, so BentoCloud may see something other than what was checked; complex keys
have no JSON form. In a secret, each value should stand once where it is reviewed. The
tool never constructs tags: it reports them.

Fails:

    # deployments/llm.yaml
    name: llm
    bento: llm:latest
    services:
      LLM: &service
        instance_type: gpu.l4.1
      Embed:
        <<: *service
        envs: !!python/object:os.environ {}

Passes:

    # deployments/llm.yaml
    name: llm
    bento: llm:latest
    services:
      LLM:
        instance_type: gpu.l4.1
      Embed:
        instance_type: gpu.l4.1
        envs: []

Fix: write the values out in full: repeat the shared settings (or put them in the
top-level `envs`, which every service receives), drop the tag and write a plain string,
number or list. In a secret file, remove anchors and aliases with `sops edit FILE`.
"""

from compiler.diagnostics import Severity

CODE = "BG003"
TITLE = "construct not allowed"
DEFAULT = Severity.ERROR
