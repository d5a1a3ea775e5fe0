"""Text from the repo made safe to print: one finding stays one line.

File names and keys come from pull requests. A newline in one could forge a line of output (a
GitHub workflow command, a fake finding); a name that is not UTF-8 could not be printed at all.
"""

from __future__ import annotations

import re
from dataclasses import replace

from compiler.diagnostics import Diagnostic, Related

_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def printable(text: str) -> str:
    """Control characters as `\\xNN`, undecodable bytes of a file name as `\\xNN`."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _related(r: Related) -> Related:
    return replace(r, file=printable(r.file), message=printable(r.message))


def printable_diagnostic(d: Diagnostic) -> Diagnostic:
    return replace(
        d,
        file=printable(d.file),
        message=printable(d.message),
        pointer=printable(d.pointer),
        related=tuple(_related(r) for r in d.related),
    )
