"""A secret file breaks the secret schema. Only `data` is encrypted; everything else is
plain text precisely so it can be checked without keys, in pre-commit and in pull requests
from forks. `type` must be `env` or `file` (BentoCloud's "Environment variables" and
"File"), `stage` one of `build`, `runtime` or `all`, `data` must be present and hold at
least one key whose value is a string, and no top-level keys other than `name`,
`description`, `type`, `path`, `stage`, `template`, `sub_paths`, `data` and the `sops`
metadata are allowed. An unknown key is usually a typo (`sub_path:`) that would silently
lose its setting.

Fails:

    # secrets/openai.yaml
    name: openai
    type: environment
    stage: deploy
    owner: ml-team
    data:
      OPENAI_API_KEY: ENC[AES256_GCM,data:...,type:str]
    # sops: metadata written by sops

Passes:

    # secrets/openai.yaml
    name: openai
    description: OpenAI key of the ml-team
    type: env
    stage: runtime
    data:
      OPENAI_API_KEY: ENC[AES256_GCM,data:...,type:str]
    # sops: metadata written by sops

Fix: correct the field at the reported position. sops's MAC covers the plaintext fields
too, so in an encrypted file make the change through `sops edit FILE` or
`bento-gitops secret edit`, never by hand (that would be BG207).
`bento-gitops schema secret` prints the JSON Schema for editors.
"""

from compiler.diagnostics import Severity

CODE = "BG102"
TITLE = "secret schema violation"
DEFAULT = Severity.ERROR
