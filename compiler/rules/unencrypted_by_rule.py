"""A file matches a creation rule in `.sops.yaml` but is not encrypted. A creation rule is
the repo's statement that files matching its `path_regex` are secret; this check applies
it to every file in the repo, not only to `secrets/`, so a credential saved beside the
deployments is caught too. As sops does, the regex is matched against the path relative to
the folder of `.sops.yaml`, and the first matching rule wins. The file is reported at its
first line, with the rule as a related location.

Fails:

    # .sops.yaml
    creation_rules:
      - path_regex: (^|/)private/
        age: age1...

    # config/private/db.yaml
    password: not-a-real-password

Passes:

    # config/private/db.yaml
    password: ENC[AES256_GCM,data:...,type:str]
    sops:
      age:
        - recipient: age1...
      mac: ENC[AES256_GCM,data:...,type:str]
      version: 3.11.0

Fix: encrypt it, `sops encrypt -i config/private/db.yaml`, and rotate its values: they are
in git history. If the file is not secret, move it or narrow the rule's `path_regex` so
that no rule matches it.
"""

from compiler.diagnostics import Severity

CODE = "BG204"
TITLE = "file a .sops.yaml rule covers is not encrypted"
DEFAULT = Severity.ERROR
