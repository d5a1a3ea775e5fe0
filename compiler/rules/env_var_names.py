"""A key of an env secret is not a valid environment variable name
(`[A-Za-z_][A-Za-z0-9_]*`). Every key of an env secret becomes a variable in the image
build and the containers; `openai-key` or `2FA_CODE` can't be read by a shell or most
runtimes, and Kubernetes refuses some outright.

Fails:

    # secrets/openai.yaml
    type: env
    data:
      openai-key: ENC[AES256_GCM,data:...,type:str]

Passes:

    # secrets/openai.yaml
    type: env
    data:
      OPENAI_API_KEY: ENC[AES256_GCM,data:...,type:str]

Fix: re-create the secret with a valid key name (keys can't be renamed in place), or
mount it as a file (`type: file`) if a file name was meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler import pointers
from compiler.diagnostics import Diagnostic, Severity
from compiler.rules.context import RepoContext, finding

CODE = "BG506"
TITLE = "an env secret key is not a valid variable name"
DEFAULT = Severity.ERROR
SCOPE = "repo"

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    for spec in ctx.secrets:
        if spec.type != "env":
            continue
        for key in spec.keys:
            if not ENV_NAME.fullmatch(key):
                pointer = pointers.join("/data", key)
                message = f"key {key!r} is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)"
                yield finding(CODE, DEFAULT, spec.origin(pointer, key=True), message, pointer)
