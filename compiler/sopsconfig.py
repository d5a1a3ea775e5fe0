"""`.sops.yaml` creation rules: which files must be encrypted, and for whom."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler.diagnostics import Diagnostic, Severity
from compiler.discover import SOPS_CONFIG
from compiler.document import Document
from compiler.tree import Tree, WorkTree

Recipients = frozenset[str]


@functools.cache
def _compiled(source: str) -> Any:
    from compiler.goregex import compile_re2  # the regex engine (~20 ms): only when a path is matched

    return compile_re2(source)


@dataclass(frozen=True)
class CreationRule:
    index: int
    source: str | None  # path_regex (RE2 syntax, known to compile); None: the rule matches every path
    recipients: Recipients
    line: int
    column: int

    def matches(self, path: str) -> bool:
        return self.source is None or _compiled(self.source).search(path) is not None


@dataclass(frozen=True)
class SopsConfig:
    rules: tuple[CreationRule, ...]
    document: Document | None = None
    # the index of the rule each path falls under (-1: none), as an earlier run worked out
    known: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def rule_for(self, path: str) -> CreationRule | None:
        """First rule that matches, as sops picks it."""
        index = self.known.get(path)
        if index is not None:
            return next((r for r in self.rules if r.index == index), None)
        return next((r for r in self.rules if r.matches(path)), None)


def _split(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def _azure(url: str) -> str:
    return url.rstrip("/")


def _ids(value: Any, key: str) -> list[str]:
    """Key ids given as a comma list, a list of strings, or a list of mappings (key groups)."""
    if isinstance(value, list):
        return [str(v.get(key)) if isinstance(v, dict) else str(v) for v in value if v]
    return _split(value)


def rule_recipients(rule: dict[str, Any]) -> Recipients:
    """Recipients of a creation rule, as `type:id` strings comparable to a file's metadata."""
    found: set[str] = set()
    groups = rule.get("key_groups")
    sources = groups if isinstance(groups, list) else [rule]
    for group in sources:
        if not isinstance(group, dict):
            continue
        found |= {f"age:{r}" for r in _split(group.get("age"))}
        found |= {f"pgp:{r.upper().replace(' ', '')}" for r in _split(group.get("pgp"))}
        found |= {f"kms:{k}" for k in _ids(group.get("kms"), "arn")}
        found |= {f"gcp_kms:{k}" for k in _ids(group.get("gcp_kms"), "resource_id")}
        found |= {f"azure_kv:{_azure(r)}" for r in _split(group.get("azure_keyvault"))}
        found |= {
            f"hc_vault:{r.rstrip('/')}"
            for r in _split(group.get("hc_vault_transit_uri") or group.get("hc_vault"))
        }
    return frozenset(found)


def file_recipients(sops: dict[str, Any]) -> Recipients:
    """Recipients recorded in an encrypted file's `sops` metadata."""
    found: set[str] = set()
    groups = sops.get("key_groups")
    for group in groups if isinstance(groups, list) else [sops]:
        if not isinstance(group, dict):
            continue
        found |= {f"age:{k.get('recipient')}" for k in group.get("age") or [] if isinstance(k, dict)}
        found |= {
            f"pgp:{str(k.get('fp', '')).upper()}" for k in group.get("pgp") or [] if isinstance(k, dict)
        }
        found |= {f"kms:{k.get('arn')}" for k in group.get("kms") or [] if isinstance(k, dict)}
        found |= {
            f"gcp_kms:{k.get('resource_id')}" for k in group.get("gcp_kms") or [] if isinstance(k, dict)
        }
        for k in group.get("azure_kv") or []:
            if isinstance(k, dict):
                url = "{}/keys/{}/{}".format(k.get("vault_url"), k.get("name"), k.get("version"))
                found.add(f"azure_kv:{_azure(url)}")
        for k in group.get("hc_vault") or []:
            if isinstance(k, dict):
                uri = f"{k.get('vault_address')}/v1/{k.get('engine_path')}/keys/{k.get('key_name')}"
                found.add(f"hc_vault:{uri}")
    return frozenset(found)


def _problem(doc: Document, pointer: str, message: str) -> Diagnostic:
    line, column = doc.position(pointer)
    return Diagnostic(doc.path, line, column, "BG209", Severity.ERROR, message, pointer)


def _rules(doc: Document) -> tuple[list[CreationRule], list[Diagnostic]]:
    raw = doc.data.get("creation_rules")
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [_problem(doc, "/creation_rules", "creation_rules must be a list of rules")]
    from compiler.goregex import NotRE2

    rules: list[CreationRule] = []
    problems: list[Diagnostic] = []
    for index, rule in enumerate(raw):
        pointer = f"/creation_rules/{index}"
        if not isinstance(rule, dict):
            problems.append(_problem(doc, pointer, "a creation rule must be a mapping"))
            continue
        regex = rule.get("path_regex")
        source = str(regex) if regex is not None else None
        try:
            if source is not None:
                _compiled(source)
        except NotRE2 as err:
            problems.append(_problem(doc, f"{pointer}/path_regex", f"path_regex {err}"))
            continue
        line, column = doc.position(pointer)
        rules.append(CreationRule(index, source, rule_recipients(rule), line, column))
    return rules, problems


def load_sops_config(source: Path | Tree) -> tuple[SopsConfig | None, list[Diagnostic]]:
    tree = WorkTree(source) if isinstance(source, Path) else source
    if SOPS_CONFIG in tree.escapes():
        message = ".sops.yaml is a link leading outside the repo; refused and not read"
        return None, [Diagnostic(SOPS_CONFIG, 1, 1, "BG004", Severity.ERROR, message)]
    if SOPS_CONFIG not in tree.files():
        return None, []
    try:
        raw = tree.read(SOPS_CONFIG)
    except OSError as err:
        message = f"cannot read .sops.yaml: {err.strerror or err}"
        return None, [Diagnostic(SOPS_CONFIG, 1, 1, "BG004", Severity.ERROR, message)]
    from compiler.load import load_bytes

    result = load_bytes(SOPS_CONFIG, raw)
    if result.document is None:
        return None, result.diagnostics
    rules, problems = _rules(result.document)
    return SopsConfig(tuple(rules), result.document), result.diagnostics + problems
