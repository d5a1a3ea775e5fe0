"""The secrets fingerprint on a pod template: moves when a value changes, never when only the
ciphertext does, and can't be reversed into a weak value offline (DESIGN 4)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

from compiler.redacted import SecretValue

KEY_VARIABLE = "BENTO_GITOPS_FINGERPRINT_KEY"
REDACTED = "redacted"


def fingerprint(
    secrets: Mapping[str, Mapping[str, SecretValue]] | None, key: str | None, plain_ok: bool
) -> str:
    """HMAC-SHA256 keyed by `key`; plain SHA-256 only when the values are in the output anyway."""
    if secrets is None or (not key and not plain_ok):
        return REDACTED
    canonical = json.dumps(
        [
            [name, item, secrets[name][item].reveal()]
            for name in sorted(secrets)
            for item in sorted(secrets[name])
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    if key:
        return "hmac-sha256:" + hmac.new(key.encode(), canonical, hashlib.sha256).hexdigest()
    return "sha256:" + hashlib.sha256(canonical).hexdigest()
