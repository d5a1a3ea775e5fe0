"""In a secret file that sops has encrypted, a `data` value is not an encrypted string
`ENC[AES256_GCM,data:...,iv:...,tag:...,type:str]`. Either a plaintext value was added by
hand to an encrypted file, so it is committed in the clear (sops does not notice without
keys; decryption fails later), or a value was encrypted as another type (`type:int`,
`type:bool`, `type:float`) because it was written unquoted, such as `PORT: 8080`.
BentoCloud secret values are strings, so a number or boolean would reach it in the wrong
form.

Fails:

    # secrets/openai.yaml
    name: openai
    data:
      OPENAI_API_KEY: ENC[AES256_GCM,data:...,type:str]
      OPENAI_ORG_ID: org-example
      OPENAI_TIMEOUT: ENC[AES256_GCM,data:...,type:int]
    # sops: metadata written by sops

Passes:

    # secrets/openai.yaml
    name: openai
    data:
      OPENAI_API_KEY: ENC[AES256_GCM,data:...,type:str]
      OPENAI_ORG_ID: ENC[AES256_GCM,data:...,type:str]
      OPENAI_TIMEOUT: ENC[AES256_GCM,data:...,type:str]
    # sops: metadata written by sops

Fix: add and change values only through `sops edit secrets/openai.yaml` or
`bento-gitops secret set`, which encrypt them. For a plaintext value, remove the line, add
it again that way, and rotate it if it was ever committed. For a non-string type, open the
file with `sops edit` and quote the value (`OPENAI_TIMEOUT: "30"`).
"""

from compiler.diagnostics import Severity

CODE = "BG202"
TITLE = "data value not encrypted as a string"
DEFAULT = Severity.ERROR
