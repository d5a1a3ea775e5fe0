"""No key available to this run can decrypt a secret file (sops exit code 128): none of
the file's recipients has a matching identity here. The checks that need values (for
example comparing two secrets that set the same key, BG301/BG303) are skipped for that
file, and the message names the file's recipients and the key sources found. With
`--decrypt auto` this is a warning, as expected in pre-commit or a pull request from a
fork; with `--decrypt always` it is an error and the run exits with code 3. sops combines
every age source it finds: `SOPS_AGE_KEY_FILE` (a file of identities), `SOPS_AGE_KEY`
(identities inline), `SOPS_AGE_KEY_CMD` (a command printing them),
`$XDG_CONFIG_HOME/sops/age/keys.txt` (by default `~/.config/sops/age/keys.txt`; on macOS
`~/Library/Application Support/sops/age/`), and SSH keys `~/.ssh/id_ed25519` / `id_rsa`.
PGP uses `GNUPGHOME` and gpg-agent; AWS, GCP and Azure KMS and Vault use their usual
credentials (`AWS_PROFILE`, `GOOGLE_APPLICATION_CREDENTIALS`, `AZURE_*`, `VAULT_TOKEN`).

Fails:

    # secrets/openai.yaml, while no identity for age1ops... is available
    sops:
      age:
        - recipient: age1ops...

Passes:

    # secrets/openai.yaml, with SOPS_AGE_KEY_FILE naming a file that holds
    # the identity (AGE-SECRET-KEY-1...) of age1ops...
    sops:
      age:
        - recipient: age1ops...

Fix: make one recipient's identity available, e.g. `export SOPS_AGE_KEY_FILE=~/keys.txt`,
or in CI set `SOPS_AGE_KEY` from the CI's secret store. If your key is not a recipient,
ask someone who can decrypt to add it to `.sops.yaml` and run `sops updatekeys FILE`.
"""

from compiler.diagnostics import Severity

CODE = "BG206"
TITLE = "no key available to decrypt"
DEFAULT = Severity.WARNING
