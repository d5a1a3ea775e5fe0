"""Small enums the command line needs, kept apart so that parsing options imports nothing heavy."""

from __future__ import annotations

from enum import Enum


class DecryptMode(str, Enum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class SecretsMode(str, Enum):
    VALUES = "values"
    REDACTED = "redacted"
    NONE = "none"
