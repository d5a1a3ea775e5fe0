"""Which decryption keys this machine offers, found without calling sops."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from compiler.agekeys import recipient_for
from compiler.document import Document
from compiler.sopsconfig import file_recipients

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


@dataclass(frozen=True)
class KeySources:
    """Recipients of the age identities found, and whether other sources may hold more."""

    age_recipients: frozenset[str]
    opaque_sources: tuple[str, ...]  # key commands, ssh keys: usable, but unknown until tried
    described: tuple[str, ...]  # one line per source, for error messages

    def any(self) -> bool:
        """Some key source exists (which files it opens is another question)."""
        return bool(self.age_recipients or self.opaque_sources)

    def may_decrypt(self, recipients: frozenset[str]) -> bool:
        age = {r.removeprefix("age:") for r in recipients if r.startswith("age:")}
        if age & self.age_recipients:
            return True
        if any(not r.startswith("age:") for r in recipients):
            return True  # pgp / cloud KMS: only sops can tell
        return bool(age) and bool(self.opaque_sources)


def _bech32_data(text: str) -> bytes | None:
    text = text.strip().lower()
    if "1" not in text:
        return None
    words = [_CHARSET.find(c) for c in text.rsplit("1", 1)[1][:-6]]
    if any(w < 0 for w in words):
        return None
    acc, bits, out = 0, 0, bytearray()
    for word in words:
        acc = (acc << 5) | word
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    return bytes(out)


def recipient_of(identity: str) -> str | None:
    raw = _bech32_data(identity)
    if raw is None or len(raw) != 32:
        return None
    return recipient_for(raw)


def _identities(text: str) -> set[str]:
    found = set()
    for word in text.split():
        if word.upper().startswith("AGE-SECRET-KEY-1") and (recipient := recipient_of(word)):
            found.add(recipient)
    return found


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def default_keys_file(environ: Mapping[str, str], platform: str = sys.platform) -> Path:
    """Where sops reads age identities by default (getsops.io, "age" identities)."""
    if config := environ.get("XDG_CONFIG_HOME"):
        return Path(config) / "sops" / "age" / "keys.txt"
    home = Path(environ.get("HOME") or Path.home())
    if platform == "darwin":
        return home / "Library" / "Application Support" / "sops" / "age" / "keys.txt"
    if platform == "win32" and environ.get("APPDATA"):
        return Path(environ["APPDATA"]) / "sops" / "age" / "keys.txt"
    return home / ".config" / "sops" / "age" / "keys.txt"


def find_key_sources(environ: Mapping[str, str] | None = None) -> KeySources:
    env = os.environ if environ is None else environ
    recipients: set[str] = set()
    described: list[str] = []
    if inline := env.get("SOPS_AGE_KEY"):
        recipients |= _identities(inline)
        described.append("SOPS_AGE_KEY is set")
    else:
        described.append("SOPS_AGE_KEY is not set")
    if key_file := env.get("SOPS_AGE_KEY_FILE"):
        exists = Path(key_file).is_file()
        recipients |= _identities(_read(Path(key_file)))
        described.append(f"SOPS_AGE_KEY_FILE={key_file}" + ("" if exists else " (no such file)"))
    else:
        described.append("SOPS_AGE_KEY_FILE is not set")
    default = default_keys_file(env)
    if default.is_file():
        recipients |= _identities(_read(default))
        described.append(f"{default} exists")
    else:
        described.append(f"{default} does not exist")
    home = Path(env.get("HOME", "~")).expanduser()
    opaque = [
        name
        for name in ("SOPS_AGE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_FILE", "SOPS_AGE_SSH_PRIVATE_KEY_CMD")
        if env.get(name)
    ]
    opaque += [str(p) for p in (home / ".ssh" / "id_ed25519", home / ".ssh" / "id_rsa") if p.is_file()]
    described += [f"{o} may hold a key" for o in opaque]
    return KeySources(frozenset(recipients), tuple(opaque), tuple(described))


def describe_keys(doc: Document, keys: KeySources) -> str:
    """For a "no key" message: whom the file is encrypted for, and which key sources were looked at."""
    sops = doc.data.get("sops")
    recipients = sorted(file_recipients(sops)) if isinstance(sops, dict) else []
    encrypted_for = ", ".join(recipients) or "no known recipients"
    return f"it is encrypted for {encrypted_for}; key sources: {'; '.join(keys.described)}"
