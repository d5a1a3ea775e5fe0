"""A secret file has no sops metadata, or metadata without a `mac` or `version` (what
`sops filestatus` calls not encrypted): its values are committed in plaintext. Anyone who
can read the repo, its forks, clones and CI logs can read them, and they stay in git
history after the file is encrypted or deleted. A file sops encrypted always carries a
`sops:` block with its recipients, a MAC and the sops version; a file without one was
written by hand or decrypted in place (`sops decrypt -i`) and committed.

Fails:

    # secrets/openai.yaml
    name: openai
    type: env
    data:
      OPENAI_API_KEY: sk-example

Passes:

    # secrets/openai.yaml
    name: openai
    type: env
    data:
      OPENAI_API_KEY: ENC[AES256_GCM,data:...,type:str]
    sops:
      age:
        - recipient: age1...
      mac: ENC[AES256_GCM,data:...,type:str]
      version: 3.11.0

Fix: encrypt the file with `sops encrypt -i secrets/openai.yaml` (the repo's `.sops.yaml`
names the recipients and should set `encrypted_regex: ^data$`). That is not enough: the
plaintext is in git history, so rotate every value the file held (revoke the old key at
its provider, issue a new one) and store the new value with
`sops edit secrets/openai.yaml` or `bento-gitops secret set`. Rewriting history does not
reach existing clones and forks.
"""

from compiler.diagnostics import Severity

CODE = "BG201"
TITLE = "secret file not encrypted"
DEFAULT = Severity.ERROR
