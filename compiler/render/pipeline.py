"""render: validate, decrypt what the output needs, build the context, render a target, write."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from compiler import __version__, exitcodes
from compiler.decrypt import DecryptMode, Decryptor
from compiler.diagnostics import Diagnostic, Severity, sort_diagnostics
from compiler.errors import UsageError
from compiler.fingerprint import KEY_VARIABLE, fingerprint
from compiler.model import Deployment, EnvironmentModel, SecretSpec, build_environment
from compiler.modes import SecretsMode as SecretsMode  # re-exported for callers
from compiler.mountpaths import display, key_location, mount_segments
from compiler.redacted import SecretValue
from compiler.render import bentocloud, kubernetes
from compiler.render.output import INDEX, check_destination, write_tree
from compiler.render.templates import Target, TemplateFailure, render_target
from compiler.validate import ValidateOptions, validate

BUILTIN_TARGETS = ("bentocloud", "kubernetes")


@dataclass(frozen=True)
class RenderOptions:
    repo: Path
    out: Path
    environment: str | None = None
    target: str = "bentocloud"
    secrets: SecretsMode = SecretsMode.REDACTED
    force: bool = False
    strict: bool = False
    sops: str | None = None


@dataclass(frozen=True)
class RenderOutcome:
    diagnostics: list[Diagnostic]
    files: list[str]
    exit_code: int


def _environment(options: RenderOptions, names: tuple[str, ...]) -> str:
    if options.environment:
        return options.environment
    if len(names) == 1:
        return names[0]
    raise UsageError(f"choose an environment with --env: {', '.join(names)}")


def find_target(repo: Path, name: str) -> Target:
    user = repo / "templates" / name
    if user.is_dir():
        return Target(name, user, f"templates/{name}", repo.resolve())
    if name in BUILTIN_TARGETS:
        return Target(name, Path(str(resources.files("compiler"))) / "targets" / name, f"<{name}>")
    known = sorted({*BUILTIN_TARGETS, *(p.name for p in (repo / "templates").glob("*") if p.is_dir())})
    raise UsageError(f"unknown target {name!r}; known: {', '.join(known)}")


def secrets_in_use(model: EnvironmentModel) -> list[SecretSpec]:
    names = {ref.name for d in model.deployments.values() for ref in d.all_refs}
    return [model.secrets[n] for n in sorted(names) if n in model.secrets]


def _cluster_errors(model: EnvironmentModel) -> list[Diagnostic]:
    found = []
    for deployment in model.deployments.values():
        if not deployment.config.get("cluster"):
            at = deployment.origin("")
            message = (
                f"deployment {deployment.name} has no cluster in {model.name}: set `cluster:` in it, or "
                f"the environment's cluster in bento-gitops.yaml"
            )
            found.append(
                Diagnostic(at.file, at.line, at.column, "BG509", Severity.ERROR, message, "", (), model.name)
            )
    return found


def _secret_context(
    spec: SecretSpec,
    values: dict[str, SecretValue] | None,
    model: EnvironmentModel,
    namespace: str,
    mode: SecretsMode,
) -> dict[str, Any]:
    home = model.project.bentoml_home
    segments = mount_segments(spec.mount_path, home) or ()
    shown = values if mode is SecretsMode.VALUES else None
    items = []
    for key in sorted(spec.keys):
        sub = spec.sub_paths.get(key) if spec.type == "file" else None
        location = display(key_location(segments, sub, key)) if spec.type == "file" else None
        value = shown[key].reveal() if shown is not None else None
        items.append({"key": key, "sub_path": sub, "file_path": location, "value": value})
    users = sorted(d.name for d in model.deployments.values() if spec.name in {r.name for r in d.all_refs})
    plain = {k: v.reveal() for k, v in shown.items()} if shown is not None else None
    return {
        "name": spec.name,
        "description": spec.data.get("description"),
        "type": spec.type,
        "stage": spec.stage,
        "path": spec.mount_path if spec.type == "file" else None,
        "template": spec.data.get("template"),
        "keys": sorted(spec.keys),
        "items": items,
        "used_by": users,
        "body": bentocloud.secret_body(spec, shown),
        "kubernetes": kubernetes.secret_manifest(spec, namespace, plain),
    }


def _deployment_context(
    deployment: Deployment,
    model: EnvironmentModel,
    namespace: str,
    values: dict[str, dict[str, SecretValue]] | None,
    mode: SecretsMode,
) -> dict[str, Any]:
    mounted = [model.secrets[r.name] for r in deployment.secret_refs if r.name in model.secrets]
    unique = list({s.name: s for s in mounted}.values())
    env_secrets = [s for s in unique if s.type == "env" and s.stage != "build"]
    file_secrets = [s for s in unique if s.type == "file"]
    chosen = {s.name: values[s.name] for s in env_secrets + file_secrets} if values is not None else None
    mark = fingerprint(chosen, os.environ.get(KEY_VARIABLE), plain_ok=mode is SecretsMode.VALUES)
    settings = model.project.kubernetes
    manifests = kubernetes.workloads(
        deployment, env_secrets, file_secrets, settings, namespace, model.project.bentoml_home, mark
    )
    return {
        "name": deployment.name,
        "environment": model.name,
        "cluster": deployment.config.get("cluster"),
        "config": deployment.config,
        "secrets": [s.name for s in unique],
        "fingerprint": mark,
        "manifest": bentocloud.deployment_manifest(deployment, str(deployment.config.get("cluster") or "")),
        "kubernetes": manifests,
    }


def build_context(
    model: EnvironmentModel, values: dict[str, dict[str, SecretValue]] | None, mode: SecretsMode
) -> dict[str, Any]:
    """What every template sees (documented in the README)."""
    env = model.project.environment(model.name)
    namespace = (env.namespace if env else None) or model.project.kubernetes.namespace
    in_use = secrets_in_use(model)
    return {
        "env": {"name": model.name, "cluster": env.cluster if env else None, "namespace": namespace},
        "project": {"bentoml_home": model.project.bentoml_home},
        "secrets_mode": mode.value,
        "deployments": [
            _deployment_context(model.deployments[n], model, namespace, values, mode)
            for n in sorted(model.deployments, key=lambda n: model.deployments[n].name)
        ],
        "secrets": [
            _secret_context(s, values.get(s.name) if values else None, model, namespace, mode) for s in in_use
        ],
    }


def _index(files: dict[str, bytes], context: dict[str, Any], target: str, mode: SecretsMode) -> bytes:
    body = {
        "generator": f"bento-gitops {__version__}",
        "version": 1,
        "target": target,
        "environment": context["env"]["name"],
        "secrets": mode.value,
        "files": [{"path": p, "sha256": hashlib.sha256(files[p]).hexdigest()} for p in sorted(files)],
        "deployments": {d["name"]: {"secrets": d["secrets"]} for d in context["deployments"]},
        "secrets_used_by": {s["name"]: s["used_by"] for s in context["secrets"]},
    }
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()


def _values(
    model: EnvironmentModel, decryptor: Decryptor
) -> tuple[dict[str, dict[str, SecretValue]], list[Diagnostic]]:
    in_use = secrets_in_use(model)
    decryptor.decrypt([(s.doc, s.file.raw) for s in in_use])
    failures = decryptor.failures({s.path: s.doc for s in in_use})
    values = {s.name: v for s in in_use if (v := decryptor.values(s.path)) is not None}
    return values, failures


def render(options: RenderOptions) -> RenderOutcome:
    checked = validate(
        ValidateOptions(
            options.repo, environment=options.environment, strict=options.strict, sops=options.sops
        )
    )
    repo = checked.repo
    if checked.exit_code != exitcodes.OK or repo is None:
        return RenderOutcome(checked.diagnostics, [], checked.exit_code or exitcodes.FINDINGS)
    environment = _environment(options, repo.project.environment_names)
    target = find_target(repo.root, options.target)
    destination = check_destination(options.out, repo.root, options.force)
    model = build_environment(repo, environment)
    problems = _cluster_errors(model) if options.target == "bentocloud" else []
    values: dict[str, dict[str, SecretValue]] | None = None
    needs_values = options.secrets is SecretsMode.VALUES or (
        options.target == "kubernetes" and bool(os.environ.get(KEY_VARIABLE))
    )
    decryptor = checked.decryptor or Decryptor(repo.root, DecryptMode.ALWAYS, options.sops)
    if needs_values and not problems:
        decryptor.mode = DecryptMode.ALWAYS
        values, problems = _values(model, decryptor)
    if problems:
        code = exitcodes.ENVIRONMENT if decryptor.fatal else exitcodes.FINDINGS
        return RenderOutcome(sort_diagnostics(checked.diagnostics + problems), [], code)
    context = build_context(model, values, options.secrets)
    try:
        texts = render_target(target, context)
    except TemplateFailure as failure:
        return RenderOutcome(
            sort_diagnostics([*checked.diagnostics, failure.diagnostic]), [], exitcodes.FINDINGS
        )
    files = {path: text.encode("utf-8") for path, text in texts.items()}
    files[INDEX] = _index(files, context, options.target, options.secrets)
    write_tree(destination, files, private=options.secrets is SecretsMode.VALUES)
    return RenderOutcome(checked.diagnostics, sorted(files), exitcodes.OK)
