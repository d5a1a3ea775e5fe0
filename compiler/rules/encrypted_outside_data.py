"""A field of a secret file outside `data` (`name`, `type`, `path`, `stage`, `sub_paths`,
`description`...) is encrypted. Those fields say where and how BentoCloud mounts the
secret; kept in plaintext, they can be checked without keys, in pre-commit, in CI and in
pull requests from forks (names, mount paths under `$BENTOML_HOME`, key names). Encrypted,
none of that is possible. This happens when `.sops.yaml` has no `encrypted_regex`, so sops
encrypts every value, or has one that matches more than `data`.

Fails:

    # secrets/hf-token.yaml
    name: ENC[AES256_GCM,data:...,type:str]
    type: ENC[AES256_GCM,data:...,type:str]
    path: ENC[AES256_GCM,data:...,type:str]
    data:
      HF_TOKEN: ENC[AES256_GCM,data:...,type:str]
    # sops: metadata written by sops

Passes:

    # .sops.yaml
    creation_rules:
      - path_regex: (^|/)secrets/
        encrypted_regex: ^data$
        age: age1...

    # secrets/hf-token.yaml
    name: hf-token
    type: file
    path: $BENTOML_HOME/demo
    data:
      HF_TOKEN: ENC[AES256_GCM,data:...,type:str]
    # sops: metadata written by sops

Fix: set `encrypted_regex: ^data$` in the `.sops.yaml` rule, then re-encrypt the file:
`sops decrypt -i FILE && sops encrypt -i FILE` (commit nothing in between).
"""

from compiler.diagnostics import Severity

CODE = "BG203"
TITLE = "field outside data is encrypted"
DEFAULT = Severity.ERROR
