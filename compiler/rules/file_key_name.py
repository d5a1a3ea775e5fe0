"""A key of a file secret can't be a file name. Each key becomes a file named after it
(BentoCloud runs on Kubernetes, whose secret keys must match `[-._a-zA-Z0-9]+`), so `/`,
spaces, `.` and `..`, and names over 253 characters fail when the deployment starts.

Fails:

    # secrets/gcp.yaml
    type: file
    data:
      "service account.json": ENC[AES256_GCM,data:...,type:str]

Passes:

    # secrets/gcp.yaml
    type: file
    data:
      service-account.json: ENC[AES256_GCM,data:...,type:str]

Fix: rename the key (a key can't be renamed in place on BentoCloud: re-create the secret
and the deployments that mount it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler import pointers
from compiler.diagnostics import Diagnostic, Severity
from compiler.rules.context import RepoContext, finding

CODE = "BG404"
TITLE = "a file secret key unfit as a file name"
DEFAULT = Severity.ERROR
SCOPE = "repo"

FILE_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    for spec in ctx.secrets:
        if spec.type != "file":
            continue
        for key in spec.keys:
            if not FILE_KEY.fullmatch(key) or key in (".", ".."):
                pointer = pointers.join("/data", key)
                message = f"key {key!r} can't be a file name: use letters, digits, '-', '_' and '.'"
                yield finding(CODE, DEFAULT, spec.origin(pointer, key=True), message, pointer)
