"""Encryption checks that need no key: BG201-BG205, from each file's own structure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from compiler import pointers
from compiler.diagnostics import Diagnostic, Related, Severity
from compiler.document import Document
from compiler.sopsconfig import SopsConfig, file_recipients
from compiler.tree import Tree

ENCRYPTED_VALUE = re.compile(r"^ENC\[AES256_GCM,data:[^,\]]*,iv:[^,\]]+,tag:[^,\]]+,type:(\w+)\]$")
_MARKERS = {  # how a sops-encrypted file of each type shows itself (Flux's markers)
    ".yaml": re.compile(rb"(?m)^sops:\s*$.*?^\s+mac: ENC\[", re.S),
    ".yml": re.compile(rb"(?m)^sops:\s*$.*?^\s+mac: ENC\[", re.S),
    ".json": re.compile(rb'"mac":\s*"ENC\['),
    ".env": re.compile(rb"(?m)^sops_mac=ENC\["),
    ".ini": re.compile(rb"(?m)^\[sops\]"),
}
_BINARY_MARKER = re.compile(rb'"mac":\s*"ENC\[')


def _diag(
    doc: Document,
    code: str,
    pointer: str,
    message: str,
    *,
    key: bool = False,
    severity: Severity = Severity.ERROR,
) -> Diagnostic:
    line, column = doc.key_position(pointer) if key else doc.position(pointer)
    return Diagnostic(doc.path, line, column, code, severity, message, pointer)


def is_encrypted(data: dict[str, Any]) -> bool:
    """As `sops filestatus` decides: metadata with a version and a MAC."""
    sops = data.get("sops")
    return isinstance(sops, dict) and bool(sops.get("mac")) and bool(sops.get("version"))


def _data_values(doc: Document) -> Iterator[Diagnostic]:
    data = doc.data.get("data")
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        pointer = pointers.join("/data", key)
        match = ENCRYPTED_VALUE.match(value) if isinstance(value, str) else None
        if match is None:
            message = (
                f"value of '{key}' is plaintext in an encrypted file; re-encrypt it "
                f"(`sops encrypt -i {doc.path}` after `sops decrypt -i`, or `bento-gitops "
                "secret set`) and rotate the exposed value"
            )
            yield _diag(doc, "BG202", pointer, message)
        elif match.group(1) != "str":
            yield _diag(
                doc,
                "BG202",
                pointer,
                f"value of '{key}' is encrypted as {match.group(1)}, not str; quote it before encrypting",
            )


def _encrypted_outside_data(doc: Document, value: Any, pointer: str) -> Iterator[Diagnostic]:
    if pointer in ("/data", "/sops"):
        return
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _encrypted_outside_data(doc, child, pointers.join(pointer, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _encrypted_outside_data(doc, child, pointers.join(pointer, index))
    elif isinstance(value, str) and value.startswith("ENC[AES256_GCM,"):
        yield _diag(
            doc,
            "BG203",
            pointer,
            f"'{pointer}' is encrypted, so it can't be checked without keys; "
            "set `encrypted_regex: ^data$` in .sops.yaml and re-encrypt",
        )


def secret_encryption(doc: Document) -> list[Diagnostic]:
    """BG201-BG203 for one schema-checked secret file."""
    if not is_encrypted(doc.data):
        pointer = "/data" if "data" in doc.data else ""
        return [
            _diag(
                doc,
                "BG201",
                pointer,
                "secret is not encrypted: its values are committed in plaintext; encrypt it "
                f"(`sops encrypt -i {doc.path}`) and rotate every value it held",
                key=True,
            )
        ]
    return [*_data_values(doc), *_encrypted_outside_data(doc, doc.data, "")]


def recipient_drift(doc: Document, config: SopsConfig) -> list[Diagnostic]:
    """BG205: the file is encrypted for other recipients than its creation rule names."""
    sops = doc.data.get("sops")
    if not is_encrypted(doc.data) or not isinstance(sops, dict) or config.document is None:
        return []
    rule = config.rule_for(doc.path)
    if rule is None:
        return [
            _diag(
                doc,
                "BG205",
                "/sops",
                f"no creation rule in .sops.yaml matches {doc.path}; add one so the file can be re-encrypted",
                key=True,
                severity=Severity.WARNING,
            )
        ]
    have = file_recipients(sops)
    if have == rule.recipients or not rule.recipients:
        return []
    parts = []
    if missing := sorted(rule.recipients - have):
        parts.append(f"missing {', '.join(missing)}")
    if extra := sorted(have - rule.recipients):
        parts.append(f"not in the rule: {', '.join(extra)}")
    related = (Related(config.document.path, rule.line, rule.column, f"creation rule {rule.index}"),)
    message = (
        f"recipients differ from .sops.yaml creation rule {rule.index} ({'; '.join(parts)}); "
        f"run `sops updatekeys {doc.path}`"
    )
    line, column = doc.key_position("/sops")
    return [Diagnostic(doc.path, line, column, "BG205", Severity.WARNING, message, "/sops", related)]


def _looks_encrypted(tree: Tree, path: str) -> bool:
    try:
        head = tree.read(path)[: 4 * 1024 * 1024]
    except OSError:
        return False
    name = path.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return (_MARKERS.get(suffix) or _BINARY_MARKER).search(head) is not None


def unencrypted_by_rule(tree: Tree, config: SopsConfig, skip: set[str]) -> list[Diagnostic]:
    """BG204: files `.sops.yaml` says must be encrypted that are not (secret files aside)."""
    found = []
    for path in tree.files():
        rule = config.rule_for(path)
        if path in skip or path == ".sops.yaml" or rule is None or rule.source is None:
            continue
        if _looks_encrypted(tree, path):
            continue
        related: tuple[Related, ...] = ()
        if config.document is not None:
            related = (Related(config.document.path, rule.line, rule.column, f"creation rule {rule.index}"),)
        message = (
            f"{path} matches .sops.yaml creation rule {rule.index} but is not encrypted; "
            f"run `sops encrypt -i {path}`"
        )
        found.append(Diagnostic(path, 1, 1, "BG204", Severity.ERROR, message, "", related))
    return found
