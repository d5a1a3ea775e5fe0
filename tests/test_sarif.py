"""`validate --format sarif`: a SARIF 2.1.0 log that the official schema accepts, with the rule
catalogue as the tool's rules and each finding at its place."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

import compiler
from compiler import exitcodes
from compiler.rules import RULES
from tests.conftest import Env, RepoBuilder, run_cli

PROJECT = (
    "version: 1\nenvironments:\n  staging: {cluster: gcp-us-central-1}\n  prod: {cluster: aws-us-east-1}\n"
)
FINDINGS = {
    "bento-gitops.yaml": PROJECT,
    "secrets/team-a/openai.yaml": "data:\n  OPENAI_API_KEY: sk-example-1\n",
    "secrets/team-b/openai.yaml": "data:\n  OPENAI_API_KEY: sk-example-2\n",
    "secrets/unused.yaml": "data:\n  TOKEN: example\n",
    "deployments/llm.yaml": "bento: llm:v1\nsecrets: [openai]\n",
    "environments/prod/llm.yaml": "secrets: [openai, missing]\n",
    "deployments/my app.yaml": "bento: app:v1\nscalling: 1\n",
}


@pytest.fixture(scope="module")
def sarif_schema() -> Draft4Validator:
    """The OASIS SARIF 2.1.0 schema (errata 01); tests/data/README.md says where it comes from."""
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def _sarif(repo: Path) -> tuple[int, str, dict[str, Any]]:
    result = run_cli("validate", "-C", str(repo), "--format", "sarif")
    return result.exit_code, result.stdout, json.loads(result.stdout)


def _schema_errors(validator: Draft4Validator, log: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def test_a_log_with_findings_passes_the_sarif_schema(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, sarif_schema: Draft4Validator
) -> None:
    code, _, log = _sarif(make_repo(tmp_path / "repo", FINDINGS))
    assert code == exitcodes.FINDINGS
    assert _schema_errors(sarif_schema, log) == []
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("/sarif-schema-2.1.0.json")


def test_a_clean_repo_gives_a_valid_log_without_results(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, sarif_schema: Draft4Validator
) -> None:
    files = {
        "secrets/openai.yaml": "data:\n  OPENAI_API_KEY: sk-x\n",
        "deployments/llm.yaml": FINDINGS["deployments/llm.yaml"],
    }
    code, _, log = _sarif(make_repo(tmp_path / "repo", files))
    assert code == exitcodes.OK
    assert _schema_errors(sarif_schema, log) == []
    assert log["runs"][0]["results"] == []


def test_the_driver_lists_every_rule_with_its_explain_text(env: Env, tmp_path: Path) -> None:
    _, _, log = _sarif(tmp_path)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "bento-gitops"
    assert driver["version"] == compiler.__version__
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == sorted(RULES)
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    assert by_id["BG201"] == {
        "id": "BG201",
        "name": "NotEncrypted",
        "shortDescription": {"text": "secret file not encrypted"},
        "fullDescription": {
            "text": "A secret file has no sops metadata, or metadata without a `mac` or `version` (what "
            "`sops filestatus` calls not encrypted): its values are committed in plaintext. Anyone who can "
            "read the repo, its forks, clones and CI logs can read them, and they stay in git history after "
            "the file is encrypted or deleted. A file sops encrypted always carries a `sops:` block with "
            "its recipients, a MAC and the sops version; a file without one was written by hand or "
            "decrypted in place (`sops decrypt -i`) and committed."
        },
        "help": {"text": run_cli("explain", "BG201").stdout},
        "defaultConfiguration": {"level": "error"},
    }
    for code, rule in by_id.items():
        assert rule["help"]["text"] == run_cli("explain", code).stdout
        assert rule["defaultConfiguration"]["level"] == RULES[code].DEFAULT.value
    assert by_id["BG504"]["defaultConfiguration"] == {"level": "warning"}


def test_results_carry_rule_level_place_related_locations_and_environment(
    env: Env, tmp_path: Path, make_repo: RepoBuilder
) -> None:
    _, _, log = _sarif(make_repo(tmp_path / "repo", FINDINGS))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]

    def place(uri: str, line: int, column: int) -> dict[str, Any]:
        return {
            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line, "startColumn": column},
        }

    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("BG101", "error"),
        ("BG501", "error"),
        ("BG502", "error"),
        ("BG504", "warning"),
    ]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    typo, missing, duplicate, unused = results
    assert typo["locations"] == [{"physicalLocation": place("deployments/my%20app.yaml", 2, 1)}]
    assert typo["properties"] == {"pointer": "/scalling"}
    assert missing["message"] == {"text": "unknown secret 'missing' [prod]"}
    assert missing["properties"]["environment"] == "prod"
    assert missing["locations"] == [{"physicalLocation": place("environments/prod/llm.yaml", 1, 19)}]
    assert duplicate["locations"] == [{"physicalLocation": place("secrets/team-b/openai.yaml", 1, 1)}]
    assert duplicate["relatedLocations"] == [
        {
            "id": 1,
            "physicalLocation": place("secrets/team-a/openai.yaml", 1, 1),
            "message": {"text": "first defined here"},
        }
    ]
    assert unused["message"] == {"text": "secret 'unused' is attached by no deployment"}
    assert "relatedLocations" not in unused


def test_the_log_is_byte_identical_across_runs(env: Env, tmp_path: Path, make_repo: RepoBuilder) -> None:
    repo = make_repo(tmp_path / "repo", FINDINGS)
    assert _sarif(repo)[1] == _sarif(repo)[1]


def test_locations_start_at_the_git_top_when_the_repo_is_a_sub_folder(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, sarif_schema: Draft4Validator
) -> None:
    mono = tmp_path / "mono"
    repo = make_repo(mono / "infra" / "bento", FINDINGS)
    subprocess.run(["git", "init", "-q", str(mono)], check=True)
    _, _, log = _sarif(repo)
    assert _schema_errors(sarif_schema, log) == []
    duplicate = log["runs"][0]["results"][2]
    assert duplicate["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "infra/bento/secrets/team-b/openai.yaml"
    )
    assert duplicate["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "infra/bento/secrets/team-a/openai.yaml"
    )
