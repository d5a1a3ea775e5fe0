"""The JSON Schemas in schemas/: well-formed, accept BentoCloud's examples, reject at
the offending node."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from ruamel.yaml import YAML

SCHEMA_DIR = Path(__file__).parent.parent / "schemas"
KINDS = ("deployment", "secret", "project", "overlay")
BASE_ID = "https://bento-gitops.dev/schemas/"


def load_schema(kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return schema


@cache
def registry() -> Registry:
    resources = [(s["$id"], Resource.from_contents(s)) for s in map(load_schema, KINDS)]
    return Registry().with_resources(resources)


def validator(kind: str) -> Validator:
    schema = load_schema(kind)
    return validator_for(schema)(schema, registry=registry())


def load_yaml(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def errors(kind: str, text: str) -> list[ValidationError]:
    return list(validator(kind).iter_errors(load_yaml(text)))


def keyword(error: ValidationError) -> str:
    """The failing keyword; a bad key reports propertyNames' inner `pattern`."""
    return "propertyNames" if "propertyNames" in error.relative_schema_path else str(error.validator)


def subschemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema object in node (enum, const, default, examples hold data)."""
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    yield from subschemas(sub)
            elif key not in ("enum", "const", "default", "examples"):
                yield from subschemas(value)
    elif isinstance(node, list):
        for item in node:
            yield from subschemas(item)


# --- the schemas themselves -----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_against_its_metaschema(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator_for(schema).check_schema(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_schema_has_id_title_description(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["$id"] == f"{BASE_ID}{kind}.schema.json"
    assert schema["title"]
    assert schema["description"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_is_described(kind: str) -> None:
    schema = load_schema(kind)
    defs = schema.get("$defs", {})
    for sub in subschemas(schema):
        for name, prop in sub.get("properties", {}).items():
            target = prop
            ref = prop.get("$ref", "")
            if ref.startswith("#/$defs/"):
                target = {**defs[ref.removeprefix("#/$defs/")], **prop}
            assert target.get("description"), f"{kind}: property {name!r} has no description"


# Free-form but for their `traffic` key.
FREE_FORM_DEFS = {"configOverrides", "configOverridesPatch"}


@pytest.mark.parametrize("kind", KINDS)
def test_fixed_key_objects_forbid_unknown_keys(kind: str) -> None:
    """'did you mean' hints need additionalProperties: false beside the properties."""
    schema = load_schema(kind)
    parts = {
        "#": {k: v for k, v in schema.items() if k != "$defs"},
        **schema.get("$defs", {}),
    }
    for name, part in parts.items():
        for sub in subschemas(part):
            if "properties" in sub:
                expected = name in FREE_FORM_DEFS
                assert sub.get("additionalProperties") is expected, f"{kind}: {name}"


@pytest.mark.parametrize("kind", KINDS)
def test_refs_stay_inside_the_file(kind: str) -> None:
    for sub in subschemas(load_schema(kind)):
        ref = sub.get("$ref")
        if ref is not None and not ref.startswith("#/$defs/"):
            assert kind == "overlay", ref
            assert ref.startswith("deployment.schema.json#/$defs/"), ref


# The overlay's patch $defs mirror the deployment's: same keys, so neither drifts alone.
PATCH_PAIRS = [
    ("#", "#"),
    ("service", "servicePatch"),
    ("scaling", "scalingPatch"),
    ("scalingPolicy", "scalingPolicyPatch"),
    ("extras", "extrasPatch"),
    ("bentoFunctionOverrides", "bentoFunctionOverridesPatch"),
    ("bentoRequestOverrides", "bentoRequestOverridesPatch"),
    ("configOverrides", "configOverridesPatch"),
    ("traffic", "trafficPatch"),
    ("canary", "canaryPatch"),
    ("canaryVersion", "canaryVersionPatch"),
]


@pytest.mark.parametrize(("full", "patch"), PATCH_PAIRS)
def test_overlay_patch_has_the_keys_of_the_deployment(full: str, patch: str) -> None:
    deployment, overlay = load_schema("deployment"), load_schema("overlay")
    full_schema = deployment if full == "#" else deployment["$defs"][full]
    patch_schema = overlay if patch == "#" else overlay["$defs"][patch]
    assert list(patch_schema["properties"]) == list(full_schema["properties"])


@pytest.mark.parametrize(
    ("full", "patch"),
    [
        ("scalingBehavior", "scalingBehaviorPatch"),
        ("deploymentStrategy", "deploymentStrategyPatch"),
    ],
)
def test_overlay_enums_are_the_deployment_enums_plus_null(full: str, patch: str) -> None:
    deployment, overlay = load_schema("deployment"), load_schema("overlay")
    assert overlay["$defs"][patch]["enum"] == [*deployment["$defs"][full]["enum"], None]


def overlay_property_pointers() -> Iterator[str]:
    overlay = load_schema("overlay")
    yield from (f"/properties/{name}" for name in overlay["properties"])
    for def_name, part in overlay["$defs"].items():
        for name in part.get("properties", {}):
            yield f"/$defs/{def_name}/properties/{name}"


@pytest.mark.parametrize("pointer", list(overlay_property_pointers()))
def test_every_overlay_field_may_be_null(pointer: str) -> None:
    probe = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_ID}probe.schema.json",
        "$ref": f"overlay.schema.json#{pointer}",
    }
    assert list(validator_for(probe)(probe, registry=registry()).iter_errors(None)) == []


# --- valid documents ------------------------------------------------------------------

BENTOCLOUD_DOCS_EXAMPLE = """\
bento: bentovllm-llama3.1-8b-instruct-service:p34tavtlq25hkasc
name: bentovllm-llama-3-1-8-b-instruct-service-2qdl
access_authorization: false
secrets:
   - my-secret
services:
   bentovllm-llama3.1-8b-instruct-service:
      instance_type: gpu.l4.1
      envs: []
      scaling:
            min_replicas: 0
            max_replicas: 1
            policy:
               scale_up_behavior: fast
               scale_down_behavior: stable
      config_overrides:
            traffic:
               timeout: 300
               external_queue: false
               concurrency: 256
      deployment_strategy: Recreate
cluster: gcp-us-central-1
"""

# bentoml-facts.md section 3.5, verbatim
FULL_EXAMPLE = """\
name: my-deployment
bento: summarization:xq4dggshm25lecvj
cluster: gcp-us-central-1
access_authorization: true
labels: [{key: team, value: ml}]
envs: [{name: GLOBAL_VAR, value: "1"}]
secrets: [openai-secret, aws-secret]
services:
  Summarization:
    instance_type: cpu.2
    scaling:
      min_replicas: 0
      max_replicas: 3
      policy: {scale_up_behavior: fast, scale_down_behavior: stable,
               scale_up_stabilization_window: 0, scale_down_stabilization_window: 600}
    envs: [{name: SVC_VAR, value: x}]
    deployment_strategy: RollingUpdate
    cold_start_timeout: 900
    extras: {bento_function_overrides: {annotations: {a: b}}}
    config_overrides: {traffic: {timeout: 300, external_queue: false, concurrency: 256}}
canary: {route_type: header, route_by: X-User-ID,
         versions: {a: {bento: "summarization:t226bcshm2bqicvj", weight: 20, secrets: [canary-secret],
                        services: {Summarization: {instance_type: cpu.1}}}}}
"""

ENCRYPTED_SECRET = """\
name: hf-token
description: Hugging Face token for model downloads
type: file
path: $BENTOML_HOME/demo
stage: runtime
template: huggingface
sub_paths:
  HF_TOKEN: secrets/password
data:
  HF_TOKEN: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]
sops:
  age:
    - recipient: age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq
      enc: "-----BEGIN AGE ENCRYPTED FILE-----"
  lastmodified: "2025-01-01T00:00:00Z"
  mac: ENC[AES256_GCM,data:bWFj,type:str]
  encrypted_regex: ^data$
  version: 3.9.4
"""

PROJECT_FILE = """\
version: 1
bentoml_home: /home/bentoml/bentoml
secrets_dir: secrets
deployments_dir: deployments
environments:
  staging: {cluster: gcp-us-central-1}
  prod:    {cluster: aws-us-east-1}
  dev:
rules:
  BG302: warning
  BG504: off
"""

VALID = [
    pytest.param("deployment", BENTOCLOUD_DOCS_EXAMPLE, id="bentocloud-docs-example"),
    pytest.param("deployment", FULL_EXAMPLE, id="facts-3.5-full-example"),
    pytest.param("deployment", "bento: svc:v1\n", id="deployment-minimal"),
    pytest.param(
        "deployment",
        "bento: svc:v1\nservices:\n  svc:\n    config_overrides:\n"
        "      resources: {cpu: '2'}\n      workers: 2\n"
        "      traffic: {max_concurrency: 4}\n",
        id="config-overrides-free-form",
    ),
    pytest.param(
        "deployment",
        "bento: svc:v1\nservices:\n  svc:\n    scaling:\n      policy:\n"
        "        metrics: [{type: cpu, value: 80}, {type: memory, value: 1Gi}]\n",
        id="metrics-number-or-string",
    ),
    pytest.param("secret", ENCRYPTED_SECRET, id="secret-encrypted"),
    pytest.param("secret", "data: {OPENAI_API_KEY: sk-plain}\n", id="secret-minimal-plaintext"),
    pytest.param("project", PROJECT_FILE, id="project-full"),
    pytest.param("project", "{}\n", id="project-empty"),
    pytest.param(
        "overlay",
        "services: {svc: {scaling: {min_replicas: null}}}\n",
        id="overlay-null-leaf",
    ),
    pytest.param("overlay", "{}\n", id="overlay-empty"),
    pytest.param(
        "overlay",
        "bento: svc:v2\ncluster: null\ncanary: null\nenvs: [{name: A, value: '1'}]\n"
        "services:\n  old: null\n  svc:\n    deployment_strategy: null\n"
        "    scaling: {max_replicas: 5, policy: {scale_up_behavior: null}}\n"
        "    config_overrides: {traffic: {timeout: null}, workers: null}\n",
        id="overlay-nested-patches",
    ),
]


@pytest.mark.parametrize(("kind", "text"), VALID)
def test_valid(kind: str, text: str) -> None:
    assert [e.message for e in errors(kind, text)] == []


# --- invalid documents: exactly one error, at the offending node ----------------------

INVALID = [
    pytest.param(
        "deployment",
        "bento: svc:v1\nservices:\n  svc:\n    scalling: {min_replicas: 1}\n",
        ("services", "svc"),
        "additionalProperties",
        id="scalling-typo",
    ),
    pytest.param(
        "deployment",
        'bento: svc:v1\naccess_authorization: "false"\n',
        ("access_authorization",),
        "type",
        id="string-boolean",
    ),
    pytest.param(
        "deployment",
        "bento: svc:v1\nservices:\n  svc:\n    scaling: {min_replicas: two}\n",
        ("services", "svc", "scaling", "min_replicas"),
        "type",
        id="min-replicas-string",
    ),
    pytest.param(
        "deployment",
        "bento: svc:v1\nservices:\n  svc:\n    deployment_strategy: Bogus\n",
        ("services", "svc", "deployment_strategy"),
        "enum",
        id="bogus-strategy",
    ),
    pytest.param(
        "deployment",
        "bento: svc:v1\nsecrets: my-secret\n",
        ("secrets",),
        "type",
        id="secrets-plain-string",
    ),
    pytest.param(
        "deployment",
        "bento: svc:v1\nenvs:\n  - name: A\n",
        ("envs", 0),
        "required",
        id="env-without-value",
    ),
    pytest.param(
        "deployment",
        "bento: svc:v1\ncanary: {route_type: cookie}\n",
        ("canary", "route_type"),
        "enum",
        id="route-type-cookie",
    ),
    pytest.param(
        "deployment",
        "bento: svc:v1\ncanary: {versions: {a: {bento: svc:v2, weight: 101}}}\n",
        ("canary", "versions", "a", "weight"),
        "maximum",
        id="weight-101",
    ),
    pytest.param("deployment", "name: x\n", (), "required", id="no-bento"),
    pytest.param(
        "deployment",
        "bento: svc:v1\nservices:\n  svc:\n    config_overrides: {traffic: {timeot: 3}}\n",
        ("services", "svc", "config_overrides", "traffic"),
        "additionalProperties",
        id="traffic-unknown-key",
    ),
    pytest.param(
        "deployment",
        "bento: svc:v1\nservices:\n  svc:\n    scaling: {policy: {scale_up_stabilization_window: 3601}}\n",
        ("services", "svc", "scaling", "policy", "scale_up_stabilization_window"),
        "maximum",
        id="window-over-3600",
    ),
    pytest.param("secret", "name: openai\ntype: env\n", (), "required", id="secret-without-data"),
    pytest.param(
        "secret",
        "type: mount\ndata: {K: v}\n",
        ("type",),
        "enum",
        id="secret-type-mount",
    ),
    pytest.param("secret", "data: {}\n", ("data",), "minProperties", id="secret-empty-data"),
    pytest.param(
        "project",
        "rules: {BG301: fatal}\n",
        ("rules", "BG301"),
        "enum",
        id="rule-severity-fatal",
    ),
    pytest.param(
        "project",
        "rules: {XX1: off}\n",
        ("rules",),
        "propertyNames",
        id="rule-code-xx1",
    ),
    pytest.param(
        "project",
        "environments: {Prod: {cluster: c}}\n",
        ("environments",),
        "propertyNames",
        id="environment-name-uppercase",
    ),
    pytest.param(
        "project",
        "bentoml_home: home/bentoml\n",
        ("bentoml_home",),
        "pattern",
        id="relative-home",
    ),
    pytest.param("project", "version: 2\n", ("version",), "const", id="project-version-2"),
    pytest.param("overlay", "bento: 5\n", ("bento",), "type", id="overlay-bento-int"),
    pytest.param(
        "overlay",
        "services: {svc: {scaling: {min_replicas: two}}}\n",
        ("services", "svc", "scaling", "min_replicas"),
        "type",
        id="overlay-min-replicas-string",
    ),
    pytest.param(
        "overlay",
        "services: {svc: {scalling: null}}\n",
        ("services", "svc"),
        "additionalProperties",
        id="overlay-scalling-typo",
    ),
    pytest.param(
        "overlay",
        "envs: [{name: A}]\n",
        ("envs", 0),
        "required",
        id="overlay-env-without-value-via-deployment-ref",
    ),
]


@pytest.mark.parametrize(("kind", "text", "path", "expected"), INVALID)
def test_invalid(kind: str, text: str, path: tuple[str | int, ...], expected: str) -> None:
    found = errors(kind, text)
    assert [(tuple(e.absolute_path), keyword(e)) for e in found] == [(path, expected)]


def test_unknown_key_error_carries_the_sibling_properties_for_hints() -> None:
    (error,) = errors("deployment", "bento: svc:v1\nservices:\n  svc:\n    scalling: {}\n")
    assert "scaling" in error.schema["properties"]
    assert error.instance == {"scalling": {}}


def test_bad_property_name_error_names_the_key() -> None:
    (error,) = errors("project", "rules: {BG301: error, XX1: off}\n")
    assert error.instance == "XX1"
