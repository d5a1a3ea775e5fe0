"""The repo's `.sops.yaml` is malformed: `creation_rules` is not a list, a rule is not a
mapping, or a rule's `path_regex` does not compile. sops reads this file to encrypt, to
re-key and to pick settings on decrypt, so a broken one breaks every sops command run in
the repo, and the checks that rely on the rules (BG204, BG205) skip the broken rules. sops
silently ignores keys it does not know, so a typo such as `encrypted_regexp:` or
`creation_rule:` goes unnoticed by sops itself; the tool checks what it can of the
structure.

Fails:

    # .sops.yaml
    creation_rules:
      - path_regex: (^|/)secrets/(
        encrypted_regex: ^data$
        age: age1...

Passes:

    # .sops.yaml
    creation_rules:
      - path_regex: (^|/)secrets/
        encrypted_regex: ^data$
        age: age1...

Fix: correct the regex at the reported position (here, the unclosed group) and make
`creation_rules` a list of mappings, each rule starting with `- `; quote a regex that YAML
might read otherwise (`path_regex: '^secrets/.*[.]yaml$'`). sops matches `path_regex` with
Go's RE2, so avoid look-arounds and back-references. The first rule that matches a path
wins: put specific rules before broad ones.
"""

from compiler.diagnostics import Severity

CODE = "BG209"
TITLE = "malformed .sops.yaml"
DEFAULT = Severity.ERROR
