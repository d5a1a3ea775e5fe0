"""A `sub_paths` entry is absolute, climbs out of the secret's path with `..`, or has empty
segments (`a//b`, a trailing slash). A key lands at `<path>/<sub_path>/<KEY>`, so such a
sub path would put the file outside where the secret is mounted, or nowhere.

Fails:

    # secrets/hf-token.yaml
    type: file
    path: $BENTOML_HOME/demo
    sub_paths: {HF_TOKEN: ../../x}

Passes:

    # secrets/hf-token.yaml
    type: file
    path: $BENTOML_HOME/demo
    sub_paths: {HF_TOKEN: secrets/password}

Fix: use a relative sub path below the secret's path, with no `..` and no empty segments.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler import pointers
from compiler.diagnostics import Diagnostic, Severity
from compiler.mountpaths import sub_path_problem
from compiler.rules.context import RepoContext, finding

CODE = "BG402"
TITLE = "a sub_path is absolute, escapes with '..', or has empty segments"
DEFAULT = Severity.ERROR
SCOPE = "repo"


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    for spec in ctx.secrets:
        if spec.type != "file":
            continue
        for key, sub_path in spec.sub_paths.items():
            problem = sub_path_problem(sub_path)
            if problem:
                pointer = pointers.join("/sub_paths", key)
                yield finding(CODE, DEFAULT, spec.origin(pointer), f"sub path of {key} {problem}", pointer)
