"""sops refused to decrypt a secret file because its MAC does not match (sops exit code
51). The MAC is computed over every value in the file, the plaintext ones too (`name`,
`type`, `path`, `description`, `sub_paths`), and stored encrypted in the `sops` metadata;
a field edited by hand after encryption breaks it, and sops treats the file as tampered
with. A git merge of two `sops edit`s of one file ends the same way. It is found only when
a key is available, since checking the MAC means decrypting it. BentoCloud never sees a
broken file, but every pipeline that decrypts it fails.

Fails:

    # secrets/hf-token.yaml
    name: hf-token
    type: file
    path: $BENTOML_HOME/models          # edited by hand; was $BENTOML_HOME/demo
    data:
      HF_TOKEN: ENC[AES256_GCM,data:...,type:str]
    sops:
      mac: ENC[AES256_GCM,data:...,type:str]   # computed with the old path

Passes:

    # secrets/hf-token.yaml, the same change made with `sops edit`
    name: hf-token
    type: file
    path: $BENTOML_HOME/models
    data:
      HF_TOKEN: ENC[AES256_GCM,data:...,type:str]
    sops:
      mac: ENC[AES256_GCM,data:...,type:str]   # recomputed by sops

Fix: find the hand edit with `git diff FILE` or `git log -p FILE`, revert it
(`git checkout -- FILE`), and make the change through `sops edit FILE` or
`bento-gitops secret set|edit`. Do not use `sops --ignore-mac` to paper over it.
"""

from compiler.diagnostics import Severity

CODE = "BG207"
TITLE = "MAC mismatch"
DEFAULT = Severity.ERROR
