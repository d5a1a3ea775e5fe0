"""A secret or deployment name is not a DNS-1123 label: at most 63 characters, lower-case
letters, digits and '-', starting and ending with a letter or digit. BentoCloud runs on
Kubernetes, where such names become object names; a name like `OpenAI_Key`, `../x` or one
with look-alike Unicode letters is refused by the server, or worse, renders to a path.
The name comes from the `name` field, else the file name.

Fails:

    # secrets/OpenAI_Key.yaml   (no name field: the name is "OpenAI_Key")
    data: {OPENAI_API_KEY: ENC[AES256_GCM,data:...,type:str]}

Passes:

    # secrets/openai-key.yaml
    data: {OPENAI_API_KEY: ENC[AES256_GCM,data:...,type:str]}

Fix: rename the file or set `name:` to a valid label, e.g. `openai-key`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import Kind
from compiler.merge import Origin
from compiler.model import name_of
from compiler.rules.context import RepoContext, finding

CODE = "BG505"
TITLE = "a secret or deployment name is not a DNS-1123 label"
DEFAULT = Severity.ERROR
SCOPE = "repo"

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def is_dns_label(name: str) -> bool:
    return DNS_LABEL.fullmatch(name) is not None


def check(ctx: RepoContext) -> Iterator[Diagnostic]:
    for file in ctx.repo.files:
        if file.source.kind not in (Kind.SECRET, Kind.DEPLOYMENT) or not file.valid or file.document is None:
            continue
        name = name_of(file)
        if is_dns_label(name):
            continue
        has_field = "name" in file.document.data
        line, column = file.document.position("/name") if has_field else (1, 1)
        source = "" if has_field else " (taken from the file name)"
        message = (
            f"{file.source.kind.value} name {name!r}{source} is not a DNS-1123 label: use at most 63 "
            "lower-case letters, digits and '-', starting and ending with a letter or digit"
        )
        yield finding(CODE, DEFAULT, Origin(file.path, line, column), message, "/name" if has_field else "")
    for model in ctx.models:
        for base_name, deployment in model.deployments.items():
            if deployment.name != base_name and not is_dns_label(deployment.name):
                message = f"the overlay renames '{base_name}' to {deployment.name!r}, not a DNS-1123 label"
                yield finding(CODE, DEFAULT, deployment.origin("/name"), message, "/name").with_environment(
                    model.name
                )
