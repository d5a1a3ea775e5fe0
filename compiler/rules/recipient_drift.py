"""The recipients in an encrypted file's `sops` metadata differ from those its
`.sops.yaml` creation rule names, or no rule matches the file at all. sops reads the rule
only when a file is created or re-keyed, so adding a key to the rule (a new teammate, a CI
key) or removing one (someone who left) changes nothing in files already encrypted: the
new key cannot decrypt them, and the removed key still can. A file no rule matches cannot
be re-keyed or re-created from the rules. The message lists the recipients missing from
the file and those the rule no longer names, with the rule as a related location.

Fails:

    # .sops.yaml
    creation_rules:
      - path_regex: (^|/)secrets/
        encrypted_regex: ^data$
        age: age1alice...,age1ci...

    # secrets/openai.yaml, encrypted before age1ci... was added
    sops:
      age:
        - recipient: age1alice...

Passes:

    # secrets/openai.yaml, after `sops updatekeys`
    sops:
      age:
        - recipient: age1alice...
        - recipient: age1ci...

Fix: run `sops updatekeys secrets/openai.yaml` (add `-y` to skip the prompt) with a key
that can decrypt the file; it re-encrypts the data key for exactly the rule's recipients.
When a recipient was removed, also rotate the values: the removed key still opens every
earlier version in git history. When no rule matches, add a rule to `.sops.yaml`.
"""

from compiler.diagnostics import Severity

CODE = "BG205"
TITLE = "recipients differ from the .sops.yaml rule"
DEFAULT = Severity.WARNING
