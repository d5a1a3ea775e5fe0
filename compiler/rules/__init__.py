"""The rule catalogue: one module per finding, registered here in one literal dict.

A module's docstring is what `bento-gitops explain CODE` prints. Modules with a `check`
function run on the compiled model; the others document findings that a loading stage reports.
"""

from __future__ import annotations

from types import ModuleType
from typing import Protocol

from compiler.diagnostics import Severity
from compiler.rules import (
    duplicate_keys,
    encrypted_outside_data,
    file_shape,
    mac_mismatch,
    no_key,
    not_encrypted,
    plaintext_value,
    recipient_drift,
    schema_deployment,
    schema_overlay,
    schema_project,
    schema_secret,
    sops_config_invalid,
    sops_failed,
    tampered_ciphertext,
    unencrypted_by_rule,
    unsafe_construct,
    yaml_syntax,
)


class Rule(Protocol):
    CODE: str
    TITLE: str
    DEFAULT: Severity


RULES: dict[str, ModuleType] = {
    "BG001": yaml_syntax,
    "BG002": duplicate_keys,
    "BG003": unsafe_construct,
    "BG004": file_shape,
    "BG101": schema_deployment,
    "BG102": schema_secret,
    "BG103": schema_project,
    "BG104": schema_overlay,
    "BG201": not_encrypted,
    "BG202": plaintext_value,
    "BG203": encrypted_outside_data,
    "BG204": unencrypted_by_rule,
    "BG205": recipient_drift,
    "BG206": no_key,
    "BG207": mac_mismatch,
    "BG208": tampered_ciphertext,
    "BG209": sops_config_invalid,
    "BG210": sops_failed,
}


def default_severity(code: str) -> Severity:
    rule = RULES.get(code)
    return rule.DEFAULT if rule is not None else Severity.ERROR


def documentation(code: str) -> str | None:
    rule = RULES.get(code.upper())
    if rule is None or not rule.__doc__:
        return None
    return f"{rule.CODE}: {rule.TITLE} (default: {rule.DEFAULT.value})\n\n{rule.__doc__.strip()}\n"
