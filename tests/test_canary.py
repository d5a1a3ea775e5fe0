"""The canary: secret values that must show up nowhere but where `render --secrets values` puts them.

Two repos hold distinctive values. The "zoo" triggers (nearly) every rule; the "clean" one renders,
plans and is edited. Every command runs in every format, with and without a key, and after each run
these are searched: stdout, stderr, the temp dir (TMPDIR, which must be left empty), the content
cache, HOME (GITHUB_STEP_SUMMARY lives there), the repo (for values that were encrypted), and the
rendered output unless it was asked for values. tests/test_no_leaks.py is the first, smaller canary.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler import agekeys, exitcodes
from compiler.diagnostics import Diagnostic
from compiler.rules.context import EnvContext
from tests.conftest import Env, RepoBuilder, Result, encrypt_in_place, run_cli

SEALED = "CANARY-sealed-5d1f0b"  # values that were encrypted: plaintext nowhere on disk
PLAIN = "CANARY-plain-e93a71"  # values committed in plaintext by mistake: never echoed
SUFFIXES = (
    *("openai", "backup", "prod", "files", "files2", "bad", "dash", "aws", "twin", "twin2", "unused"),
    *(
        "rotated",
        "mac",
        "tampered",
        "clean",
        "other",
        "hf",
        "set",
        "created",
        "edited",
        "at-file",
        "env-file",
    ),
)
VALUES = [SEALED, *(f"{SEALED}-{suffix}" for suffix in SUFFIXES)]


def _derived(value: str) -> list[bytes]:
    """What a value turns into on its way out: base64 (Kubernetes Secret data), SHA-256 (a guessable
    fingerprint)."""
    raw = value.encode()
    return [base64.b64encode(raw), hashlib.sha256(raw).hexdigest().encode()]


DERIVED = [marker for value in VALUES for marker in _derived(value)]
FORBIDDEN = [b"CANARY", base64.b64encode(b"CANARY-")[:8], *DERIVED]  # anywhere but the repo
SEALED_ONLY = [SEALED.encode(), base64.b64encode(SEALED.encode())[:16], *DERIVED]  # in the repo


def _leaks(data: bytes, markers: list[bytes] = FORBIDDEN) -> list[bytes]:
    return [m for m in markers if m in data]


# --- the repos ----------------------------------------------------------------------------------

PROJECT = "version: 1\nenvironments:\n  prod: {cluster: c1}\n  staging: {cluster: c2}\n"
ZOO = {
    "bento-gitops.yaml": PROJECT,
    # env secrets colliding on OPENAI_API_KEY: BG301 (values differ) / BG302 (equal) / BG303 (no key)
    "secrets/openai.yaml": f"template: openai\ndata:\n  OPENAI_API_KEY: {SEALED}-openai\n",
    "secrets/openai-backup.yaml": f"data:\n  OPENAI_API_KEY: {SEALED}-backup\n",
    "secrets/openai-same.yaml": f"data:\n  OPENAI_API_KEY: {SEALED}-openai\n",
    "environments/prod/secrets/openai.yaml": f"template: openai\ndata:\n  OPENAI_API_KEY: {SEALED}-prod\n",
    # plaintext mistakes: BG201, BG102, BG001, BG002, BG003, BG004
    "secrets/plain.yaml": f"data:\n  TOKEN: {PLAIN}-plain\n",
    "secrets/typed.yaml": f"data:\n  TOKEN: [{PLAIN}-list]\n  NESTED: {{deep: {PLAIN}-nested}}\n",
    "secrets/whole.yaml": f"data: {PLAIN}-whole-string\n",
    "secrets/broken.yaml": f'data:\n  TOKEN: "{PLAIN}-unterminated\n',
    "secrets/escape.yaml": f'data:\n  TOKEN: "{PLAIN}-bad-escape \\q"\n',
    "secrets/dupe.yaml": f"data:\n  TOKEN: {PLAIN}-a\n  TOKEN: {PLAIN}-b\n",
    "secrets/anchor.yaml": f"data:\n  A: &v {PLAIN}-anchor\n  B: *v\n",
    "secrets/tagged.yaml": f"data:\n  A: !!binary {base64.b64encode(PLAIN.encode()).decode()}\n",
    # file secrets: BG401, BG402, BG404, BG405; BG305 with files2; BG403 on an env secret
    "secrets/files.yaml": (
        "type: file\npath: $BENTOML_HOME/../etc\nsub_paths:\n  A: ../up\n  MISSING: x\n"
        f"data:\n  A: {SEALED}-files\n  bad key: {SEALED}-files\n"
    ),
    "secrets/files2.yaml": f"type: file\npath: $BENTOML_HOME/creds\ndata:\n  K: {SEALED}-files2\n",
    "secrets/files3.yaml": f"type: file\npath: $BENTOML_HOME/creds/\ndata:\n  K: {SEALED}-files2\n",
    "secrets/envpath.yaml": f"path: $BENTOML_HOME/x\ndata:\n  ENV_PATH: {SEALED}-files\n",
    "secrets/Bad_Name.yaml": f"data:\n  BAD: {SEALED}-bad\n",  # BG505
    "secrets/dashed.yaml": f"data:\n  BAD-KEY: {SEALED}-dash\n",  # BG506
    "secrets/aws.yaml": f"template: aws\ndata:\n  AWS_ACCESS_KEY_ID: {SEALED}-aws\n",  # BG507
    "secrets/twin.yaml": f"data:\n  TWIN: {SEALED}-twin\n",  # BG502 with team/twin
    "secrets/team/twin.yaml": f"data:\n  TWIN2: {SEALED}-twin2\n",
    "secrets/unused.yaml": f"data:\n  UNUSED: {SEALED}-unused\n",  # BG504
    "secrets/added.yaml": f"data:\n  TOKEN: {SEALED}-rotated\n",  # BG202 after a hand edit
    "secrets/mac.yaml": f"description: before\ndata:\n  TOKEN: {SEALED}-mac\n",  # BG207 after an edit
    "secrets/tampered.yaml": f"data:\n  TOKEN: {SEALED}-tampered\n",  # BG208 after a flipped byte
    "secrets/all/everything.yaml": f"description: all encrypted\ndata:\n  T: {SEALED}-clean\n",  # BG203
    "deployments/llm.yaml": (
        "bento: llm:v1\n"
        "secrets: [openai, openai-backup, openai-same, plain, typed, whole, broken, escape, dupe, anchor,\n"
        "  tagged, files, files2, files3, envpath, Bad_Name, dashed, aws, added, mac, tampered,\n"
        "  everything, other, missing, openai]\n"  # BG501 missing, BG306 openai twice
        "envs:\n  - {name: OPENAI_API_KEY, value: visible-plaintext-env}\n"  # BG304
    ),
    "deployments/typo.yaml": "bento: typo:v1\nscalling: 1\n",  # BG101
    "deployments/one.yaml": "name: twin-app\nbento: a:v1\n",  # BG503 with two
    "deployments/two.yaml": "name: twin-app\nbento: a:v2\n",
    "deployments/side.yaml": "bento: side:v1\n",
    "environments/prod/side.yaml": "services: 3\n",  # BG104
    "environments/prod/ghost.yaml": "cluster: c3\n",  # BG508
    "private/creds.env": f"TOKEN={PLAIN}-dotenv\n",  # BG204
}
ZOO_PLAINTEXT = tuple(p for p in ZOO if PLAIN in ZOO[p] and p.startswith("secrets/"))
ZOO_SOPS = (
    "creation_rules:\n"
    "  - path_regex: (^|/)secrets/all/.*\\.yaml$\n"
    "    age: {recipient}\n"
    "  - path_regex: (^|/)secrets/.*\\.ya?ml$\n"
    "    encrypted_regex: ^data$\n"
    "    age: {recipient}\n"
    "  - path_regex: ^private/\n"
    "    age: {recipient}\n"
)
ZOO_SOPS_LATER = "  - path_regex: (?=lookahead)\n    age: {recipient}\n"  # BG209, added after encryption
STRUCTURE = {
    *("BG001", "BG002", "BG003", "BG004", "BG101", "BG102", "BG104", "BG201", "BG202", "BG203", "BG204"),
    *("BG205", "BG209", "BG304", "BG305", "BG306", "BG401", "BG402", "BG403", "BG404", "BG405", "BG501"),
    *("BG502", "BG503", "BG504", "BG505", "BG506", "BG507", "BG508"),
}


def _corrupt(path: Path) -> None:
    text = path.read_text()
    start = text.index("ENC[AES256_GCM,data:") + len("ENC[AES256_GCM,data:")
    path.write_text(text[:start] + ("A" if text[start] != "A" else "B") + text[start + 1 :])


def _build_zoo(
    root: Path, make_repo: RepoBuilder, sops: str, key: agekeys.AgeKeyPair, other: agekeys.AgeKeyPair
) -> Path:
    files = {**ZOO, ".sops.yaml": ZOO_SOPS.format(recipient=key.recipient)}
    files["secrets/other.yaml"] = f"data:\n  OTHER: {SEALED}-other\n"  # for another key: BG205, BG206
    make_repo(root, files, plaintext=(*ZOO_PLAINTEXT, "secrets/other.yaml"))
    (root / "secrets/nul.yaml").write_bytes(f"data:\n  TOKEN: {PLAIN}-nul\0\n".encode())  # BG004
    for_other = ["--age", other.recipient, "--encrypted-regex", "^data$", "-i", "secrets/other.yaml"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOPS_")}
    environ = {**clean, "SOPS_DISABLE_VERSION_CHECK": "1"}
    subprocess.run([sops, "encrypt", *for_other], cwd=root, check=True, capture_output=True, env=environ)
    added = root / "secrets/added.yaml"
    added.write_text(added.read_text().replace("data:\n", f"data:\n    EXTRA: {PLAIN}-added\n", 1))
    mac = root / "secrets/mac.yaml"
    mac.write_text(mac.read_text().replace("description: before", "description: after", 1))
    _corrupt(root / "secrets/tampered.yaml")
    with (root / ".sops.yaml").open("a") as config:
        config.write(ZOO_SOPS_LATER.format(recipient=key.recipient))
    return root


CLEAN = {
    "bento-gitops.yaml": PROJECT + "kubernetes: {namespace: ml}\n",
    "secrets/openai.yaml": f"template: openai\ndata:\n  OPENAI_API_KEY: {SEALED}-openai\n",
    "secrets/hf.yaml": (
        "type: file\npath: $BENTOML_HOME/hf\nsub_paths:\n  HF_TOKEN: tokens\n"
        f"data:\n  HF_TOKEN: {SEALED}-hf\n"
    ),
    "deployments/llm.yaml": (
        "bento: llm:v1\nsecrets: [openai, hf]\n"
        "services:\n  llm:\n    instance_type: cpu.1\n    scaling: {min_replicas: 1, max_replicas: 2}\n"
    ),
    "templates/summary/{secret}.txt.j2": (
        "{{ secret.name }}\n{% for item in secret['items'] %}{{ item.key }}={{ item.value }}\n{% endfor %}"
    ),
    "templates/summary/{deployment}.txt.j2": "{{ deployment.name }} {{ deployment.fingerprint }}\n",
}


@pytest.fixture(scope="module")
def zoo_template(
    tmp_path_factory: pytest.TempPathFactory,
    make_repo: RepoBuilder,
    sops_path: str,
    age_key: agekeys.AgeKeyPair,
    other_age_key: agekeys.AgeKeyPair,
) -> Path:
    return _build_zoo(tmp_path_factory.mktemp("zoo") / "repo", make_repo, sops_path, age_key, other_age_key)


@pytest.fixture(scope="module")
def clean_template(tmp_path_factory: pytest.TempPathFactory, make_repo: RepoBuilder) -> Path:
    return make_repo(tmp_path_factory.mktemp("clean") / "repo", CLEAN)


# --- the scene: where a value could land ----------------------------------------------------------


@dataclass
class Scene:
    env: Env
    repo: Path
    tmp: Path
    cache: Path
    out: Path

    def run(self, *args: str, input: str | None = None) -> Result:
        result = run_cli(*args, input=input)
        assert not _leaks((result.stdout + result.stderr).encode()), result.stdout + result.stderr
        self.check_disk()
        return result

    def check_disk(self) -> None:
        assert sorted(self.tmp.rglob("*")) == [], "a temp file was left behind"
        for place, markers in ((self.cache, FORBIDDEN), (self.env.home, FORBIDDEN), (self.repo, SEALED_ONLY)):
            for path in _files(place):
                assert not _leaks(path.read_bytes(), markers), path

    def check_output(self, values_expected: bool) -> None:
        blob = b"".join(p.read_bytes() for p in _files(self.out)) if self.out.exists() else b""
        if values_expected:
            assert _leaks(blob), "the scan found no value where --secrets values wrote them"
        else:
            assert not _leaks(blob), _leaks(blob)


def _files(root: Path) -> Iterator[Path]:
    return (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _scene(env: Env, tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> Scene:
    repo = tmp_path / "repo"
    shutil.copytree(template, repo, symlinks=True)
    temp = tmp_path / "tmpdir"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(env.home / "step-summary.md"))
    cache = Path(os.environ["XDG_CACHE_HOME"])
    return Scene(env, repo, temp, cache, tmp_path / "out")


@pytest.fixture
def zoo(env: Env, tmp_path: Path, zoo_template: Path, monkeypatch: pytest.MonkeyPatch) -> Scene:
    return _scene(env, tmp_path, zoo_template, monkeypatch)


@pytest.fixture
def clean(env: Env, tmp_path: Path, clean_template: Path, monkeypatch: pytest.MonkeyPatch) -> Scene:
    return _scene(env, tmp_path, clean_template, monkeypatch)


def _codes(result: Result) -> set[str]:
    return {d["code"] for d in json.loads(result.stdout)["diagnostics"]}


# --- validate -----------------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["text", "json", "github", "sarif"])
@pytest.mark.parametrize("decrypt", ["auto", "always", "never"])
@pytest.mark.parametrize("with_key", [True, False], ids=["key", "no-key"])
def test_validate_shows_no_value_whatever_it_finds(
    zoo: Scene, age_key: agekeys.AgeKeyPair, output: str, decrypt: str, with_key: bool
) -> None:
    if with_key:
        zoo.env.give_key(age_key)
    result = zoo.run("validate", "-C", str(zoo.repo), "--format", output, "--decrypt", decrypt)
    assert result.exit_code in (exitcodes.FINDINGS, exitcodes.ENVIRONMENT), result.stderr
    assert "Traceback" not in result.stderr
    if output != "json":
        return
    expected = set(STRUCTURE)
    if with_key and decrypt != "never":
        expected |= {"BG301", "BG302"}
    else:
        expected |= {"BG303"}
    if decrypt == "always":
        expected |= {"BG206", "BG207", "BG208"} if with_key else {"BG206"}
    assert expected <= _codes(result), sorted(expected - _codes(result))


def test_validate_with_a_broken_project_file_shows_no_value(zoo: Scene, age_key: agekeys.AgeKeyPair) -> None:
    (zoo.repo / "bento-gitops.yaml").write_text(PROJECT + "rules: {BG301: fatal}\n")
    zoo.env.give_key(age_key)
    for output in ("text", "json", "github", "sarif"):
        result = zoo.run("validate", "-C", str(zoo.repo), "--format", output, "--decrypt", "always")
        assert result.exit_code == exitcodes.USAGE


def test_sops_output_is_never_shown_when_sops_fails(zoo: Scene, age_key: agekeys.AgeKeyPair) -> None:
    fake = zoo.tmp.parent / "chatty-sops"
    fake.write_text(f'#!/bin/sh\ncat >/dev/null\necho "{SEALED}-from-stdout"\necho "failed" >&2\nexit 1\n')
    fake.chmod(0o755)
    zoo.env.give_key(age_key)
    result = zoo.run("validate", "-C", str(zoo.repo), "--decrypt", "always", "--sops", str(fake))
    assert result.exit_code == exitcodes.ENVIRONMENT and "BG210" in result.stdout


# --- render -------------------------------------------------------------------------------------


RENDERS = [
    (t, s, "text") for t in ("bentocloud", "kubernetes", "summary") for s in ("values", "redacted", "none")
]
RENDERS += [("bentocloud", s, "json") for s in ("values", "redacted", "none")]  # the report format


@pytest.mark.parametrize(("target", "secrets", "output"), RENDERS, ids="-".join)
@pytest.mark.parametrize("with_key", [True, False], ids=["key", "no-key"])
def test_render_writes_values_only_when_asked(
    clean: Scene, age_key: agekeys.AgeKeyPair, output: str, secrets: str, target: str, with_key: bool
) -> None:
    if with_key:
        clean.env.give_key(age_key)
    args = ("render", "-C", str(clean.repo), "--env", "prod", "-t", target, "--secrets", secrets)
    result = clean.run(*args, "--format", output, "--out", str(clean.out))
    if secrets == "values" and not with_key:
        assert result.exit_code == exitcodes.ENVIRONMENT and not clean.out.exists()
        return
    assert result.exit_code == exitcodes.OK, result.stderr
    clean.check_output(values_expected=secrets == "values")


def test_a_fingerprint_key_decrypts_for_the_hmac_and_writes_no_value(
    clean: Scene, age_key: agekeys.AgeKeyPair
) -> None:
    clean.env.give_key(age_key)
    clean.env.monkeypatch.setenv("BENTO_GITOPS_FINGERPRINT_KEY", "fingerprint-key")
    args = ("render", "-C", str(clean.repo), "--env", "prod", "-t", "kubernetes", "--out", str(clean.out))
    assert clean.run(*args).exit_code == exitcodes.OK
    assert "hmac-sha256:" in (clean.out / "llm.yaml").read_text()
    clean.check_output(values_expected=False)


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_refused_render_of_the_zoo_shows_no_value(
    zoo: Scene, age_key: agekeys.AgeKeyPair, output: str
) -> None:
    zoo.env.give_key(age_key)
    args = ("render", "-C", str(zoo.repo), "--env", "prod", "--secrets", "values", "--format", output)
    result = zoo.run(*args, "--out", str(zoo.out))
    assert result.exit_code in (exitcodes.FINDINGS, exitcodes.ENVIRONMENT)
    assert not zoo.out.exists()


def test_a_template_error_never_quotes_a_value(clean: Scene, age_key: agekeys.AgeKeyPair) -> None:
    (clean.repo / "templates/summary/{secret}.txt.j2").write_text(
        "{% for item in secret['items'] %}{{ env[item.value] }}{% endfor %}\n"
    )
    clean.env.give_key(age_key)
    args = ("render", "-C", str(clean.repo), "--env", "prod", "-t", "summary", "--secrets", "values")
    result = clean.run(*args, "--out", str(clean.out))
    assert result.exit_code == exitcodes.FINDINGS and "BG602" in result.stderr


# --- plan ---------------------------------------------------------------------------------------

GIT = ("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false")


def _git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, "-C", str(repo), *args], check=True, capture_output=True)


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
@pytest.mark.parametrize("with_key", [True, False], ids=["key", "no-key"])
def test_plan_shows_no_value_or_hash(
    clean: Scene, age_key: agekeys.AgeKeyPair, sops_path: str, output: str, with_key: bool
) -> None:
    _git(clean.repo, "init", "-q", "-b", "main")
    _git(clean.repo, "add", "-A")
    _git(clean.repo, "commit", "-q", "-m", "base")
    (clean.repo / "secrets/openai.yaml").write_text(
        f"template: openai\ndata:\n  OPENAI_API_KEY: {SEALED}-set\n  EXTRA: {SEALED}-openai\n"
    )
    encrypt_in_place(sops_path, clean.repo, "secrets/openai.yaml")
    (clean.repo / "secrets/hf.yaml").write_text(
        f"type: file\npath: $BENTOML_HOME/hf\ndata:\n  RENAMED: {SEALED}-hf\n"  # a rename, same value
    )
    encrypt_in_place(sops_path, clean.repo, "secrets/hf.yaml")
    if with_key:
        clean.env.give_key(age_key)
    result = clean.run("plan", "-C", str(clean.repo), "--base", "main", "--format", output)
    assert result.exit_code == exitcodes.OK, result.stderr
    assert "restart" in result.stdout or "recreate" in result.stdout


# --- secret commands ----------------------------------------------------------------------------


def _editor(scene: Scene, old: str, new: str) -> None:
    script = scene.tmp.parent / "editor.sh"
    script.write_text(f'#!/bin/sh\nsed -i "s/{old}/{new}/" "$1"\n')
    script.chmod(0o755)
    scene.env.monkeypatch.setenv("EDITOR", str(script))


def test_the_secret_lifecycle_shows_no_value(clean: Scene, age_key: agekeys.AgeKeyPair) -> None:
    clean.env.give_key(age_key)
    repo = ("-C", str(clean.repo))
    inputs = clean.tmp.parent / "inputs"
    inputs.mkdir()
    (inputs / "value.txt").write_text(f"{SEALED}-at-file")
    (inputs / "app.env").write_text(f"APP_TOKEN={SEALED}-env-file\n")
    steps: list[tuple[tuple[str, ...], str | None]] = [
        (("secret", "create", "new", "API_KEY=-", "FILE_KEY=@" + str(inputs / "value.txt"), *repo), SEALED),
        (("secret", "create", "dotenv", "--from-env-file", str(inputs / "app.env"), *repo), None),
        (("secret", "set", "openai", "OPENAI_API_KEY=-", *repo), f"{SEALED}-set"),
        (("secret", "set", "openai", "EXTRA=-", *repo), f"{SEALED}-created"),
        (("secret", "unset", "openai", "EXTRA", *repo), None),
        (("secret", "edit", "openai", *repo), None),
        (("secret", "set", "openai", "OPENAI_API_KEY=-", *repo), f"{SEALED}-edited"),  # unchanged value
        (("secret", "create", "Bad_Name", "API_KEY=-", *repo), f"{SEALED}-bad"),  # refused: name
        (("secret", "create", "refused", "--template", "openai", "API_KEY=-", *repo), f"{SEALED}-bad"),
        (("secret", "create", "new", "API_KEY=-", *repo), f"{SEALED}-bad"),  # refused: exists
    ]
    _editor(clean, f"{SEALED}-set", f"{SEALED}-edited")
    codes = [clean.run(*args, input=stdin).exit_code for args, stdin in steps]
    assert codes == [0, 0, 0, 0, 0, 0, 0, 2, 1, 1]
    for output in ("text", "json"):
        for args in (("list", *repo), ("show", "openai", *repo), ("show", "new", *repo), ("templates",)):
            assert clean.run("secret", *args, "--format", output).exit_code == 0


def test_secret_commands_without_a_key_show_no_value(clean: Scene) -> None:
    repo = ("-C", str(clean.repo))
    assert clean.run("secret", "set", "openai", "OPENAI_API_KEY=-", *repo, input=SEALED).exit_code != 0
    assert clean.run("secret", "unset", "openai", "OPENAI_API_KEY", *repo).exit_code != 0
    for output in ("text", "json"):
        assert clean.run("secret", "list", "--format", output, *repo).exit_code == 0
        assert clean.run("secret", "show", "hf", "--format", output, *repo).exit_code == 0


def test_init_explain_and_schema_show_no_value(clean: Scene) -> None:
    assert clean.run("init", str(clean.tmp.parent / "fresh")).exit_code == 0
    assert clean.run("explain", "BG301").exit_code == 0
    assert clean.run("schema", "secret").exit_code == 0


# --- an internal error --------------------------------------------------------------------------


def _crash_with_a_value(how: str) -> Callable[[EnvContext], Iterator[Diagnostic]]:
    def check(ctx: EnvContext) -> Iterator[Diagnostic]:
        for spec in ctx.model.secrets.values():
            values = ctx.values(spec)
            if values:
                plaintext = {key: value.reveal() for key, value in values.items()}
                if how == "message":
                    int(next(iter(plaintext.values())))  # ValueError quoting the value
                raise RuntimeError(f"rule bug with {len(plaintext)} plaintext value(s) in a local")
        raise AssertionError("no decrypted value reached the rule")
        yield

    return check


@pytest.mark.parametrize(
    "how",
    ["local", "message"],
)
def test_an_internal_error_shows_the_traceback_but_no_value(
    zoo: Scene, age_key: agekeys.AgeKeyPair, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    from compiler.rules import env_key_conflicts

    monkeypatch.setattr(env_key_conflicts, "check", _crash_with_a_value(how))
    zoo.env.give_key(age_key)
    result = run_cli("validate", "-C", str(zoo.repo), "--decrypt", "always")
    assert result.exit_code == exitcodes.INTERNAL
    assert "Traceback" in result.stderr and "internal error" in result.stderr
    assert ("ValueError" if how == "message" else "rule bug with") in result.stderr
    assert not _leaks((result.stdout + result.stderr).encode()), result.stderr
    zoo.check_disk()
