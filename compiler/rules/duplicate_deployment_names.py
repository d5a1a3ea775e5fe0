"""Two deployment files define one deployment name (the `name` field, else the file name),
or an overlay renames a deployment onto another's name in one environment. BentoCloud
holds one deployment per name: `bentoml deployment apply` of the second overwrites the
first.

Fails:

    # deployments/llm.yaml                # deployments/llm-copy.yaml
    name: llm                             name: llm
    bento: llm:v1                         bento: llm:v2

Passes:

    # deployments/llm.yaml                # deployments/llm-copy.yaml
    name: llm                             name: llm-canary
    bento: llm:v1                         bento: llm:v2

Fix: give each deployment its own `name`.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import Kind
from compiler.merge import Origin
from compiler.model import name_of
from compiler.repo import LoadedFile
from compiler.rules.context import RepoContext, finding, related

CODE = "BG503"
TITLE = "two deployments with one name"
DEFAULT = Severity.ERROR
SCOPE = "repo"


def _name_origin(file: LoadedFile) -> Origin:
    assert file.document is not None
    line, column = file.document.position("/name") if "name" in file.document.data else (1, 1)
    return Origin(file.path, line, column)


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    first: dict[str, LoadedFile] = {}
    for file in ctx.repo.of_kind(Kind.DEPLOYMENT):
        if not file.valid:
            continue
        name = name_of(file)
        if name in first:
            note = (related(_name_origin(first[name]), "first defined here"),)
            yield finding(
                CODE,
                DEFAULT,
                _name_origin(file),
                f"deployment name '{name}' is already defined by {first[name].path}",
                "/name",
                note,
            )
        else:
            first[name] = file
    for model in ctx.models:
        by_name: dict[str, list[str]] = {}
        for base_name, deployment in model.deployments.items():
            by_name.setdefault(deployment.name, []).append(base_name)
        for name, bases in sorted(by_name.items()):
            renamed = [b for b in bases if b != name] if len(bases) > 1 else []
            for base_name in renamed:
                deployment = model.deployments[base_name]
                others = ", ".join(b for b in bases if b != base_name)
                message = f"the overlay renames deployment '{base_name}' to '{name}', the name of {others}"
                yield finding(CODE, DEFAULT, deployment.origin("/name"), message, "/name").with_environment(
                    model.name
                )
