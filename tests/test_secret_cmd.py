"""The secret commands with the real sops binary: round trips, refusals, impact, never a value."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from compiler import agekeys, exitcodes
from compiler.impact import SecretState, compare
from tests.conftest import Env, RepoBuilder, Result, run_cli, sops_config

CANARY = "CANARY-5e1d-never-print"
PROJECT = "version: 1\nenvironments:\n  staging: {}\n  prod: {}\n"
OPENAI = "description: OpenAI key\ntemplate: openai\ndata:\n  OPENAI_API_KEY: sk-old\n"
HF = (
    "type: file\npath: $BENTOML_HOME/demo\nsub_paths:\n  HF_TOKEN: secrets/password\n"
    "data:\n  HF_TOKEN: hf-old\n  OTHER: x\n"
)
USED = {
    "bento-gitops.yaml": PROJECT,
    "secrets/openai.yaml": OPENAI,
    "secrets/hf.yaml": HF,
    "deployments/llm.yaml": "bento: llm:v1\nsecrets: [openai, hf]\n",
    "deployments/ocr.yaml": "bento: ocr:v1\nsecrets: [openai]\n",
}


@pytest.fixture
def repo(env: Env, tmp_path: Path, make_repo: RepoBuilder, age_key: agekeys.AgeKeyPair) -> Path:
    """A repo whose `openai` secret two deployments use in two environments; the key is here."""
    env.give_key(age_key)
    root = make_repo(tmp_path / "repo", USED)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env.monkeypatch.chdir(elsewhere)  # sops must find the repo's .sops.yaml from anywhere
    return root


def cli(root: Path, *args: str, input: str | None = None) -> Result:
    return run_cli("-C", str(root), "secret", *args, input=input)


def decrypt(sops: str, path: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sops, "--config", os.devnull, "decrypt", "--output-type", "json", str(path)],
        capture_output=True,
        env={**os.environ, "SOPS_DISABLE_VERSION_CHECK": "1"},
        check=True,
    )
    document: dict[str, object] = json.loads(proc.stdout)
    return document


def plain(path: Path) -> dict[str, object]:
    data: dict[str, object] = YAML(typ="safe", pure=True).load(path.read_text())
    return data


def listing(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts}


# --- create ----------------------------------------------------------------------------------


def test_create_writes_what_sops_decrypts_prints_no_value_and_the_repo_validates(
    repo: Path, sops_path: str
) -> None:
    result = cli(repo, "create", "fresh", f"API_KEY={CANARY}", "-d", "A fresh secret")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("created secrets/fresh.yaml: secret fresh with key API_KEY\n")
    assert CANARY not in result.stdout + result.stderr
    assert CANARY.encode() not in (repo / "secrets/fresh.yaml").read_bytes()
    assert decrypt(sops_path, repo / "secrets/fresh.yaml") == {
        "description": "A fresh secret",
        "type": "env",
        "stage": "runtime",
        "data": {"API_KEY": CANARY},
    }
    assert run_cli("validate", "-C", str(repo), "--decrypt", "always").exit_code == 0


def test_values_from_file_stdin_and_dotenv_follow_bentoml(repo: Path, sops_path: str, tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text("from-file\n")
    (tmp_path / ".env").write_text(
        '# comment\nexport QUOTED=\'single $HOME kept\'\nDOUBLE="a\\"b"\nBARE=bare value # note\n'
        "REF=${BARE}-ref\n\n"
    )
    result = cli(
        repo,
        "create",
        "mixed",
        "EQ=a=b=c",
        "FILE=@" + str(tmp_path / "token.txt"),
        "STDIN=-",
        "--from-env-file",
        str(tmp_path / ".env"),
        input="from-stdin\n",
    )
    assert result.exit_code == 0, result.stderr
    assert decrypt(sops_path, repo / "secrets/mixed.yaml")["data"] == {
        "EQ": "a=b=c",
        "FILE": "from-file\n",  # as BentoML: the whole file
        "STDIN": "from-stdin",  # one trailing newline dropped
        "QUOTED": "single $HOME kept",
        "DOUBLE": 'a"b',
        "BARE": "bare value",
        "REF": "bare value-ref",
    }


def test_template_supplies_type_path_and_description(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "sa.json").write_text('{"type": "service_account"}')
    result = cli(
        repo,
        "create",
        "gcp",
        f"credentials.json=@{tmp_path / 'sa.json'}",
        "--template",
        "gcp-service-account",
        "--sub-path",
        "credentials.json=sa",
        "--stage",
        "all",
    )
    assert result.exit_code == 0, result.stderr
    fields = plain(repo / "secrets/gcp.yaml")
    assert {k: fields[k] for k in ("description", "type", "path", "stage", "template", "sub_paths")} == {
        "description": "Google Cloud service account key, mounted as a file",
        "type": "file",
        "path": "$BENTOML_HOME/gcp",
        "stage": "all",
        "template": "gcp-service-account",
        "sub_paths": {"credentials.json": "sa"},
    }


def test_environment_secret_goes_under_the_environment(repo: Path) -> None:
    result = cli(repo, "create", "openai", "OPENAI_API_KEY=sk-staging", "--env", "staging")
    assert result.exit_code == 0, result.stderr
    assert (repo / "environments/staging/secrets/openai.yaml").is_file()
    orphan = cli(repo, "create", "lonely", "K=v", "--env", "staging")
    assert orphan.exit_code == exitcodes.FINDINGS
    assert "BG508" in orphan.stderr
    assert not (repo / "environments/staging/secrets/lonely.yaml").exists()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["x", "WRONG=1", "--template", "openai"], "BG507"),
        (["x", "bad-key=1"], "BG506"),
        (["x", "--type", "file", "a b=1"], "BG404"),
        (["x", "K=1", "--path", "$BENTOML_HOME/x"], "BG403"),
        (["x", "--type", "file", "K=1", "--path", "/etc"], "BG401"),
        (["x", "--type", "file", "K=1", "--sub-path", "K=../../x"], "BG402"),
        (["x", "--type", "file", "K=1", "--sub-path", "L=a"], "BG405"),
    ],
)
def test_a_refused_create_leaves_nothing_behind(repo: Path, args: list[str], code: str) -> None:
    before = listing(repo)
    result = cli(repo, "create", *args)
    assert result.exit_code == exitcodes.FINDINGS, result.stderr
    assert result.stderr.startswith("bento-gitops: secrets/x.yaml would not validate; nothing was written\n")
    assert f"error {code} " in result.stderr
    assert listing(repo) == before


def test_refusal_names_what_the_template_requires(repo: Path) -> None:
    result = cli(repo, "create", "x", "WRONG=1", "--template", "openai")
    assert result.stderr.endswith("  error BG507 template openai requires OPENAI_API_KEY, which data lacks\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "WRONG"], "argument 1 after the secret name is not KEY=VALUE (no '=')"),
        (["x", "A=1", "=v"], "argument 2 after the secret name has an empty key"),
        (["x", "K="], "empty value for K (argument 1 after the secret name)"),
        (["x", "K=1", "K=2"], "key K is given twice (argument 1 after the secret name and argument 2"),
        (["x", "K=-", "L=-"], "L=- : stdin is already the value of K; it can be read once"),
        (["x", "K=@/no/such/file"], "value of K: /no/such/file is not a file"),
        (["Bad_Name", "K=1"], "secret name 'Bad_Name' is not a DNS-1123 label (BG505)"),
        (["x", "K=1", "--template", "opena"], "unknown template 'opena'; did you mean 'openai'?"),
        (["x", "K=1", "--env", "qa"], "unknown environment 'qa'"),
        (["x"], "give at least one KEY=VALUE"),
    ],
)
def test_malformed_arguments_are_usage_errors(repo: Path, args: list[str], message: str) -> None:
    before = listing(repo)
    result = cli(repo, "create", *args, input="stdin\n")
    assert result.exit_code == exitcodes.USAGE
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert listing(repo) == before


def test_duplicate_between_argument_and_dotenv_is_refused(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "a.env").write_text("K=1\n")
    result = cli(repo, "create", "x", "K=2", "--from-env-file", str(tmp_path / "a.env"))
    assert result.exit_code == exitcodes.USAGE
    assert f"key K is given twice (argument 1 after the secret name and {tmp_path / 'a.env'} line 1)" in (
        result.stderr
    )


def test_an_existing_secret_is_never_overwritten(repo: Path) -> None:
    before = (repo / "secrets/openai.yaml").read_bytes()
    result = cli(repo, "create", "openai", "OPENAI_API_KEY=sk-new")
    assert result.exit_code == exitcodes.FINDINGS
    assert "secret 'openai' already exists (secrets/openai.yaml); it was not overwritten" in result.stderr
    assert (repo / "secrets/openai.yaml").read_bytes() == before


def test_a_name_taken_by_another_file_counts_as_existing(repo: Path, make_repo: RepoBuilder) -> None:
    make_repo(repo, {"secrets/team/renamed.yaml": "name: taken\ndata:\n  K: v\n"})
    result = cli(repo, "create", "taken", "K=v")
    assert result.exit_code == exitcodes.FINDINGS
    assert "(secrets/team/renamed.yaml)" in result.stderr
    assert not (repo / "secrets/taken.yaml").exists()


def test_without_sops_config_or_rule_the_fix_is_named(repo: Path, age_key: agekeys.AgeKeyPair) -> None:
    (repo / ".sops.yaml").unlink()
    result = cli(repo, "create", "x", "K=v")
    assert result.exit_code == exitcodes.USAGE
    assert "no .sops.yaml in the repo" in result.stderr
    (repo / ".sops.yaml").write_text(sops_config(age_key.recipient).replace("secrets/", "vault/"))
    result = cli(repo, "create", "x", "K=v")
    assert result.exit_code == exitcodes.USAGE
    assert "no creation rule in .sops.yaml matches secrets/x.yaml" in result.stderr
    assert not (repo / "secrets/x.yaml").exists()


def test_a_rule_that_encrypts_everything_is_refused(repo: Path, age_key: agekeys.AgeKeyPair) -> None:
    (repo / ".sops.yaml").write_text(
        sops_config(age_key.recipient).replace("    encrypted_regex: ^data$\n", "")
    )
    result = cli(repo, "create", "x", "K=v", "-d", "described")
    assert result.exit_code == exitcodes.FINDINGS
    assert "BG203" in result.stderr
    assert not (repo / "secrets/x.yaml").exists()


# --- set / unset -----------------------------------------------------------------------------


def test_set_names_the_deployments_to_restart(repo: Path, sops_path: str) -> None:
    before = plain(repo / "secrets/openai.yaml")
    result = cli(repo, "set", "openai", f"OPENAI_API_KEY={CANARY}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "secret openai: OPENAI_API_KEY changed\n  prod: restart llm, ocr\n  staging: restart llm, ocr\n"
    )
    assert CANARY not in result.stdout + result.stderr
    after = plain(repo / "secrets/openai.yaml")
    assert (after["description"], after["template"]) == ("OpenAI key", "openai")
    assert after["sops"]["age"] == before["sops"]["age"]  # type: ignore[index]
    assert decrypt(sops_path, repo / "secrets/openai.yaml")["data"] == {"OPENAI_API_KEY": CANARY}
    assert not [p for p in (repo / "secrets").iterdir() if p.name.startswith(".")]


def test_adding_a_key_says_recreate(repo: Path, sops_path: str) -> None:
    result = cli(repo, "set", "openai", "EXTRA=x", "OPENAI_API_KEY=sk-old")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "secret openai: EXTRA added\n"
        "  prod: recreate llm, ocr (key EXTRA added)\n"
        "  staging: recreate llm, ocr (key EXTRA added)\n"
    )
    assert decrypt(sops_path, repo / "secrets/openai.yaml")["data"] == {
        "OPENAI_API_KEY": "sk-old",
        "EXTRA": "x",
    }
    assert run_cli("validate", "-C", str(repo), "--decrypt", "always", "--strict").exit_code == 0


def test_an_unchanged_value_rewrites_nothing(repo: Path) -> None:
    before = (repo / "secrets/openai.yaml").read_bytes()
    result = cli(repo, "set", "openai", "OPENAI_API_KEY=-", input="sk-old\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "secret openai: nothing changed; secrets/openai.yaml was not rewritten\n"
    assert (repo / "secrets/openai.yaml").read_bytes() == before


def test_unset_says_recreate_and_drops_the_sub_path(repo: Path, sops_path: str) -> None:
    result = cli(repo, "unset", "hf", "HF_TOKEN")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "secret hf: HF_TOKEN removed\n"
        "  prod: recreate llm (key HF_TOKEN removed)\n"
        "  staging: recreate llm (key HF_TOKEN removed)\n"
    )
    document = decrypt(sops_path, repo / "secrets/hf.yaml")
    assert document["data"] == {"OTHER": "x"}
    assert "sub_paths" not in document
    assert run_cli("validate", "-C", str(repo), "--decrypt", "always", "--strict").exit_code == 0


def test_unset_refuses_unknown_keys_and_an_empty_secret(repo: Path) -> None:
    unknown = cli(repo, "unset", "openai", "OPENAI_KEY")
    assert unknown.exit_code == exitcodes.USAGE
    assert "secret openai has no key OPENAI_KEY; did you mean OPENAI_API_KEY?" in unknown.stderr
    before = (repo / "secrets/openai.yaml").read_bytes()
    last = cli(repo, "unset", "openai", "OPENAI_API_KEY")
    assert last.exit_code == exitcodes.FINDINGS
    assert "removing every key would leave secret openai empty; delete secrets/openai.yaml" in last.stderr
    assert (repo / "secrets/openai.yaml").read_bytes() == before


def test_setting_a_key_the_template_needs_removed_is_refused(repo: Path) -> None:
    cli(repo, "set", "openai", "EXTRA=x")
    result = cli(repo, "unset", "openai", "OPENAI_API_KEY")
    assert result.exit_code == exitcodes.FINDINGS
    assert "error BG507 template openai requires OPENAI_API_KEY" in result.stderr


def test_set_without_a_key_exits_3_naming_the_key_sources(repo: Path, env: Env) -> None:
    env.take_key()
    before = (repo / "secrets/openai.yaml").read_bytes()
    result = cli(repo, "set", "openai", "OPENAI_API_KEY=sk-new")
    assert result.exit_code == exitcodes.ENVIRONMENT
    assert "no available key can decrypt secrets/openai.yaml" in result.stderr
    assert "SOPS_AGE_KEY_FILE is not set" in result.stderr
    assert (repo / "secrets/openai.yaml").read_bytes() == before


def test_set_keeps_the_files_recipients(
    env: Env,
    tmp_path: Path,
    make_repo: RepoBuilder,
    age_key: agekeys.AgeKeyPair,
    other_age_key: agekeys.AgeKeyPair,
) -> None:
    env.give_key(age_key)
    both = sops_config(f"{age_key.recipient},{other_age_key.recipient}")
    root = make_repo(tmp_path / "repo", {**USED, ".sops.yaml": both})
    (root / ".sops.yaml").write_text(sops_config(age_key.recipient))
    assert cli(root, "set", "openai", "OPENAI_API_KEY=sk-new").exit_code == 0
    recipients = {r["recipient"] for r in plain(root / "secrets/openai.yaml")["sops"]["age"]}  # type: ignore[index]
    assert recipients == {age_key.recipient, other_age_key.recipient}


def test_an_environment_that_mounts_its_own_file_needs_nothing(repo: Path, make_repo: RepoBuilder) -> None:
    make_repo(repo, {"environments/staging/secrets/openai.yaml": OPENAI})
    result = cli(repo, "set", "openai", "OPENAI_API_KEY=sk-new")
    assert result.stdout == (
        "secret openai: OPENAI_API_KEY changed\n"
        "  prod: restart llm, ocr\n"
        "  staging: mounts environments/staging/secrets/openai.yaml instead; nothing to do\n"
    )
    staged = cli(repo, "set", "openai", "OPENAI_API_KEY=sk-staging", "--env", "staging")
    assert "  staging: restart llm, ocr\n" in staged.stdout


def test_set_of_an_unknown_secret_is_a_usage_error(repo: Path) -> None:
    result = cli(repo, "set", "opnai", "K=v")
    assert result.exit_code == exitcodes.USAGE
    assert "no secret named 'opnai'; did you mean 'openai'?" in result.stderr


# --- edit ------------------------------------------------------------------------------------


def editor(tmp_path: Path, env: Env, sed: str) -> None:
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\nsed -i "{sed}" "$1"\n')
    script.chmod(0o755)
    env.monkeypatch.setenv("EDITOR", str(script))


def test_edit_reports_a_renamed_key_as_removal_plus_addition(
    repo: Path, env: Env, tmp_path: Path, sops_path: str
) -> None:
    editor(tmp_path, env, "s/^    OTHER:/    RENAMED:/")
    result = cli(repo, "edit", "hf")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "secret hf: RENAMED added; OTHER removed\n"
        "  prod: recreate llm (key RENAMED added; key OTHER removed)\n"
        "  staging: recreate llm (key RENAMED added; key OTHER removed)\n"
    )
    assert decrypt(sops_path, repo / "secrets/hf.yaml")["data"] == {"HF_TOKEN": "hf-old", "RENAMED": "x"}


def test_edit_of_a_value_says_restart(repo: Path, env: Env, tmp_path: Path) -> None:
    editor(tmp_path, env, "s/sk-old/sk-edited/")
    result = cli(repo, "edit", "openai")
    assert result.stdout.splitlines() == [
        "secret openai: OPENAI_API_KEY changed",
        "  prod: restart llm, ocr",
        "  staging: restart llm, ocr",
    ]
    assert "sk-" not in result.stdout + result.stderr


def test_edit_without_changes(repo: Path, env: Env) -> None:
    env.monkeypatch.setenv("EDITOR", "true")
    result = cli(repo, "edit", "openai")
    assert (result.exit_code, result.stdout) == (
        0,
        "secret openai: nothing changed; secrets/openai.yaml was not rewritten\n",
    )


def test_edit_that_breaks_the_file_exits_1_and_keeps_the_edit(repo: Path, env: Env, tmp_path: Path) -> None:
    editor(tmp_path, env, "s/^type: file/type: bogus/")
    result = cli(repo, "edit", "hf")
    assert result.exit_code == exitcodes.FINDINGS
    assert result.stderr.startswith(
        "bento-gitops: secrets/hf.yaml does not validate after the edit (the file stays as edited):\n"
        '  secrets/hf.yaml:1:7: error BG102 type: value "bogus" must be one of: env, file\n'
    )
    assert plain(repo / "secrets/hf.yaml")["type"] == "bogus"


# --- list / show / templates -----------------------------------------------------------------


def test_list_is_a_table_and_needs_no_key(repo: Path, env: Env) -> None:
    env.take_key()
    result = cli(repo, "list")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "NAME    TYPE  STAGE    KEYS             PATH                USED BY\n"
        "hf      file  runtime  HF_TOKEN, OTHER  $BENTOML_HOME/demo  prod: llm; staging: llm\n"
        "openai  env   runtime  OPENAI_API_KEY   -                   prod: llm, ocr; staging: llm, ocr\n"
    )


def test_list_json(repo: Path) -> None:
    body = json.loads(cli(repo, "list", "--format", "json").stdout)
    assert body["version"] == 1
    assert body["skipped"] == []
    assert body["secrets"][1] == {
        "name": "openai",
        "environment": None,
        "file": "secrets/openai.yaml",
        "type": "env",
        "stage": "runtime",
        "path": None,
        "keys": [{"name": "OPENAI_API_KEY", "path": None}],
        "template": "openai",
        "description": "OpenAI key",
        "used_by": {"prod": ["llm", "ocr"], "staging": ["llm", "ocr"]},
    }


def test_show_resolves_file_paths(repo: Path) -> None:
    result = cli(repo, "show", "hf")
    assert result.stdout == (
        "secret hf (secrets/hf.yaml)\n"
        "  type: file, stage: runtime\n"
        "  path: $BENTOML_HOME/demo\n"
        "  keys:\n"
        "    HF_TOKEN -> $BENTOML_HOME/demo/secrets/password/HF_TOKEN\n"
        "    OTHER -> $BENTOML_HOME/demo/OTHER\n"
        "  used by:\n"
        "    prod: llm\n"
        "    staging: llm\n"
    )
    body = json.loads(cli(repo, "show", "hf", "--format", "json").stdout)
    assert body["secrets"][0]["keys"][0] == {
        "name": "HF_TOKEN",
        "path": "$BENTOML_HOME/demo/secrets/password/HF_TOKEN",
    }


def test_show_of_an_unknown_secret_is_a_usage_error(repo: Path) -> None:
    result = cli(repo, "show", "opnai")
    assert result.exit_code == exitcodes.USAGE
    assert "did you mean 'openai'?" in result.stderr


def test_templates_list_every_template(env: Env) -> None:
    text = run_cli("secret", "templates").stdout
    assert "aws                  env   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, [AWS_REGION]" in text
    body = json.loads(run_cli("secret", "templates", "--format", "json").stdout)
    names = [t["name"] for t in body["templates"]]
    assert {"openai", "aws", "huggingface", "github", "anthropic", "gcp-service-account"} <= set(names)


# --- the canary ------------------------------------------------------------------------------


def test_no_secret_command_ever_prints_a_value(repo: Path, env: Env, tmp_path: Path) -> None:
    (tmp_path / "c.env").write_text(f"DOT={CANARY}-dotenv\nbroken line {CANARY}\n")
    editor(tmp_path, env, f"s/sk-old/{CANARY}-edit/")
    runs = [
        cli(repo, "create", "one", f"K={CANARY}-1", "-d", "d"),
        cli(repo, "create", "two", "K=-", input=f"{CANARY}-stdin\n"),
        cli(repo, "create", "bad", f"bad-key={CANARY}"),  # refused: BG506
        cli(repo, "create", "bad", f"{CANARY}"),  # usage: no '='
        cli(repo, "create", "bad", f"K={CANARY}", f"K={CANARY}"),  # usage: twice
        cli(repo, "create", "bad", "--from-env-file", str(tmp_path / "c.env")),  # usage: bad line
        cli(repo, "create", "one", f"K={CANARY}"),  # refused: exists
        cli(repo, "set", "one", f"K={CANARY}-1"),  # no-op
        cli(repo, "set", "one", f"K={CANARY}-2", f"L={CANARY}-3"),
        cli(repo, "unset", "one", "L"),
        cli(repo, "edit", "openai"),
        cli(repo, "list"),
        cli(repo, "list", "--format", "json"),
        cli(repo, "show", "one"),
        cli(repo, "show", "one", "--format", "json"),
    ]
    env.take_key()
    runs.append(cli(repo, "set", "one", f"K={CANARY}-nokey"))
    assert [r.exit_code for r in runs] == [0, 0, 1, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3]
    for result in runs:
        assert CANARY not in result.stdout + result.stderr
    on_disk = [p for p in repo.rglob("*") if p.is_file() and CANARY.encode() in p.read_bytes()]
    assert on_disk == []


# --- impact, the reusable core ---------------------------------------------------------------


def test_compare_names_renames_and_settings() -> None:
    old = SecretState("s", "secrets/s.yaml", ("A", "B"), sub_paths=(("A", "x"),))
    new = SecretState("s", "secrets/s.yaml", ("A", "C"), stage="all", sub_paths=(("A", "y"),))
    change = compare(old, new, ["A"], renamed=[("B", "C")])
    assert (change.added, change.removed, change.changed) == ((), (), ("A",))
    assert change.settings == ("sub_paths", "stage")
    assert change.recreate_reason() == "key B renamed to C; sub_paths changed; stage changed"
    assert compare(old, old, []).empty
