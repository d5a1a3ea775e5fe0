"""plan on real git repos with real sops-encrypted secrets: every action and reason, with and
without keys, the work tree as head, and never a value, a checkout or a touched index."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from compiler import agekeys, exitcodes
from tests.conftest import Env, RepoBuilder, Result, run_cli

CANARY = "CANARY-9b2e-never-print"
PROJECT = (
    "version: 1\nenvironments:\n  prod: {cluster: aws-us-east-1}\n  staging: {cluster: gcp-us-central-1}\n"
)
BASE = {
    "bento-gitops.yaml": PROJECT,
    "secrets/openai.yaml": f"description: OpenAI key\ndata:\n  OPENAI_API_KEY: {CANARY}-openai\n",
    "secrets/hf.yaml": (
        "type: file\npath: $BENTOML_HOME/hf\nsub_paths:\n  HF_TOKEN: tokens\n"
        f"data:\n  HF_TOKEN: {CANARY}-hf\n  HF_ORG: {CANARY}-org\n"
    ),
    "deployments/llm.yaml": (
        "bento: llm:v1\nsecrets: [openai, hf]\n"
        "services:\n  llm:\n    scaling: {min_replicas: 1, max_replicas: 2}\n"
    ),
    "deployments/ocr.yaml": "bento: ocr:v1\nsecrets: [openai]\nenvs:\n  - {name: LOG_LEVEL, value: info}\n",
    "environments/prod/llm.yaml": "services:\n  llm:\n    scaling: {max_replicas: 4}\n",
}
VALUE_CHANGED = "value of OPENAI_API_KEY changed"
GIT = ("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false")
MAYBE_CHANGED = "value of OPENAI_API_KEY may have changed (ciphertext differs, no key to compare)"


@dataclass
class Repo:
    """A git repository holding a bento-gitops repo (at `root`, maybe a sub-folder)."""

    top: Path
    root: Path
    sops: str
    key_file: Path

    def git(self, *args: str) -> str:
        proc = subprocess.run([*GIT, "-C", str(self.top), *args], capture_output=True, text=True, check=True)
        return proc.stdout

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def write(self, rel: str, text: str) -> None:
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_text(text)

    def sops_run(self, *args: str, stdin: str | None = None) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("SOPS_")}
        environ = {**clean, "SOPS_AGE_KEY_FILE": str(self.key_file), "SOPS_DISABLE_VERSION_CHECK": "1"}
        proc = subprocess.run(
            [self.sops, *args],
            cwd=self.root,
            input=stdin,
            capture_output=True,
            text=True,
            env=environ,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr

    def set(self, rel: str, pointer: str, value: str) -> None:
        """`sops set`: re-encrypts only what it touches, as a user's edit would."""
        self.sops_run("set", "--value-stdin", rel, pointer, stdin=json.dumps(value))

    def unset(self, rel: str, pointer: str) -> None:
        self.sops_run("unset", rel, pointer)

    def plan(self, *args: str) -> Result:
        return run_cli("plan", "-C", str(self.root), "--base", "main", *args)

    def plan_json(self, *args: str) -> dict[str, Any]:
        result = self.plan("--format", "json", *args)
        assert result.exit_code == 0, result.stderr
        assert CANARY not in result.stdout + result.stderr
        body: dict[str, Any] = json.loads(result.stdout)
        return body


def _new_repo(
    tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair, sops: str, sub: str
) -> Repo:
    top = tmp_path / "git"
    root = make_repo(top / sub if sub else top, BASE)
    key_file = tmp_path / "writer-key.txt"
    key_file.write_text(age_key.keys_txt())
    repo = Repo(top, root, sops, key_file)
    repo.git("init", "-q", "-b", "main")
    repo.commit("base")
    return repo


@pytest.fixture
def repo(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair, sops_path: str
) -> Repo:
    return _new_repo(tmp_path, make_repo, age_key, sops_path, "")


def secret(name: str, action: str, *reasons: str, verified: bool = True) -> dict[str, Any]:
    return {
        "target": "secret",
        "name": name,
        "action": action,
        "reasons": list(reasons),
        "verified": verified,
    }


def deployment(name: str, action: str, *reasons: str, verified: bool = True) -> dict[str, Any]:
    return {
        "target": "deployment",
        "name": name,
        "action": action,
        "reasons": list(reasons),
        "verified": verified,
    }


def actions(body: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {e["name"]: e["actions"] for e in body["environments"]}


def same_in_both(*steps: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {"prod": list(steps), "staging": list(steps)}


# --- secret values -----------------------------------------------------------------------------


def test_a_changed_value_restarts_both_users_verified_with_a_key(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair
) -> None:
    base = repo.git("rev-parse", "main").strip()
    repo.set("secrets/openai.yaml", '["data"]["OPENAI_API_KEY"]', f"{CANARY}-new")
    env.give_key(age_key)
    body = repo.plan_json()
    restart = f"secret openai: {VALUE_CHANGED}"
    assert body == {
        "version": 1,
        "base": base,
        "head": None,
        "environments": [
            {
                "name": name,
                "actions": [
                    secret("openai", "update", VALUE_CHANGED),
                    deployment("llm", "restart", restart),
                    deployment("ocr", "restart", restart),
                ],
            }
            for name in ("prod", "staging")
        ],
    }


def test_without_a_key_the_same_plan_is_unverified_and_says_so(repo: Repo) -> None:
    repo.set("secrets/openai.yaml", '["data"]["OPENAI_API_KEY"]', f"{CANARY}-new")
    assert actions(repo.plan_json()) == same_in_both(
        secret("openai", "update", MAYBE_CHANGED, verified=False),
        deployment("llm", "restart", f"secret openai: {MAYBE_CHANGED}", verified=False),
        deployment("ocr", "restart", f"secret openai: {MAYBE_CHANGED}", verified=False),
    )
    text = repo.plan().stdout
    assert "restart*  deployment  llm" in text
    assert "  * unverified: no key to compare values; the ciphertext changed, so a value may have\n" in text


def test_a_rotated_data_key_may_change_values_without_a_key_and_changes_nothing_with_one(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair
) -> None:
    repo.sops_run("rotate", "-i", "secrets/openai.yaml")  # every ciphertext changes, no value does
    assert actions(repo.plan_json()) == same_in_both(
        secret("openai", "update", MAYBE_CHANGED, verified=False),
        deployment("llm", "restart", f"secret openai: {MAYBE_CHANGED}", verified=False),
        deployment("ocr", "restart", f"secret openai: {MAYBE_CHANGED}", verified=False),
    )
    env.give_key(age_key)
    assert actions(repo.plan_json()) == {"prod": [], "staging": []}


@pytest.mark.parametrize("with_key", [True, False], ids=["key", "no-key"])
def test_an_added_key_recreates_the_users(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair, with_key: bool
) -> None:
    repo.set("secrets/openai.yaml", '["data"]["OPENAI_ORG"]', f"{CANARY}-org")
    if with_key:
        env.give_key(age_key)
    recreate = "secret openai: key OPENAI_ORG added"
    assert actions(repo.plan_json()) == same_in_both(
        secret("openai", "update", "key OPENAI_ORG added"),
        deployment("llm", "recreate", recreate),
        deployment("ocr", "recreate", recreate),
    )


def test_a_removed_key_and_a_changed_value_recreate_with_every_reason(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair
) -> None:
    repo.unset("secrets/hf.yaml", '["data"]["HF_ORG"]')
    repo.set("secrets/hf.yaml", '["data"]["HF_TOKEN"]', f"{CANARY}-hf2")
    env.give_key(age_key)
    assert actions(repo.plan_json()) == same_in_both(
        secret("hf", "update", "value of HF_TOKEN changed", "key HF_ORG removed"),
        deployment(
            "llm", "recreate", "secret hf: value of HF_TOKEN changed", "secret hf: key HF_ORG removed"
        ),
    )


def test_a_description_alone_updates_the_secret_and_no_deployment(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair
) -> None:
    repo.set("secrets/openai.yaml", '["description"]', "The OpenAI key, rotated yearly")
    env.give_key(age_key)
    assert actions(repo.plan_json()) == same_in_both(secret("openai", "update", "description changed"))
    env.take_key()
    assert actions(repo.plan_json()) == same_in_both(secret("openai", "update", "description changed"))


def test_a_rename_is_named_with_a_key_and_is_a_removal_and_an_addition_without(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair
) -> None:
    repo.unset("secrets/hf.yaml", '["data"]["HF_ORG"]')
    repo.set("secrets/hf.yaml", '["data"]["HF_ORGANIZATION"]', f"{CANARY}-org")
    without = actions(repo.plan_json())
    assert without["prod"] == [
        secret("hf", "update", "key HF_ORGANIZATION added", "key HF_ORG removed"),
        deployment(
            "llm", "recreate", "secret hf: key HF_ORGANIZATION added", "secret hf: key HF_ORG removed"
        ),
    ]
    env.give_key(age_key)
    renamed = "key HF_ORG renamed to HF_ORGANIZATION (same value; BentoCloud can't rename a key)"
    assert actions(repo.plan_json()) == same_in_both(
        secret("hf", "update", renamed), deployment("llm", "recreate", f"secret hf: {renamed}")
    )


def test_type_path_sub_path_and_stage_changes_recreate(repo: Repo) -> None:
    repo.set("secrets/hf.yaml", '["path"]', "$BENTOML_HOME/models")
    repo.set("secrets/hf.yaml", '["sub_paths"]["HF_TOKEN"]', "auth")
    repo.set("secrets/hf.yaml", '["stage"]', "all")
    repo.set("secrets/openai.yaml", '["type"]', "file")
    body = repo.plan_json()
    hf = [
        "path changed from $BENTOML_HOME/hf to $BENTOML_HOME/models",
        "sub path of HF_TOKEN changed from tokens to auth",
        "stage changed from runtime to all",
    ]
    assert actions(body) == same_in_both(
        secret("hf", "update", *hf),
        secret("openai", "update", "type changed from env to file"),
        deployment(
            "llm",
            "recreate",
            *(f"secret hf: {r}" for r in hf),
            "secret openai: type changed from env to file",
        ),
        deployment("ocr", "recreate", "secret openai: type changed from env to file"),
    )


def test_only_changed_secrets_are_decrypted_once_per_side_in_one_batch(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair, tmp_path: Path, sops_path: str
) -> None:
    repo.set("secrets/openai.yaml", '["data"]["OPENAI_API_KEY"]', f"{CANARY}-new")
    env.give_key(age_key)
    log = tmp_path / "calls.log"
    wrapper = tmp_path / "counting-sops"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{sops_path}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    body = repo.plan_json("--sops", str(wrapper))
    assert body["environments"][0]["actions"][0] == secret("openai", "update", VALUE_CHANGED)
    calls = log.read_text().splitlines()
    # openai in two environments: its base and head blobs, each once; hf is identical: never
    assert calls == ["--config /dev/null decrypt --input-type yaml --output-type json"] * 2


def test_a_failed_decryption_falls_back_to_ciphertext_with_a_warning(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair, tmp_path: Path
) -> None:
    repo.set("secrets/openai.yaml", '["data"]["OPENAI_API_KEY"]', f"{CANARY}-new")
    env.give_key(age_key)
    broken = tmp_path / "broken-sops"
    broken.write_text("#!/bin/sh\necho 'Failed to get the data key' >&2\nexit 128\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    result = repo.plan("--format", "json", "--env", "prod", "--sops", str(broken))
    assert result.exit_code == 0
    assert actions(json.loads(result.stdout))["prod"][0] == secret(
        "openai", "update", MAYBE_CHANGED, verified=False
    )
    assert result.stderr.splitlines() == [
        f"bento-gitops: warning: no available key can decrypt secrets/openai.yaml ({side}); "
        "compared ciphertext instead"
        for side in ("base", "head")
    ]


# --- deployments -------------------------------------------------------------------------------


def test_overlays_project_clusters_attachments_and_config_flow_through_the_effective_config(
    repo: Repo,
) -> None:
    repo.write("environments/prod/llm.yaml", "services:\n  llm:\n    scaling: {max_replicas: 6}\n")
    repo.write("bento-gitops.yaml", PROJECT.replace("gcp-us-central-1", "gcp-us-east-1"))
    repo.write(
        "deployments/ocr.yaml",
        "bento: ocr:v2\nsecrets: [openai]\nenvs:\n  - {name: LOG_LEVEL, value: debug}\n",
    )
    repo.write("deployments/llm.yaml", BASE["deployments/llm.yaml"].replace("[openai, hf]", "[openai]"))
    assert actions(repo.plan_json()) == {
        "prod": [
            deployment("llm", "update", "secret hf detached", "services.llm.scaling.max_replicas: 4 → 6"),
            deployment("ocr", "update", "bento: ocr:v1 → ocr:v2", "envs[LOG_LEVEL]: info → debug"),
        ],
        "staging": [
            deployment(
                "llm",
                "recreate",
                "cluster changed from gcp-us-central-1 to gcp-us-east-1 (BentoCloud can't move a deployment)",
                "secret hf detached",
            ),
            deployment(
                "ocr",
                "recreate",
                "cluster changed from gcp-us-central-1 to gcp-us-east-1 (BentoCloud can't move a deployment)",
                "bento: ocr:v1 → ocr:v2",
                "envs[LOG_LEVEL]: info → debug",
            ),
        ],
    }


def test_creations_deletions_and_attachments(repo: Repo, make_repo: RepoBuilder) -> None:
    (repo.root / "deployments/ocr.yaml").unlink()
    make_repo(repo.root, {"secrets/vision.yaml": f"data:\n  VISION_KEY: {CANARY}-vision\n"})
    repo.write("deployments/vision.yaml", "bento: vision:v1\nsecrets: [vision]\n")
    repo.write(
        "deployments/llm.yaml", BASE["deployments/llm.yaml"].replace("[openai, hf]", "[openai, hf, vision]")
    )
    assert actions(repo.plan_json()) == same_in_both(
        secret("vision", "create", "new secret (keys: VISION_KEY)"),
        deployment("vision", "create", "new deployment"),
        deployment("llm", "update", "secret vision attached"),
        deployment("ocr", "delete", "deployment removed"),
    )


def test_a_secret_removed_with_its_last_user_and_a_removed_environment(repo: Repo) -> None:
    (repo.root / "secrets/hf.yaml").unlink()
    repo.write("deployments/llm.yaml", BASE["deployments/llm.yaml"].replace("[openai, hf]", "[openai]"))
    repo.write("bento-gitops.yaml", "version: 1\nenvironments:\n  prod: {cluster: aws-us-east-1}\n")
    assert actions(repo.plan_json()) == {
        "prod": [secret("hf", "delete", "secret removed"), deployment("llm", "update", "secret hf detached")],
        "staging": [
            secret("hf", "delete", "environment removed"),
            secret("openai", "delete", "environment removed"),
            deployment("llm", "delete", "environment removed"),
            deployment("ocr", "delete", "environment removed"),
        ],
    }


def test_an_overlay_rename_deletes_the_old_name_and_creates_the_new(repo: Repo) -> None:
    repo.write("environments/staging/llm.yaml", "name: llm-staging\n")
    assert actions(repo.plan_json("--env", "staging")) == {
        "staging": [
            deployment("llm-staging", "create", "renamed from llm"),
            deployment("llm", "delete", "renamed to llm-staging"),
        ]
    }


def test_an_environment_secret_replacing_the_base_one_is_compared_with_it(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair, make_repo: RepoBuilder
) -> None:
    staging = f"description: OpenAI key\ndata:\n  OPENAI_API_KEY: {CANARY}-st\n"
    make_repo(repo.root, {"environments/staging/secrets/openai.yaml": staging})
    env.give_key(age_key)
    restart = f"secret openai: {VALUE_CHANGED}"
    assert actions(repo.plan_json()) == {
        "prod": [],
        "staging": [
            secret("openai", "update", VALUE_CHANGED),
            deployment("llm", "restart", restart),
            deployment("ocr", "restart", restart),
        ],
    }


# --- revisions, sub-folders, the work tree --------------------------------------------------


def test_head_revision_and_a_repo_in_a_sub_folder(
    env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair, sops_path: str
) -> None:
    repo = _new_repo(tmp_path, make_repo, age_key, sops_path, "infra/gitops")
    repo.write("../../README.md", "not part of the repo\n")
    repo.git("checkout", "-q", "-b", "feature")
    repo.set("secrets/openai.yaml", '["data"]["OPENAI_ORG"]', "org")
    head = repo.commit("add a key")
    repo.write("deployments/ocr.yaml", "bento: ocr:v9\n")  # in the work tree only: not planned
    body = repo.plan_json("--head", "feature", "--env", "prod")
    assert body["head"] == head
    assert body["environments"] == [
        {
            "name": "prod",
            "actions": [
                secret("openai", "update", "key OPENAI_ORG added"),
                deployment("llm", "recreate", "secret openai: key OPENAI_ORG added"),
                deployment("ocr", "recreate", "secret openai: key OPENAI_ORG added"),
            ],
        }
    ]


def test_the_work_tree_and_the_index_are_untouched(repo: Repo, env: Env, age_key: agekeys.AgeKeyPair) -> None:
    repo.git("branch", "feature")
    repo.set("secrets/openai.yaml", '["data"]["OPENAI_API_KEY"]', f"{CANARY}-new")
    repo.git("add", "secrets/openai.yaml")
    repo.write("deployments/ocr.yaml", "bento: ocr:v2\nsecrets: [openai]\n")
    env.give_key(age_key)
    files = {p: p.read_bytes() for p in repo.root.rglob("*") if ".git" not in p.parts and p.is_file()}
    status = repo.git("status", "--porcelain")
    index = (repo.top / ".git" / "index").read_bytes()
    assert repo.plan().exit_code == 0
    assert repo.plan("--head", "feature").exit_code == 0
    assert (repo.top / ".git" / "index").read_bytes() == index
    assert {p: p.read_bytes() for p in repo.root.rglob("*") if ".git" not in p.parts and p.is_file()} == files
    assert repo.git("status", "--porcelain") == status
    assert subprocess.run(["git", "-C", str(repo.top), "diff", "--cached", "--quiet"]).returncode == 1


# --- formats -----------------------------------------------------------------------------------


def _done_when_change(repo: Repo) -> None:
    repo.set("secrets/openai.yaml", '["data"]["OPENAI_API_KEY"]', f"{CANARY}-new")
    repo.set("secrets/hf.yaml", '["data"]["HF_EXTRA"]', f"{CANARY}-extra")


def test_text_is_a_table_per_environment(repo: Repo, env: Env, age_key: agekeys.AgeKeyPair) -> None:
    _done_when_change(repo)
    env.give_key(age_key)
    result = repo.plan("--env", "prod")
    base = repo.git("rev-parse", "main").strip()[:12]
    assert result.stdout == (
        f"plan: base main ({base}), head the work tree\n"
        "\n"
        "prod:\n"
        "  ACTION    TARGET      NAME    REASONS\n"
        "  update    secret      hf      key HF_EXTRA added\n"
        "  update    secret      openai  value of OPENAI_API_KEY changed\n"
        "  restart   deployment  ocr     secret openai: value of OPENAI_API_KEY changed\n"
        "  recreate  deployment  llm     secret hf: key HF_EXTRA added\n"
        "                                secret openai: value of OPENAI_API_KEY changed\n"
        "\n"
        "1 to restart, 1 to recreate, 2 secrets to update in prod\n"
    )
    assert (result.exit_code, result.stderr) == (0, "")


def test_markdown_is_ready_for_a_pull_request(repo: Repo, env: Env, age_key: agekeys.AgeKeyPair) -> None:
    _done_when_change(repo)
    repo.write(
        "deployments/ocr.yaml", BASE["deployments/ocr.yaml"] + "labels:\n  - {key: team, value: a|b}\n"
    )
    env.give_key(age_key)
    result = repo.plan("--format", "markdown", "--env", "staging")
    base = repo.git("rev-parse", "main").strip()[:12]
    assert result.stdout == (
        "### bento-gitops plan\n"
        "\n"
        "**1 to restart, 1 to recreate, 2 secrets to update** in staging\n"
        "\n"
        f"Base `main` ({base}), head the work tree.\n"
        "\n"
        "#### staging\n"
        "\n"
        "| Action | Target | Name | Reasons |\n"
        "| --- | --- | --- | --- |\n"
        "| update | secret | `hf` | key HF_EXTRA added |\n"
        "| update | secret | `openai` | value of OPENAI_API_KEY changed |\n"
        "| restart | deployment | `ocr` | labels[team] added: a\\|b (+1 more) |\n"
        "| recreate | deployment | `llm` | secret hf: key HF_EXTRA added (+1 more) |\n"
        "\n"
        "<details><summary>All reasons</summary>\n"
        "\n"
        "- **update** secret `hf`\n"
        "  - key HF_EXTRA added\n"
        "- **update** secret `openai`\n"
        "  - value of OPENAI_API_KEY changed\n"
        "- **restart** deployment `ocr`\n"
        "  - labels[team] added: a\\|b\n"
        "  - secret openai: value of OPENAI_API_KEY changed\n"
        "- **recreate** deployment `llm`\n"
        "  - secret hf: key HF_EXTRA added\n"
        "  - secret openai: value of OPENAI_API_KEY changed\n"
        "\n"
        "</details>\n"
    )


def test_markdown_without_a_key_says_what_is_unverified(repo: Repo) -> None:
    _done_when_change(repo)
    out = repo.plan("--format", "markdown").stdout
    assert "| restart (unverified) | deployment | `ocr` |" in out
    assert "_Unverified: no key to compare values; the ciphertext changed, so a value may have._" in out


def test_an_empty_plan_and_exit_code(repo: Repo) -> None:
    result = repo.plan("--exit-code")
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (0, "No changes.")
    assert "**No changes.**" in repo.plan("--format", "markdown").stdout
    repo.write("deployments/ocr.yaml", "bento: ocr:v2\nsecrets: [openai]\n")
    assert repo.plan().exit_code == 0
    assert repo.plan("--exit-code").exit_code == exitcodes.FINDINGS


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
@pytest.mark.parametrize("with_key", [True, False], ids=["key", "no-key"])
def test_no_value_in_any_output(
    repo: Repo, env: Env, age_key: agekeys.AgeKeyPair, output: str, with_key: bool, make_repo: RepoBuilder
) -> None:
    _done_when_change(repo)
    repo.unset("secrets/hf.yaml", '["data"]["HF_ORG"]')
    repo.set("secrets/hf.yaml", '["data"]["HF_ORG2"]', f"{CANARY}-org")
    make_repo(repo.root, {"secrets/new.yaml": f"data:\n  NEW: {CANARY}-created\n"})
    if with_key:
        env.give_key(age_key)
    result = repo.plan("--format", output)
    assert result.exit_code == 0, result.stderr
    assert CANARY not in result.stdout + result.stderr
    assert "renamed to HF_ORG2" in result.stdout if with_key else "HF_ORG2 added" in result.stdout


# --- errors ------------------------------------------------------------------------------------


def test_unknown_revisions_are_usage_errors(repo: Repo) -> None:
    result = run_cli("plan", "-C", str(repo.root), "--base", "no-such-branch")
    assert (result.exit_code, result.stdout) == (exitcodes.USAGE, "")
    assert result.stderr == f"bento-gitops: error: unknown git revision 'no-such-branch' in {repo.root}\n"
    assert repo.plan("--head", "nope").exit_code == exitcodes.USAGE


def test_a_directory_outside_git_is_a_usage_error(env: Env, tmp_path: Path) -> None:
    result = run_cli("plan", "-C", str(tmp_path), "--base", "main")
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr.startswith(f"bento-gitops: error: {tmp_path} is not inside a git repository")


def test_a_base_that_is_not_a_bento_gitops_repo(repo: Repo) -> None:
    repo.git("checkout", "-q", "--orphan", "bare")
    repo.git("rm", "-q", "-r", "--cached", ".")
    repo.git("commit", "-q", "--allow-empty", "-m", "nothing")
    result = run_cli("plan", "-C", str(repo.root), "--base", "bare")
    assert result.exit_code == exitcodes.USAGE
    assert "has no bento-gitops.yaml, secrets or deployments: not a bento-gitops repo" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_head_with_errors_prints_them_and_plans_nothing(repo: Repo) -> None:
    repo.write("deployments/ocr.yaml", "bento: ocr:v1\nsecrets: [missing]\n")
    result = repo.plan("--format", "json")
    assert (result.exit_code, result.stdout) == (exitcodes.FINDINGS, "")
    assert "deployments/ocr.yaml:2:" in result.stderr and "BG501" in result.stderr
    assert result.stderr.endswith("bento-gitops: the head has errors; fix them before planning\n")


def test_a_base_with_errors_plans_from_what_loads_with_a_warning(repo: Repo) -> None:
    repo.write("deployments/ocr.yaml", "bento: ocr:v1\nsecrets: [openai]\nbogus: 1\n")
    repo.commit("broken")
    repo.write("deployments/ocr.yaml", BASE["deployments/ocr.yaml"])
    result = repo.plan("--format", "json", "--env", "prod")
    assert result.exit_code == 0
    assert result.stderr == (
        "bento-gitops: warning: base 'main' has errors in deployments/ocr.yaml; "
        "planned from the files that load\n"
    )
    assert actions(json.loads(result.stdout)) == {"prod": [deployment("ocr", "create", "new deployment")]}


def test_an_unknown_environment_is_a_usage_error(repo: Repo) -> None:
    result = repo.plan("--env", "qa")
    assert result.exit_code == exitcodes.USAGE
    assert (
        result.stderr
        == "bento-gitops: error: unknown environment 'qa'; known on either side: prod, staging\n"
    )
