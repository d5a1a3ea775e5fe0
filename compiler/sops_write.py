"""Change encrypted files through sops: decrypt for comparison, `set`, `unset`, `edit`.

Values travel to sops on stdin only (`set --value-stdin`), never in arguments; the files sops
rewrites hold ciphertext only. sops runs in the repo's root with its `.sops.yaml` given
explicitly (`--config` before the subcommand), whatever the caller's working directory.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from compiler.discover import SOPS_CONFIG
from compiler.document import Document
from compiler.errors import EnvironmentProblem, UsageError
from compiler.keys import KeySources, describe_keys
from compiler.redacted import SecretValue
from compiler.secret_files import Refused
from compiler.sops import NO_KEY, Decrypted, SopsMissing, SopsRunner, clean_stderr, find_binary

SAFE_INDEX = re.compile(r"[-._a-zA-Z0-9]{1,253}")
FILE_NOT_CHANGED = 200
NO_EDITOR = 201


def runner_for(root: Path, sops: str | None) -> SopsRunner:
    try:
        return SopsRunner(find_binary(sops), root)
    except SopsMissing as err:
        raise EnvironmentProblem(str(err)) from None


def config_for(root: Path) -> str:
    """The repo's `.sops.yaml`; none: no config at all (sops must not search from elsewhere)."""
    config = root / SOPS_CONFIG
    return str(config) if config.is_file() else os.devnull


def decrypt(runner: SopsRunner, doc: Document, raw: bytes, keys: KeySources) -> dict[str, SecretValue]:
    """The values of one file; no key is exit 3, a damaged file a refusal."""
    outcome = runner.decrypt(doc.path, raw, describe_keys(doc, keys))
    if isinstance(outcome, Decrypted):
        return outcome.values
    if outcome.code == "BG206":
        raise EnvironmentProblem(f"{outcome.message}; changing a secret needs a key that can decrypt it")
    if outcome.fatal:
        raise EnvironmentProblem(outcome.message)
    raise Refused(f"{doc.path} can't be changed: {outcome.code} {outcome.message}")


def index(*path: str) -> str:
    """A sops tree index such as `["data"]["KEY"]`; only names sops' index syntax can't misread."""
    for part in path:
        if not SAFE_INDEX.fullmatch(part):
            raise UsageError(
                f"key {part!r} can't be changed through sops: use letters, digits, '-', '_', '.'"
            )
    return "".join(f'["{part}"]' for part in path)


def _checked(proc: subprocess.CompletedProcess[bytes], what: str, doc: Document, keys: KeySources) -> None:
    if proc.returncode == 0:
        return
    if proc.returncode == NO_KEY:
        raise EnvironmentProblem(f"no available key can decrypt {doc.path}; {describe_keys(doc, keys)}")
    detail = clean_stderr(proc.stderr.decode("utf-8", "replace"))
    raise EnvironmentProblem(f"sops could not {what} (exit {proc.returncode}): {detail}")


def _run(
    runner: SopsRunner, args: list[str], stdin: bytes | None, what: str
) -> subprocess.CompletedProcess[bytes]:
    try:
        return runner.run(args, stdin)
    except subprocess.TimeoutExpired:
        raise EnvironmentProblem(f"sops did not {what} within {runner.timeout:g}s") from None
    except OSError as err:
        raise EnvironmentProblem(f"could not run sops ({runner.binary}): {err.strerror}") from None


def set_value(
    runner: SopsRunner, file: Path, key: str, value: SecretValue, doc: Document, keys: KeySources
) -> None:
    """`sops set` one data key of an encrypted file in place; the value goes through stdin."""
    args = ["--config", config_for(runner.cwd), "set", "--input-type", "yaml", "--output-type", "yaml"]
    args += ["--value-stdin", "--idempotent", str(file), index("data", key)]
    what = f"set {key} in {doc.path}"
    _checked(_run(runner, args, json.dumps(value.reveal()).encode("utf-8"), what), what, doc, keys)


def unset(runner: SopsRunner, file: Path, path: tuple[str, ...], doc: Document, keys: KeySources) -> None:
    """`sops unset` one node (e.g. `data`/KEY) of an encrypted file in place."""
    args = ["--config", config_for(runner.cwd), "unset", "--input-type", "yaml", "--output-type", "yaml"]
    args += [str(file), index(*path)]
    what = f"unset {'/'.join(path)} in {doc.path}"
    _checked(_run(runner, args, None, what), what, doc, keys)


def edit(runner: SopsRunner, doc: Document, keys: KeySources) -> bool:
    """`sops edit` with the terminal inherited; True when the file changed."""
    args = [runner.binary, "--config", config_for(runner.cwd), "edit", doc.path]
    try:
        proc = subprocess.run(args, cwd=runner.cwd, env=runner.env, check=False)
    except OSError as err:
        raise EnvironmentProblem(f"could not run sops ({runner.binary}): {err.strerror}") from None
    if proc.returncode == FILE_NOT_CHANGED:
        return False
    if proc.returncode == NO_EDITOR:
        raise EnvironmentProblem("sops found no editor: set EDITOR (or SOPS_EDITOR)")
    if proc.returncode == NO_KEY:
        raise EnvironmentProblem(f"no available key can decrypt {doc.path}; {describe_keys(doc, keys)}")
    if proc.returncode != 0:
        raise EnvironmentProblem(f"sops edit failed on {doc.path} (exit {proc.returncode})")
    return True
