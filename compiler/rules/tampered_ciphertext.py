"""sops could not decrypt an encrypted value (sops exit code 25): AES-GCM authentication
failed, so the value was altered, truncated (a copy and paste that lost characters), or
moved to another key. Each value is authenticated together with its key path, so swapping
two `ENC[...]` strings between keys, or renaming a key by hand, is detected too. The same
code reports a file sops could not decrypt for another reason; the message then carries
sops's exit code and its cleaned error text. Nothing decrypted from such a file can be
trusted, so none of it is used.

Fails:

    # secrets/aws.yaml: the two values were swapped by hand
    name: aws
    data:
      AWS_ACCESS_KEY_ID: ENC[AES256_GCM,data:...,type:str]
      AWS_SECRET_ACCESS_KEY: ENC[AES256_GCM,data:...,type:str]

Passes:

    # secrets/aws.yaml, restored as sops wrote it
    name: aws
    data:
      AWS_ACCESS_KEY_ID: ENC[AES256_GCM,data:...,type:str]
      AWS_SECRET_ACCESS_KEY: ENC[AES256_GCM,data:...,type:str]

Fix: restore the file from git history: find the last good version with
`git log -p -- FILE` and `git checkout COMMIT -- FILE`. If there is none, set the value
again with `sops edit FILE` or `bento-gitops secret set`. To rename a key, use
`sops edit`, which re-encrypts the value under its new path.
"""

from compiler.diagnostics import Severity

CODE = "BG208"
TITLE = "ciphertext tampered or undecryptable"
DEFAULT = Severity.ERROR
