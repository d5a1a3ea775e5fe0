"""`init`: a new repo that validates at once, and an age key pair where sops looks for it.

The repo gets a project file, a `.sops.yaml` (every secret file encrypted for one age
recipient, only `data` encrypted), an example secret from the `openai` template with a
placeholder value, a deployment that attaches it, and a `.gitignore`. A new identity is
appended to sops' default keys file (created 0600 in 0700 folders, never truncated); only
its public half is ever shown. A failure leaves the directory as it was.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from compiler import agekeys
from compiler.decrypt import DecryptMode
from compiler.diagnostics import Diagnostic
from compiler.discover import PROJECT_FILE, SOPS_CONFIG
from compiler.errors import UsageError
from compiler.keys import default_keys_file
from compiler.secret_edit import CreateOptions, create
from compiler.secret_values import ValueInput
from compiler.validate import ValidateOptions, validate

AGE_RECIPIENT = re.compile(r"^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$")
EXAMPLE_SECRET = "example"
PLACEHOLDER_KEY = "OPENAI_API_KEY=sk-replace-me"
ALLOWED_ALREADY = frozenset({".git"})  # `git init && bento-gitops init` is the usual order

PROJECT = """\
# bento-gitops project file; every key is optional (`bento-gitops schema project`).
version: 1
bentoml_home: /home/bentoml/bentoml   # what $BENTOML_HOME means inside BentoCloud's containers
secrets_dir: secrets
deployments_dir: deployments
environments:                         # your BentoCloud clusters (`bentoml cluster list`)
  staging: {cluster: gcp-us-central-1}
  prod: {cluster: aws-us-east-1}
"""

SOPS_RULES = """\
# sops creation rules: every secret file is encrypted for these recipients, and only its
# `data` values are, so names, keys and paths stay reviewable without keys.
creation_rules:
  - path_regex: (^|/)secrets/.*\\.ya?ml$
    encrypted_regex: ^data$
    age: {recipient}
"""

DEPLOYMENT = """\
# One BentoCloud deployment, exactly as `bentoml deploy -f` takes it.
name: example
bento: example-service:latest
access_authorization: false
secrets:
  - example   # secrets/example.yaml
services:
  ExampleService:
    instance_type: cpu.2
    scaling:
      min_replicas: 1
      max_replicas: 2
"""

GITIGNORE = """\
# Rendered output can hold secret values (`render --secrets values`).
/out/
# Plaintext never belongs in git: decrypted copies, dotenv files, age identities.
*.dec.yaml
*.decrypted.yaml
.env
.env.*
keys.txt
"""


@dataclass(frozen=True)
class InitOptions:
    directory: Path
    age_recipient: str | None = None
    sops: str | None = None


@dataclass(frozen=True)
class Initialized:
    root: Path
    files: tuple[str, ...]  # repo-relative, in the order written
    recipient: str
    key_file: Path | None  # where the new identity went; None with --age-recipient
    diagnostics: tuple[Diagnostic, ...]  # of `validate --decrypt never` on the result


def _check_empty(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a directory")
    present = sorted(p.name for p in root.iterdir()) if root.is_dir() else []
    extra = [name for name in present if name not in ALLOWED_ALREADY]
    if extra:
        shown = ", ".join(extra[:5]) + (", ..." if len(extra) > 5 else "")
        raise UsageError(
            f"{root} is not empty ({shown}); init writes a new repo into an empty directory only"
        )


def _recipient(given: str | None) -> tuple[str, agekeys.AgeKeyPair | None]:
    if given is None:
        pair = agekeys.generate()
        return pair.recipient, pair
    if not AGE_RECIPIENT.match(given):
        raise UsageError(f"--age-recipient {given!r} is not an age public key (age1 and 58 characters)")
    return given, None


class _Written:
    """What init created, so a failure can take it all back."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[str] = []
        self.folders: list[Path] = []

    def folder(self, path: Path) -> None:
        for parent in reversed([path, *path.parents]):
            if not parent.exists():
                parent.mkdir()
                self.folders.append(parent)

    def write(self, rel: str, text: str) -> None:
        target = self.root / rel
        self.folder(target.parent)
        with open(target, "x", encoding="utf-8") as out:
            out.write(text)
        self.files.append(rel)

    def undo(self) -> None:
        for rel in reversed(self.files):
            (self.root / rel).unlink(missing_ok=True)
        for folder in reversed(self.folders):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _private_folders(path: Path) -> None:
    for parent in reversed([path, *path.parents]):
        if not parent.exists():
            parent.mkdir(mode=0o700)


def append_identity(path: Path, pair: agekeys.AgeKeyPair) -> None:
    """Append an identity to a keys file: created 0600, never truncated."""
    _private_folders(path.parent)
    needs_newline = path.is_file() and path.stat().st_size > 0 and not path.read_bytes().endswith(b"\n")
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(("\n" if needs_newline else "") + pair.keys_txt(created))


def _write_repo(written: _Written, recipient: str, sops: str | None) -> None:
    written.write(PROJECT_FILE, PROJECT)
    written.write(SOPS_CONFIG, SOPS_RULES.format(recipient=recipient))
    written.write(".gitignore", GITIGNORE)
    written.write("deployments/example.yaml", DEPLOYMENT)
    written.folder(written.root / "secrets")
    description = "Example: replace the value with `bento-gitops secret set example OPENAI_API_KEY=-`"
    options = CreateOptions(
        written.root,
        EXAMPLE_SECRET,
        ValueInput((PLACEHOLDER_KEY,)),
        description=description,
        template="openai",
        sops=sops,
    )
    written.files.append(create(options).path)


def init(options: InitOptions, environ: Mapping[str, str] | None = None) -> Initialized:
    root = Path(os.path.abspath(options.directory))
    _check_empty(root)
    recipient, pair = _recipient(options.age_recipient)
    key_file = default_keys_file(os.environ if environ is None else environ) if pair else None
    written = _Written(root)
    try:
        written.folder(root)
        _write_repo(written, recipient, options.sops)
        if pair is not None and key_file is not None:
            append_identity(key_file, pair)
    except BaseException:
        written.undo()
        raise
    outcome = validate(ValidateOptions(root, decrypt=DecryptMode.NEVER))
    return Initialized(root, tuple(written.files), recipient, key_file, tuple(outcome.diagnostics))
