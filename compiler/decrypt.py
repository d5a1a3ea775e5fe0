"""Decrypt secrets on demand, each file at most once per run, in parallel."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compiler.diagnostics import Diagnostic, Severity
from compiler.document import Document
from compiler.encryption import is_encrypted
from compiler.keys import KeySources, describe_keys, find_key_sources
from compiler.modes import DecryptMode as DecryptMode  # re-exported for callers
from compiler.redacted import SecretValue
from compiler.sops import Decrypted, Failure, Outcome, SopsMissing, SopsRunner, find_binary
from compiler.sopsconfig import file_recipients


def _complete(doc: Document, outcome: Outcome) -> Outcome:
    """sops' answer must hold exactly the file's keys; anything else is sops misbehaving."""
    data = doc.data.get("data")
    expected = set(data) if isinstance(data, dict) else set()
    if not isinstance(outcome, Decrypted) or set(outcome.values) == expected:
        return outcome
    missing = sorted(expected - set(outcome.values))
    extra = sorted(set(outcome.values) - expected)
    parts = [f"missing {', '.join(missing)}"] if missing else []
    parts += [f"unexpected {', '.join(extra)}"] if extra else []
    message = f"sops output for {doc.path} does not match the file's keys ({'; '.join(parts)})"
    return Failure("BG210", message, fatal=True)


@dataclass
class Decryptor:
    """Holds the outcome of every decryption of this run; creates the sops runner only when used."""

    root: Path
    mode: DecryptMode
    sops: str | None = None
    keys: KeySources = field(default_factory=find_key_sources)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    _runner: SopsRunner | None = None

    def can_try(self, doc: Document) -> bool:
        """Worth calling sops for: encrypted, and a key that may open it is here (or we must try)."""
        if self.mode is DecryptMode.NEVER or not is_encrypted(doc.data):
            return False
        sops = doc.data.get("sops")
        recipients = file_recipients(sops) if isinstance(sops, dict) else frozenset()
        return self.mode is DecryptMode.ALWAYS or self.keys.may_decrypt(recipients)

    def runner(self) -> SopsRunner:
        if self._runner is None:
            self._runner = SopsRunner(find_binary(self.sops), self.root)
        return self._runner

    def decrypt(self, docs: list[tuple[Document, bytes]]) -> None:
        """Decrypt what is not yet decrypted; outcomes, failures included, are kept."""
        todo = [(d, raw) for d, raw in docs if d.path not in self.outcomes]
        if not todo:
            return
        try:
            runner = self.runner()
        except SopsMissing as err:
            for doc, _ in todo:
                self.outcomes[doc.path] = Failure("BG210", str(err), fatal=self.mode is DecryptMode.ALWAYS)
            return
        jobs = [(d.path, raw, describe_keys(d, self.keys)) for d, raw in todo]
        outcomes = runner.decrypt_many(jobs)
        for doc, _ in todo:
            outcomes[doc.path] = _complete(doc, outcomes[doc.path])
        self.outcomes.update(outcomes)

    def values(self, path: str) -> dict[str, SecretValue] | None:
        outcome = self.outcomes.get(path)
        return outcome.values if isinstance(outcome, Decrypted) else None

    def failures(self, docs: dict[str, Document]) -> list[Diagnostic]:
        """One diagnostic per failed decryption, placed on the part of the file at fault."""
        found = []
        for path, outcome in sorted(self.outcomes.items()):
            if not isinstance(outcome, Failure) or path not in docs:
                continue
            doc = docs[path]
            pointer = "/data" if outcome.code == "BG208" else "/sops"
            line, column = doc.key_position(pointer)
            soft = outcome.code == "BG206" or (outcome.code == "BG210" and not outcome.fatal)
            severity = Severity.WARNING if soft and self.mode is DecryptMode.AUTO else Severity.ERROR
            found.append(Diagnostic(path, line, column, outcome.code, severity, outcome.message, pointer))
        return found

    @property
    def fatal(self) -> bool:
        fatal = any(isinstance(o, Failure) and o.fatal for o in self.outcomes.values())
        no_key = any(isinstance(o, Failure) and o.code == "BG206" for o in self.outcomes.values())
        return fatal or (self.mode is DecryptMode.ALWAYS and no_key)
