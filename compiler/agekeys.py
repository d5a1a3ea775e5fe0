"""Generate age X25519 key pairs in-process, so `init` and the tests need no `age-keygen`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


@dataclass(frozen=True)
class AgeKeyPair:
    identity: str  # AGE-SECRET-KEY-1..., the private half
    recipient: str  # age1..., the public half

    def __repr__(self) -> str:
        return f"AgeKeyPair(recipient={self.recipient!r}, identity='***')"

    def keys_txt(self, created: str = "") -> str:
        header = f"# created: {created}\n" if created else ""
        return f"{header}# public key: {self.recipient}\n{self.identity}\n"


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GENERATOR):
            chk ^= gen if (top >> i) & 1 else 0
    return chk


def _to_5bit(data: bytes) -> list[int]:
    acc, bits, out = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append((acc >> bits) & 31)
    if bits:
        out.append((acc << (5 - bits)) & 31)
    return out


def bech32_encode(hrp: str, data: bytes) -> str:
    words = _to_5bit(data)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _polymod(expanded + words + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[w] for w in words + checksum)


def recipient_for(raw_private: bytes) -> str:
    """The age recipient (public key) of a 32-byte X25519 private key."""
    # cryptography costs ~25 ms to import: only when a key is really at hand
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    public = X25519PrivateKey.from_private_bytes(raw_private).public_key()
    return bech32_encode(
        "age", public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def generate() -> AgeKeyPair:
    raw_private = secrets.token_bytes(32)
    return AgeKeyPair(
        identity=bech32_encode("age-secret-key-", raw_private).upper(),
        recipient=recipient_for(raw_private),
    )
