"""BentoCloud's own shapes: the deployment file `bentoml deployment apply -f` takes, and the
create-secret request body (bentoml-facts 2.1-2.3, 3.2-3.4)."""

from __future__ import annotations

from typing import Any

from compiler.model import Deployment, SecretSpec
from compiler.redacted import SecretValue

TOP_LEVEL = (
    "name",
    "bento",
    "cluster",
    "access_authorization",
    "envs",
    "labels",
    "secrets",
    "services",
    "canary",
    "dev",
)
SERVICE = (
    "instance_type",
    "scaling",
    "envs",
    "deployment_strategy",
    "extras",
    "cold_start_timeout",
    "config_overrides",
)
SCALING = ("min_replicas", "max_replicas", "policy")
POLICY = (
    "scale_up_behavior",
    "scale_down_behavior",
    "scale_up_stabilization_window",
    "scale_down_stabilization_window",
    "metrics",
)
CANARY = ("route_type", "route_by", "versions")
VERSION = ("bento", "weight", "envs", "secrets", "services")


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """Known keys in BentoML's schema order; the schema admits no others."""
    return {key: data[key] for key in order if key in data}


def _sorted_deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_deep(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_deep(v) for v in value]
    return value


def _scaling(scaling: dict[str, Any]) -> dict[str, Any]:
    result = _ordered(scaling, SCALING)
    if isinstance(result.get("policy"), dict):
        result["policy"] = _ordered(result["policy"], POLICY)
    return result


def _service(service: dict[str, Any]) -> dict[str, Any]:
    result = _ordered(service, SERVICE)
    if isinstance(result.get("scaling"), dict):
        result["scaling"] = _scaling(result["scaling"])
    for free_form in ("extras", "config_overrides"):
        if free_form in result:
            result[free_form] = _sorted_deep(result[free_form])
    return result


def _services(services: dict[str, Any]) -> dict[str, Any]:
    return {name: _service(services[name]) for name in sorted(services)}


def _canary(canary: dict[str, Any]) -> dict[str, Any]:
    result = _ordered(canary, CANARY)
    versions = result.get("versions") or {}
    result["versions"] = {}
    for name in sorted(versions):
        version = _ordered(versions[name], VERSION)
        if "services" in version:
            version["services"] = _services(version["services"])
        result["versions"][name] = version
    return result


def deployment_manifest(deployment: Deployment, cluster: str) -> dict[str, Any]:
    """The deployment as `bentoml deployment apply -f` takes it: name and cluster always set."""
    config = dict(deployment.config, name=deployment.name, cluster=cluster)
    result = _ordered(config, TOP_LEVEL)
    if "services" in result:
        result["services"] = _services(result["services"])
    if "canary" in result:
        result["canary"] = _canary(result["canary"])
    return result


def secret_body(spec: SecretSpec, values: dict[str, SecretValue] | None) -> dict[str, Any]:
    """BentoCloud's create-secret body; `values` None: every value is null (redacted)."""
    file = spec.type == "file"
    items = []
    for key in sorted(spec.keys):
        value = values[key].reveal() if values is not None else None
        items.append({"key": key, "value": value, "sub_path": spec.sub_paths.get(key) if file else None})
    content = {
        "type": "mountfile" if file else "env",
        "path": spec.mount_path if file else None,
        "stage": spec.stage,
        "items": items,
    }
    return {"name": spec.name, "description": spec.data.get("description"), "content": content}
