"""`sub_paths` names a key that the secret's `data` does not have. The sub path does
nothing; usually the key was renamed or misspelt, and the real key lands at the top of the
mount path instead of where the application looks for it.

Fails:

    # secrets/hf-token.yaml
    type: file
    sub_paths: {HF_TOKN: secrets/password}
    data:
      HF_TOKEN: ENC[AES256_GCM,data:...,type:str]

Passes:

    # secrets/hf-token.yaml
    type: file
    sub_paths: {HF_TOKEN: secrets/password}
    data:
      HF_TOKEN: ENC[AES256_GCM,data:...,type:str]

Fix: spell the key as in `data`, or remove the entry.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from compiler import pointers
from compiler.diagnostics import Diagnostic, Severity
from compiler.rules.context import RepoContext, finding

CODE = "BG405"
TITLE = "sub_paths names a key that data lacks"
DEFAULT = Severity.ERROR
SCOPE = "repo"


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    for spec in ctx.secrets:
        for key in spec.sub_paths:
            if key in spec.keys:
                continue
            hint = difflib.get_close_matches(key, list(spec.keys), n=1)
            advice = f"; did you mean '{hint[0]}'?" if hint else ""
            pointer = pointers.join("/sub_paths", key)
            yield finding(
                CODE,
                DEFAULT,
                spec.origin(pointer, key=True),
                f"sub_paths names '{key}', which data does not hold{advice}",
                pointer,
            )
