"""Kubernetes manifests for one BentoCloud deployment: per service an apps/v1 Deployment (and an
autoscaling/v2 HorizontalPodAutoscaler when it may scale), secrets as v1 Secrets.

File secrets are mounted key by key (`subPath`) at `<bentoml_home>/<path>/<sub_path>/<KEY>`,
so a secret mounted at $BENTOML_HOME itself never hides the bento store, and two secrets that
share a path (BentoCloud allows it) need no shared mount point.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from typing import Any

from compiler.model import Deployment, SecretSpec
from compiler.mountpaths import key_location, mount_segments
from compiler.project import KubernetesSettings

MANAGED_BY = {"app.kubernetes.io/managed-by": "bento-gitops"}
FINGERPRINT = "bento-gitops.dev/secrets-fingerprint"
STRATEGIES: dict[str, dict[str, Any]] = {
    "RollingUpdate": {"type": "RollingUpdate"},
    "Recreate": {"type": "Recreate"},
    "RampedSlowRollout": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
    "BestEffortControlledRollout": {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    },
}
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def slug(name: str, limit: int = 63) -> str:
    """A DNS-1123 label from any name; long ones keep a hash of the whole so they stay unique."""
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "x"
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{text[: limit - 9].rstrip('-')}-{digest}"


def image_for(bento: str, settings: KubernetesSettings, deployment: str, service: str) -> str:
    name, _, version = bento.partition(":")
    return settings.image.format(
        bento_name=name,
        bento_version=version or "latest",
        bento=bento,
        deployment=deployment,
        service=service,
    )


def _env(global_envs: Any, service_envs: Any) -> list[dict[str, str]]:
    """Global envs, then the service's, which take precedence (BentoCloud's rule)."""
    merged: dict[str, str] = {}
    for entry in [*(global_envs or []), *(service_envs or [])]:
        merged[entry["name"]] = entry["value"]
    return [{"name": name, "value": value} for name, value in merged.items()]


def _file_mounts(specs: list[SecretSpec], home: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    volumes, mounts = [], []
    for spec in specs:
        volume = slug(f"secret-{spec.name}")
        segments = mount_segments(spec.mount_path, home) or ()
        items = []
        for key in sorted(spec.keys):
            sub = spec.sub_paths.get(key)
            relative = posixpath.join(sub, key) if sub else key
            items.append({"key": key, "path": relative})
            mount_path = posixpath.join(home, *key_location(segments, sub, key))
            mounts.append({"name": volume, "mountPath": mount_path, "subPath": relative, "readOnly": True})
        volumes.append({"name": volume, "secret": {"secretName": spec.name, "items": items}})
    return volumes, sorted(mounts, key=lambda m: m["mountPath"])


def _labels(deployment: Deployment, workload: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": workload, "app.kubernetes.io/instance": slug(deployment.name)}


def _user_labels(deployment: Deployment) -> dict[str, str]:
    found = {}
    for label in deployment.config.get("labels") or []:
        key, value = str(label["key"]), str(label["value"])
        if (
            _LABEL_VALUE.match(value)
            and len(value) <= 63
            and re.fullmatch(r"[A-Za-z0-9][-A-Za-z0-9_./]*", key)
        ):
            found[key] = value
    return found


def _metrics(policy: dict[str, Any]) -> list[dict[str, Any]]:
    metrics = []
    for metric in policy.get("metrics") or []:
        if metric.get("type") in ("cpu", "memory"):
            target = {"type": "Utilization", "averageUtilization": int(float(metric["value"]))}
            metrics.append({"type": "Resource", "resource": {"name": metric["type"], "target": target}})
    return metrics or [
        {
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
        }
    ]


def _behavior(policy: dict[str, Any]) -> dict[str, Any]:
    behavior: dict[str, Any] = {}
    for direction, key in (("up", "scaleUp"), ("down", "scaleDown")):
        rules: dict[str, Any] = {}
        window = policy.get(f"scale_{direction}_stabilization_window")
        if isinstance(window, int):
            rules["stabilizationWindowSeconds"] = window
        if policy.get(f"scale_{direction}_behavior") == "disabled":
            rules["selectPolicy"] = "Disabled"
        if rules:
            behavior[key] = rules
    return behavior


def _hpa(
    name: str, namespace: str, labels: dict[str, str], low: int, high: int, policy: dict[str, Any]
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
        "minReplicas": low,
        "maxReplicas": high,
        "metrics": _metrics(policy),
    }
    if behavior := _behavior(policy):
        spec["behavior"] = behavior
    metadata = {"name": name, "namespace": namespace, "labels": {**labels, **MANAGED_BY}}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata,
        "spec": spec,
    }


def workloads(
    deployment: Deployment,
    env_secrets: list[SecretSpec],
    file_secrets: list[SecretSpec],
    settings: KubernetesSettings,
    namespace: str,
    home: str,
    fingerprint: str,
) -> list[dict[str, Any]]:
    """Per service: a Deployment, and an HPA when max_replicas > min_replicas."""
    manifests = []
    config = deployment.config
    volumes, mounts = _file_mounts(file_secrets, home)
    for service_name in sorted(config.get("services") or {}):
        service = config["services"][service_name] or {}
        name = slug(f"{deployment.name}-{service_name}")
        labels = _labels(deployment, name)
        scaling = service.get("scaling") or {}
        # BentoCloud's defaults (bentoml-facts 3.3); plain Kubernetes can't scale from zero: run one
        low = max(1, scaling.get("min_replicas", 1))
        high = max(low, scaling.get("max_replicas", low))
        container: dict[str, Any] = {
            "name": "bento",
            "image": image_for(str(config["bento"]), settings, deployment.name, service_name),
            "ports": [{"name": "http", "containerPort": 3000}],
        }
        if env := _env(config.get("envs"), service.get("envs")):
            container["env"] = env
        if env_secrets:
            container["envFrom"] = [{"secretRef": {"name": s.name}} for s in env_secrets]
        if mounts:
            container["volumeMounts"] = mounts
        pod: dict[str, Any] = {"containers": [container]}
        if volumes:
            pod["volumes"] = volumes
        if settings.image_pull_secrets:
            pod["imagePullSecrets"] = [{"name": s} for s in settings.image_pull_secrets]
        annotations = {"bentoml.com/bento": str(config["bento"]), "bentoml.com/service": service_name}
        if scaling.get("min_replicas") == 0:
            annotations["bentoml.com/scale-to-zero"] = "true (BentoCloud only; runs 1 replica here)"
        if service.get("instance_type"):
            annotations["bentoml.com/instance-type"] = str(service["instance_type"])
        spec: dict[str, Any] = {
            "selector": {"matchLabels": labels},
            "strategy": STRATEGIES.get(
                service.get("deployment_strategy", "Recreate"), STRATEGIES["Recreate"]
            ),
            "template": {
                "metadata": {
                    "labels": {**labels, **_user_labels(deployment)},
                    "annotations": {FINGERPRINT: fingerprint},
                },
                "spec": pod,
            },
        }
        if high <= low:
            spec = {"replicas": low, **spec}
        metadata = {
            "name": name,
            "namespace": namespace,
            "labels": {**labels, **MANAGED_BY},
            "annotations": annotations,
        }
        manifests.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata, "spec": spec})
        if high > low:
            manifests.append(_hpa(name, namespace, labels, low, high, scaling.get("policy") or {}))
    return manifests


def secret_manifest(spec: SecretSpec, namespace: str, values: dict[str, str] | None) -> dict[str, Any]:
    """A v1 Secret; without values it carries no data, only the key names, for review."""
    metadata: dict[str, Any] = {"name": spec.name, "namespace": namespace, "labels": dict(MANAGED_BY)}
    manifest: dict[str, Any] = {"apiVersion": "v1", "kind": "Secret", "metadata": metadata, "type": "Opaque"}
    if values is None:
        metadata["annotations"] = {
            "bento-gitops.dev/values": "redacted",
            "bento-gitops.dev/keys": ",".join(sorted(spec.keys)),
        }
    else:
        manifest["stringData"] = {key: values[key] for key in sorted(values)}
    return manifest
