"""Create and change secret files: validated before anything is written, plaintext never on disk.

`create` encrypts a new document from stdin through the repo's `.sops.yaml` and writes the
ciphertext as a new file. `set`, `unset` and `edit` change a file through sops, keeping its
recipients and plaintext fields, and say what the change costs (`compiler.impact`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler.discover import Kind, SourceFile
from compiler.document import Document
from compiler.errors import EnvironmentProblem, UsageError
from compiler.impact import EnvironmentImpact, SecretChange, SecretState, compare, impact
from compiler.keys import find_key_sources
from compiler.model import build_model, name_of
from compiler.redacted import SecretValue
from compiler.repo import LoadedFile, Repo, check_document, load_repo
from compiler.secret_check import describe, document_bytes, problems, shape_bytes
from compiler.secret_files import (
    Refused,
    check_environment,
    check_name,
    find_secret,
    replace_file,
    secret_path,
    secrets_named,
    temp_beside,
    write_new,
)
from compiler.secret_templates import Template, templates
from compiler.secret_values import ValueInput, parse_sub_paths, read_values
from compiler.sops import SopsError
from compiler.sops_write import decrypt, runner_for, set_value, unset
from compiler.sops_write import edit as sops_edit
from compiler.sopsconfig import file_recipients, load_sops_config


@dataclass(frozen=True)
class CreateOptions:
    repo: Path
    name: str
    values: ValueInput
    type: str | None = None
    path: str | None = None
    sub_paths: tuple[str, ...] = ()
    stage: str | None = None
    description: str | None = None
    template: str | None = None
    environment: str | None = None
    sops: str | None = None


@dataclass(frozen=True)
class Created:
    name: str
    path: str  # repo-relative
    keys: tuple[str, ...]
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class ChangeOptions:
    repo: Path
    name: str
    environment: str | None = None
    sops: str | None = None


@dataclass(frozen=True)
class Changed:
    """A change to one secret file and what it costs; `written` False: nothing was rewritten."""

    path: str
    change: SecretChange | None  # None: the edited file does not validate, so it can't be compared
    impacts: tuple[EnvironmentImpact, ...]
    written: bool
    problems: tuple[str, ...] = field(default=())  # edit: the file as edited does not validate


def _load(root: Path) -> Repo:
    repo = load_repo(root)
    if repo.project_failed:
        raise UsageError("bento-gitops.yaml has errors; run `bento-gitops validate` to see them")
    return repo


def _template(name: str | None) -> Template | None:
    if name is None:
        return None
    known = templates()
    if name not in known:
        hint = difflib.get_close_matches(name, list(known), n=1)
        advice = f"did you mean {hint[0]!r}?" if hint else f"known: {', '.join(known)}"
        raise UsageError(f"unknown template {name!r}; {advice} (`bento-gitops secret templates`)")
    return known[name]


def _fields(options: CreateOptions, template: Template | None) -> dict[str, Any]:
    kind = options.type or (template.type if template else "env")
    path = options.path or (template.path if template and kind == "file" else None)
    return {
        "description": options.description or (template.description if template else None),
        "type": kind,
        "path": path or ("$BENTOML_HOME" if kind == "file" else None),
        "stage": options.stage or "runtime",
        "template": template.name if template else None,
        "sub_paths": parse_sub_paths(options.sub_paths),
    }


def _check_sops_config(root: Path, path: str) -> None:
    config, found = load_sops_config(root)
    if config is None and not found:
        raise UsageError(
            "no .sops.yaml in the repo: sops needs one to know the recipients; create it "
            "(`bento-gitops init` writes one) with a creation rule such as "
            "`path_regex: (^|/)secrets/.*\\.ya?ml$`, `encrypted_regex: ^data$`, `age: age1...`"
        )
    if config is None or found:
        raise UsageError(f".sops.yaml has errors: {'; '.join(d.message for d in found)}")
    if config.rule_for(path) is None:
        raise UsageError(
            f"no creation rule in .sops.yaml matches {path}; add one, e.g. "
            "`path_regex: (^|/)secrets/.*\\.ya?ml$` with `encrypted_regex: ^data$` and your recipients"
        )


def _refuse_invalid(repo: Repo, source: SourceFile, raw: bytes, *, encrypted: bool) -> None:
    found = problems(repo, source, raw, encrypted=encrypted)
    if found:
        lines = describe(found, positions=False)
        raise Refused(f"{source.path} would not validate; nothing was written", lines)


def _refuse_existing(repo: Repo, root: Path, options: CreateOptions, path: str) -> None:
    others = secrets_named(repo, options.name, options.environment)
    if (root / path).exists() or (root / path).is_symlink() or others:
        where = others[0].path if others else path
        raise Refused(
            f"secret {options.name!r} already exists ({where}); it was not overwritten: "
            f"change it with `bento-gitops secret set {options.name} KEY=VALUE`"
        )


def _recipients(raw: bytes, path: str) -> tuple[str, ...]:
    loaded, _ = check_document(SourceFile(path, Kind.SECRET), raw)
    sops = loaded.document.data.get("sops") if loaded.document else None
    return tuple(sorted(file_recipients(sops))) if isinstance(sops, dict) else ()


def create(options: CreateOptions) -> Created:
    root = options.repo.resolve()
    repo = _load(root)
    check_name(options.name)
    check_environment(repo.project, options.environment)
    template = _template(options.template)
    path = secret_path(repo.project, options.name, options.environment)
    _refuse_existing(repo, root, options, path)
    _check_sops_config(root, path)
    values = read_values(options.values)
    if not values:
        needed = f" (template {template.name} needs {', '.join(template.required)})" if template else ""
        raise UsageError(f"give at least one KEY=VALUE, KEY=@file, KEY=- or --from-env-file{needed}")
    fields = _fields(options, template)
    source = SourceFile(path, Kind.SECRET, options.environment)
    _refuse_invalid(repo, source, shape_bytes(fields, list(values)), encrypted=False)
    ciphertext = _encrypt(root, options.sops, path, fields, values)
    _refuse_invalid(repo, source, ciphertext, encrypted=True)
    write_new(root / path, ciphertext, path)
    return Created(options.name, path, tuple(values), _recipients(ciphertext, path))


def _encrypt(
    root: Path, sops: str | None, path: str, fields: dict[str, Any], values: dict[str, SecretValue]
) -> bytes:
    runner = runner_for(root, sops)
    plaintext = document_bytes(fields, {k: v.reveal() for k, v in values.items()})
    try:
        return runner.encrypt(root / ".sops.yaml", path, plaintext)
    except SopsError as err:
        raise EnvironmentProblem(str(err)) from None


# --- changing an existing file ------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    root: Path
    repo: Repo
    file: LoadedFile

    @property
    def doc(self) -> Document:
        assert self.file.document is not None
        return self.file.document

    @property
    def state(self) -> SecretState:
        return SecretState.of(self.name, self.file.path, self.doc.data)

    @property
    def name(self) -> str:
        return name_of(self.file)


def _target(options: ChangeOptions) -> _Target:
    root = options.repo.resolve()
    repo = _load(root)
    check_environment(repo.project, options.environment)
    return _Target(root, repo, find_secret(repo, options.name, options.environment))


def _plain_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("data", "sops")}


def _outcome(
    target: _Target, change: SecretChange | None, written: bool, found: tuple[str, ...] = ()
) -> Changed:
    impacts = impact(change, build_model(target.repo)) if change is not None else ()
    return Changed(target.file.path, change, impacts, written, found)


def _rewrite(target: _Target, fields: dict[str, Any], keys: list[str], steps: Callable[[Path], None]) -> None:
    """Check the new shape, let `steps(temp)` change a ciphertext copy, check it, move it in place."""
    source = target.file.source
    _refuse_invalid(target.repo, source, shape_bytes(fields, keys), encrypted=False)
    destination = target.root / target.file.path
    temp = temp_beside(destination)
    try:
        temp.write_bytes(target.file.raw)
        steps(temp)
        _refuse_invalid(target.repo, source, temp.read_bytes(), encrypted=True)
        replace_file(temp, destination, target.file.raw, target.file.path)
    finally:
        temp.unlink(missing_ok=True)


def set_values(options: ChangeOptions, given: ValueInput) -> Changed:
    """Set keys to values; a value equal to the current one changes nothing."""
    target = _target(options)
    values = read_values(given)
    if not values:
        raise UsageError("give at least one KEY=VALUE, KEY=@file, KEY=- or --from-env-file")
    keys = find_key_sources()
    runner = runner_for(target.root, options.sops)
    old = decrypt(runner, target.doc, target.file.raw, keys)
    todo = {k: v for k, v in values.items() if old.get(k) != v}
    new_keys = [*old, *(k for k in values if k not in old)]
    new_state = SecretState.of(
        target.name, target.file.path, {**target.doc.data, "data": dict.fromkeys(new_keys)}
    )
    change = compare(target.state, new_state, [k for k in todo if k in old])
    if todo:

        def steps(temp: Path) -> None:
            for key, value in todo.items():
                set_value(runner, temp, key, value, target.doc, keys)

        _rewrite(target, _plain_fields(target.doc.data), new_keys, steps)
    return _outcome(target, change, bool(todo))


def _without(fields: dict[str, Any], names: tuple[str, ...]) -> tuple[dict[str, Any], list[tuple[str, ...]]]:
    """Plaintext fields without the sub paths of `names`, and the sops nodes to unset."""
    sub_paths = dict(fields.get("sub_paths") or {})
    nodes: list[tuple[str, ...]] = [("data", k) for k in names]
    dropped = [k for k in names if k in sub_paths]
    kept = {k: v for k, v in sub_paths.items() if k not in names}
    nodes += [("sub_paths", k) for k in dropped] if kept else [("sub_paths",)] if dropped else []
    return {**fields, "sub_paths": kept}, nodes


def unset_keys(options: ChangeOptions, names: tuple[str, ...]) -> Changed:
    """Remove keys (and their sub paths); a key the secret lacks is a usage error."""
    target = _target(options)
    current = list(target.state.keys)
    _check_unset(target, current, names)
    fields, nodes = _without(_plain_fields(target.doc.data), names)
    remaining = [k for k in current if k not in names]
    keys = find_key_sources()
    runner = runner_for(target.root, options.sops)

    def steps(temp: Path) -> None:
        for node in nodes:
            unset(runner, temp, node, target.doc, keys)

    _rewrite(target, fields, remaining, steps)
    new_state = SecretState.of(target.name, target.file.path, {**fields, "data": dict.fromkeys(remaining)})
    return _outcome(target, compare(target.state, new_state, ()), True)


def _check_unset(target: _Target, current: list[str], names: tuple[str, ...]) -> None:
    if not names:
        raise UsageError("name at least one key to unset")
    seen: set[str] = set()
    for key in names:
        if key in seen:
            raise UsageError(f"key {key} is given twice")
        seen.add(key)
        if key not in current:
            hint = difflib.get_close_matches(key, current, n=1)
            advice = f"; did you mean {hint[0]}?" if hint else f"; it has {', '.join(current)}"
            raise UsageError(f"secret {target.name} has no key {key}{advice}")
    if seen == set(current):
        raise Refused(
            f"removing every key would leave secret {target.name} empty; delete {target.file.path} "
            "instead, and detach it from the deployments that use it"
        )


def edit(options: ChangeOptions) -> Changed:
    """`sops edit` the file, then validate it and say what the edit costs."""
    target = _target(options)
    keys = find_key_sources()
    runner = runner_for(target.root, options.sops)
    old = decrypt(runner, target.doc, target.file.raw, keys)
    if not sops_edit(runner, target.doc, keys):
        return _outcome(target, compare(target.state, target.state, ()), False)
    raw = (target.root / target.file.path).read_bytes()
    found = problems(target.repo, target.file.source, raw, encrypted=True)
    loaded, _ = check_document(target.file.source, raw)
    if loaded.document is None or not loaded.valid:
        return _outcome(target, None, True, describe(found, positions=True))
    new = decrypt(runner, loaded.document, raw, keys)
    new_state = SecretState.of(target.name, target.file.path, loaded.document.data)
    changed = [k for k in new if k in old and old[k] != new[k]]
    return _outcome(target, compare(target.state, new_state, changed), True, describe(found, positions=True))
