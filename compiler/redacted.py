"""A decrypted value that refuses to show itself."""

from __future__ import annotations

import hmac

_SEEN: set[str] = set()  # every value decrypted in this process: an internal error's text is scrubbed of them


def scrub(text: str) -> str:
    """`text` with every value this process has decrypted replaced by '***'."""
    for value in sorted(_SEEN, key=len, reverse=True):
        text = text.replace(value, "***")
    return text


class SecretValue:
    """Holds plaintext; `str`, `repr` and formatting all give '***'. Use `.reveal()` on purpose."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if value.strip():
            _SEEN.add(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretValue('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretValue):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("SecretValue", self._value))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("secret values are not serialisable")
