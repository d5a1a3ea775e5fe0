"""BentoML's own request builder, run offline on rendered deployment files (bentoml-facts 6.2).

Run as a script by tests/test_render.py, in a subprocess: prints one JSON line per file,
`{"file", "ok", "cluster", "error"}`. Anything BentoML's client rejects, we must not emit.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import yaml  # type: ignore[import-untyped]
from bentoml._internal.cloud.deployment import DeploymentAPI, DeploymentConfigParameters  # type: ignore[import-not-found]
from bentoml._internal.cloud.schemas.utils import schema_to_object  # type: ignore[import-not-found]


class Captured(Exception):
    pass


class FakeV2:
    def create_deployment(self, create_schema: Any, cluster: Any = None) -> None:
        raise Captured(create_schema, cluster)


class FakeRestClient:
    v2 = FakeV2()


def check(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    params = DeploymentConfigParameters(cfg_dict=dict(config), service_name="unused")
    try:
        DeploymentAPI(FakeRestClient()).create(params)
    except Captured as captured:
        schema, cluster = captured.args
        wire = schema_to_object(schema)
        return {"file": path, "ok": True, "cluster": cluster, "name": wire.get("name"), "error": None}
    except Exception as err:  # what BentoML rejects is the finding
        return {"file": path, "ok": False, "cluster": None, "name": None, "error": repr(err)}
    return {"file": path, "ok": False, "cluster": None, "name": None, "error": "no request built"}


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(json.dumps(check(name)))
