"""Match `.sops.yaml` path_regex as sops does: Go's RE2 syntax, not Python's.

The `regex` package understands what RE2 adds over `re` (`\\p{L}`, `[[:alpha:]]`); what
Python accepts but RE2 refuses (look-around, back references) is refused here too, so the
tool never matches a file that sops itself would not.
"""

from __future__ import annotations

from typing import Any

_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")


class NotRE2(ValueError):
    pass


def _scan(pattern: str) -> str:
    """Refuse RE2-incompatible constructs; translate `\\z` (end of text) to Python's `\\Z`."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt.isdigit() and nxt != "0":
                raise NotRE2(f"back reference \\{nxt} is not supported by sops (Go RE2 syntax)")
            if nxt == "Z":
                raise NotRE2("\\Z is not supported by sops (Go RE2 syntax); use \\z or $")
            out.append("\\Z" if nxt == "z" else pattern[i : i + 2])
            i += 2
            continue
        if pattern.startswith(_LOOKAROUND, i):
            raise NotRE2("look-around assertions like (?=...) are not supported by sops (Go RE2 syntax)")
        out.append(char)
        i += 1
    return "".join(out)


def compile_re2(pattern: str) -> Any:
    """A compiled pattern with `.search`, or NotRE2 with the reason."""
    import regex  # ~20 ms: only once a pattern must really be compiled

    try:
        return regex.compile(_scan(pattern), regex.VERSION0)
    except regex.error as err:
        raise NotRE2(f"does not compile: {err}") from None
