"""A key of an env secret attached to a deployment is also set in the deployment's `envs`
or in one of its services' `envs`. Two sources then set one environment variable and
BentoCloud does not say which wins; a plaintext `envs` entry may also shadow the secret
value the team meant to use. Build-only secrets are not compared with `envs`.

Fails:

    # deployments/llm.yaml (secret openai holds OPENAI_API_KEY)
    bento: llm:v1
    secrets: [openai]
    envs:
      - {name: OPENAI_API_KEY, value: placeholder}

Passes:

    # deployments/llm.yaml
    bento: llm:v1
    secrets: [openai]
    envs:
      - {name: OPENAI_BASE_URL, value: https://api.example.com/v1}

Fix: drop the `envs` entry (the secret sets the variable), or rename one of the two.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from compiler import pointers
from compiler.diagnostics import Diagnostic, Severity
from compiler.model import Deployment, SecretRef, SecretSpec
from compiler.rules.context import EnvContext, finding, related

CODE = "BG304"
TITLE = "a secret env key also set in the deployment's or a service's envs"
DEFAULT = Severity.ERROR
SCOPE = "environment"


def _env_lists(deployment: Deployment) -> Iterator[tuple[str, list[Any]]]:
    """(pointer, entries) of the top-level and each service's `envs`."""
    config = deployment.config
    yield "/envs", config.get("envs") or []
    for service, spec in (config.get("services") or {}).items():
        if isinstance(spec, dict):
            yield pointers.join(pointers.join("/services", service), "envs"), spec.get("envs") or []


def _env_keys(ctx: EnvContext, deployment: Deployment) -> dict[str, tuple[SecretRef, SecretSpec]]:
    """Each runtime env key the deployment's secrets set, with the first secret setting it."""
    keys: dict[str, tuple[SecretRef, SecretSpec]] = {}
    for ref in deployment.secret_refs:
        spec = ctx.model.secrets.get(ref.name)
        if spec is not None and spec.type == "env" and spec.stage != "build":
            for key in spec.keys:
                keys.setdefault(key, (ref, spec))
    return keys


def check(ctx: EnvContext) -> Iterator[Diagnostic]:
    for deployment in ctx.model.deployments.values():
        keys = _env_keys(ctx, deployment)
        if not keys:
            continue
        for base, entries in _env_lists(deployment):
            for index, entry in enumerate(entries):
                name = entry.get("name") if isinstance(entry, dict) else None
                if not isinstance(name, str) or name not in keys:
                    continue
                ref, spec = keys[name]
                pointer = pointers.join(base, index)
                notes = (
                    related(ref.origin, f"secret {spec.name} attached here"),
                    related(spec.origin(f"/data/{name}", key=True), f"{name} in secret {spec.name}"),
                )
                message = f"{name} is set both here and by secret {spec.name}; keep one"
                yield finding(CODE, DEFAULT, deployment.origin(pointer), message, pointer, notes)
