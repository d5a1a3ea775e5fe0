"""The repo's files against `.sops.yaml` (BG204, BG205), reusing the last run's answers.

Under an unchanged `.sops.yaml` (and tool), its rules and problems are as they were, which
creation rule a path falls under can't change, and a secret file with unchanged bytes drifts
from its rule's recipients as it did: a run over a large repo reads `.sops.yaml` again only when
it changed, matches paths only for new ones (the regex engine isn't even imported otherwise),
and compares recipients only for changed secret files. Only digests of files whose content may
be cached are kept (never a plaintext secret's).
"""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from compiler.checkfile import LoadedFile
from compiler.diagnostics import Diagnostic, flatten, unflatten
from compiler.discover import SOPS_CONFIG, Kind
from compiler.document import Document
from compiler.encryption import recipient_drift, unencrypted_by_rule
from compiler.sopsconfig import CreationRule, SopsConfig
from compiler.tree import Tree

FORMAT = 1
NO_RULE = -1


@dataclass
class Answers:
    """For one `.sops.yaml`: each path's creation rule, and each secret file's drift findings."""

    config: str = ""  # digest of the .sops.yaml (and tool) the answers hold for
    rules: dict[str, int] = field(default_factory=dict)
    drift: dict[str, tuple[str, list[tuple[Any, ...]]]] = field(default_factory=dict)  # path: digest, found
    snapshot: tuple[Any, ...] | None = None  # the loaded .sops.yaml and its problems

    @classmethod
    def parse(cls, blob: bytes | None, config: str) -> Answers:
        try:
            version, digest, rules, drift, taken = marshal.loads(blob or b"")
        except (ValueError, EOFError, TypeError):
            return cls(config)
        if version != FORMAT or digest != config or not (isinstance(rules, dict) and isinstance(drift, dict)):
            return cls(config)
        return cls(config, rules, drift, taken if isinstance(taken, tuple) and len(taken) == 3 else None)

    def dump(self) -> bytes:
        rules, drift = dict(sorted(self.rules.items())), dict(sorted(self.drift.items()))
        return marshal.dumps((FORMAT, self.config, rules, drift, self.snapshot))


def snapshot(config: SopsConfig | None, problems: list[Diagnostic]) -> tuple[Any, ...]:
    """The loaded `.sops.yaml` as plain data, for `restore` in a later run."""
    if config is None:
        return (None, flatten(problems), None)
    rules = tuple((r.index, r.source, tuple(sorted(r.recipients)), r.line, r.column) for r in config.rules)
    document = config.document.pack() if config.document is not None else None
    return (rules, flatten(problems), document)


def restore(taken: tuple[Any, ...]) -> tuple[SopsConfig | None, list[Diagnostic]]:
    rules, problems, document = taken
    if rules is None:
        return None, unflatten(problems)
    doc = Document.packed(SOPS_CONFIG, *document) if document is not None else None
    kept = tuple(CreationRule(i, source, frozenset(ids), line, col) for i, source, ids, line, col in rules)
    return SopsConfig(kept, doc), unflatten(problems)


def _rule_index(config: SopsConfig, path: str) -> int:
    rule = config.rule_for(path)
    return rule.index if rule is not None else NO_RULE


def sops_findings(
    tree: Tree, files: Sequence[LoadedFile], config: SopsConfig, earlier: Answers, digests: dict[str, str]
) -> tuple[list[Diagnostic], Answers]:
    """BG205 for secret files and BG204 for the tree's other files; `digests`: the digest of each
    file whose content may be kept. Returns the findings and the answers to keep."""
    answers = Answers(earlier.config)
    answers.rules = {
        p: earlier.rules[p] if p in earlier.rules else _rule_index(config, p) for p in tree.files()
    }
    config.known.update(answers.rules)
    found: list[Diagnostic] = []
    for secret in files:
        if secret.source.kind is not Kind.SECRET or secret.document is None:
            continue
        digest = digests.get(secret.path)
        known = earlier.drift.get(secret.path)
        if digest is not None and known is not None and known[0] == digest:
            drift = unflatten(known[1])
        else:
            drift = recipient_drift(secret.document, config)
        if digest is not None:
            answers.drift[secret.path] = (digest, flatten(drift))
        found += drift
    skip = {f.path for f in files if f.source.kind is Kind.SECRET}
    return found + unencrypted_by_rule(tree, config, skip), answers
