"""The rule catalogue: one module per finding, registered here in one literal dict.

A module's docstring is what `bento-gitops explain CODE` prints. Modules with a `check`
function run on the compiled model; the others document findings that a loading stage reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Protocol

from compiler.diagnostics import Diagnostic, Severity
from compiler.rules import (
    bad_sub_path,
    dns_names,
    duplicate_attachment,
    duplicate_deployment_names,
    duplicate_keys,
    duplicate_secret_names,
    encrypted_outside_data,
    env_key_conflicts,
    env_key_equal,
    env_key_in_envs,
    env_key_unverified,
    env_var_names,
    file_key_name,
    file_path_collisions,
    file_shape,
    mac_mismatch,
    mount_outside_home,
    no_key,
    not_encrypted,
    orphan_overlays,
    paths_on_env_secret,
    plaintext_value,
    recipient_drift,
    render_no_cluster,
    schema_deployment,
    schema_overlay,
    schema_project,
    schema_secret,
    sops_config_invalid,
    sops_failed,
    sub_path_unknown_key,
    tampered_ciphertext,
    template_keys,
    template_runtime,
    template_syntax,
    template_undefined,
    unencrypted_by_rule,
    unknown_secret,
    unsafe_construct,
    unused_secret,
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
    "BG301": env_key_conflicts,
    "BG302": env_key_equal,
    "BG303": env_key_unverified,
    "BG304": env_key_in_envs,
    "BG305": file_path_collisions,
    "BG306": duplicate_attachment,
    "BG401": mount_outside_home,
    "BG402": bad_sub_path,
    "BG403": paths_on_env_secret,
    "BG404": file_key_name,
    "BG405": sub_path_unknown_key,
    "BG501": unknown_secret,
    "BG502": duplicate_secret_names,
    "BG503": duplicate_deployment_names,
    "BG504": unused_secret,
    "BG505": dns_names,
    "BG506": env_var_names,
    "BG507": template_keys,
    "BG508": orphan_overlays,
    "BG509": render_no_cluster,
    "BG601": template_syntax,
    "BG602": template_undefined,
    "BG603": template_runtime,
}


def checks(scope: str) -> list[ModuleType]:
    """Rule modules that run on the model, in code order: scope "repo" or "environment"."""
    return [m for _, m in sorted(RULES.items()) if getattr(m, "SCOPE", None) == scope]


def default_severity(code: str) -> Severity:
    rule = RULES.get(code)
    return rule.DEFAULT if rule is not None else Severity.ERROR


def rated(d: Diagnostic, overrides: Mapping[str, str]) -> Diagnostic | None:
    """`d` as the project's `rules:` rate it: another severity, or None when turned off."""
    setting = overrides.get(d.code)
    if setting == "off":
        return None
    if setting in ("error", "warning"):
        return d.with_severity(Severity(setting))
    return d


def documentation(code: str) -> str | None:
    rule = RULES.get(code.upper())
    if rule is None or not rule.__doc__:
        return None
    return f"{rule.CODE}: {rule.TITLE} (default: {rule.DEFAULT.value})\n\n{rule.__doc__.strip()}\n"
