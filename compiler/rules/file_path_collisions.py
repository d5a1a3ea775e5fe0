"""Two file keys mounted on one deployment resolve to the same path, or one key's file would
sit inside another key's file. A file secret key lands at `<path>/<sub_path>/<KEY>` under
$BENTOML_HOME; `$BENTOML_HOME/demo` + sub path `secrets/password` + `HF_TOKEN` is the same
file as `$BENTOML_HOME/demo/secrets` + `password` + `HF_TOKEN`. A path can't be both a file
and a directory, so one of the mounts fails or hides the other when the pod starts.
Paths are compared after normalisation (`${BENTOML_HOME}`, `./`, trailing slashes).

Fails:

    # secrets/hf-a.yaml                   # secrets/hf-b.yaml
    type: file                            type: file
    path: $BENTOML_HOME/demo              path: $BENTOML_HOME/demo/secrets
    sub_paths: {HF_TOKEN: secrets/password}
                                          sub_paths: {HF_TOKEN: password}

Passes:

    # secrets/hf-b.yaml
    type: file
    path: $BENTOML_HOME/other

Fix: give each secret its own `path` (or sub path) so no two keys meet, then re-create
the deployments that mount it.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.model import SecretRef, SecretSpec
from compiler.mountpaths import Segments, contains, display, key_location, mount_segments, sub_path_problem
from compiler.rules.context import EnvContext, finding, related

CODE = "BG305"
TITLE = "two file keys of one deployment resolve to the same path, or one lies inside another"
DEFAULT = Severity.ERROR
SCOPE = "environment"

Placed = tuple[Segments, str, SecretRef, SecretSpec]


def placements(ctx: EnvContext, refs: list[SecretRef]) -> list[Placed]:
    found: list[Placed] = []
    done: set[str] = set()
    for ref in refs:
        spec = ctx.model.secrets.get(ref.name)
        if spec is None or spec.type != "file" or ref.name in done:
            continue
        done.add(ref.name)
        mount = mount_segments(spec.mount_path, ctx.model.project.bentoml_home)
        if mount is None:
            continue  # BG401
        for key in spec.keys:
            sub = spec.sub_paths.get(key)
            if sub is not None and sub_path_problem(sub):
                continue  # BG402
            found.append((key_location(mount, sub, key), key, ref, spec))
    return found


def _clash(a: Segments, b: Segments) -> str | None:
    if a == b:
        return "the same path"
    if contains(a, b) or contains(b, a):
        return "paths where one file would sit inside the other"
    return None


def check(ctx: EnvContext) -> Iterator[Diagnostic]:
    for refs in (refs for d in ctx.model.deployments.values() for refs in d.mount_sets):
        placed = placements(ctx, refs)
        for i, (where, key, ref, spec) in enumerate(placed):
            for other_where, other_key, other_ref, other in placed[:i]:
                how = _clash(other_where, where)
                if how is None:
                    continue
                notes = (
                    related(other_ref.origin, f"secret {other.name} attached here"),
                    related(other.origin(f"/data/{other_key}", key=True), f"{other_key} of {other.name}"),
                    related(spec.origin(f"/data/{key}", key=True), f"{key} of {spec.name}"),
                )
                message = (
                    f"{key} of secret {spec.name} ({display(where)}) and {other_key} of secret "
                    f"{other.name} ({display(other_where)}) are mounted at {how}"
                )
                yield finding(CODE, DEFAULT, ref.origin, message, ref.pointer, notes)
