"""A file secret's `path` is not under $BENTOML_HOME once normalised. BentoCloud requires
file secrets to be mounted under $BENTOML_HOME ("ensure this path is under the
$BENTOML_HOME directory") but its client checks nothing. `$BENTOML_HOME`,
`${BENTOML_HOME}`, and the project's absolute `bentoml_home` all name the home; `..` may not
climb out of it; a relative path or another variable is ambiguous and refused.

Fails:

    # secrets/creds.yaml
    type: file
    path: $BENTOML_HOME/../../etc

Passes:

    # secrets/creds.yaml
    type: file
    path: $BENTOML_HOME/creds

Fix: mount the secret below `$BENTOML_HOME`, e.g. `path: $BENTOML_HOME/creds`.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.mountpaths import mount_segments
from compiler.rules.context import RepoContext, finding

CODE = "BG401"
TITLE = "a file secret's path is not under $BENTOML_HOME once normalised"
DEFAULT = Severity.ERROR
SCOPE = "repo"


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    home = ctx.repo.project.bentoml_home
    for spec in ctx.secrets:
        if spec.type == "file" and mount_segments(spec.mount_path, home) is None:
            at = spec.origin("/path") if "path" in spec.data else spec.origin("/type")
            message = (
                f"path '{spec.mount_path}' is not under $BENTOML_HOME ({home}); mount it below $BENTOML_HOME"
            )
            yield finding(CODE, DEFAULT, at, message, "/path")
