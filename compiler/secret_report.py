"""Text and JSON for the secret commands. Records in, strings out; keys and names only, never values."""

from __future__ import annotations

import json
from collections.abc import Sequence

from compiler.impact import EnvironmentImpact, SecretChange
from compiler.init_repo import Initialized
from compiler.printable import printable
from compiler.secret_edit import Changed, Created
from compiler.secret_files import Refused
from compiler.secret_info import Listing, SecretInfo
from compiler.secret_templates import Template

JSON_VERSION = 1


def _lines(lines: Sequence[str]) -> str:
    """Names, keys and paths come from the repo: each line escaped so it stays one line."""
    return "".join(f"{printable(line)}\n" for line in lines)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return _lines(
        [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]
        ]
    )


def refused(err: Refused) -> str:
    return _lines([f"bento-gitops: {err.summary}", *(f"  {p}" for p in err.problems)])


def created(result: Created) -> str:
    keys = ", ".join(result.keys)
    plural = "s" if len(result.keys) > 1 else ""
    recipients = ", ".join(r.partition(":")[2] or r for r in result.recipients) or "its .sops.yaml recipients"
    return _lines(
        [
            f"created {result.path}: secret {result.name} with key{plural} {keys}",
            f"encrypted for {recipients}",
            f"attach it to a deployment (`secrets: [{result.name}]`) and commit the file",
        ]
    )


def _impact_line(item: EnvironmentImpact) -> str:
    if item.other_file is not None:
        return f"  {item.environment}: mounts {item.other_file} instead; nothing to do"
    if not item.deployments:
        return f"  {item.environment}: no deployment uses it"
    if item.action is None:
        return f"  {item.environment}: nothing to do"
    reason = f" ({item.reason})" if item.reason else ""
    return f"  {item.environment}: {item.action.value} {', '.join(item.deployments)}{reason}"


def _change_header(name: str, change: SecretChange) -> str:
    return f"secret {name}: {'; '.join(change.summary()) or 'nothing changed'}"


def changed(name: str, result: Changed) -> str:
    if result.change is None:
        return ""
    if not result.written or result.change.empty:
        return f"secret {name}: nothing changed; {result.path} was not rewritten\n"
    return _lines([_change_header(name, result.change), *(_impact_line(i) for i in result.impacts)])


def edit_problems(result: Changed) -> str:
    if not result.problems:
        return ""
    head = f"bento-gitops: {result.path} does not validate after the edit (the file stays as edited):"
    return _lines([head, *(f"  {p}" for p in result.problems)])


# --- list / show ---------------------------------------------------------------------------


def _title(info: SecretInfo) -> str:
    return f"{info.name} ({info.environment})" if info.environment else info.name


def _users(info: SecretInfo) -> str:
    return "; ".join(f"{env}: {', '.join(names)}" for env, names in info.used_by) or "-"


def listing_text(listing: Listing) -> str:
    header = ("NAME", "TYPE", "STAGE", "KEYS", "PATH", "USED BY")
    rows = [
        (_title(s), s.type, s.stage, ", ".join(k.name for k in s.keys), s.mount_path or "-", _users(s))
        for s in listing.secrets
    ]
    return table(header, rows) if rows else "no secrets\n"


def skipped_note(listing: Listing) -> str:
    if not listing.skipped:
        return ""
    return f"not shown, they don't validate: {', '.join(listing.skipped)} (run `bento-gitops validate`)\n"


def _record(info: SecretInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "environment": info.environment,
        "file": info.file,
        "type": info.type,
        "stage": info.stage,
        "path": info.mount_path,
        "keys": [{"name": k.name, "path": k.location} for k in info.keys],
        "template": info.template,
        "description": info.description,
        "used_by": {env: list(names) for env, names in info.used_by},
    }


def listing_json(listing: Listing) -> str:
    body = {
        "version": JSON_VERSION,
        "secrets": [_record(s) for s in listing.secrets],
        "skipped": list(listing.skipped),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _show_one(info: SecretInfo) -> list[str]:
    where = f" in {info.environment}" if info.environment else ""
    lines = [f"secret {info.name}{where} ({info.file})"]
    lines += [f"  description: {info.description}"] if info.description else []
    template = f", template: {info.template}" if info.template else ""
    lines += [f"  type: {info.type}, stage: {info.stage}{template}"]
    lines += [f"  path: {info.mount_path}"] if info.mount_path else []
    lines += ["  keys:"] + [f"    {k.name}" + (f" -> {k.location}" if k.location else "") for k in info.keys]
    lines += ["  used by:"] + [f"    {env}: {', '.join(names)}" for env, names in info.used_by]
    return lines if info.used_by else [*lines, "    no deployment"]


def show_text(listing: Listing) -> str:
    blocks = [_lines(_show_one(info)) for info in listing.secrets]
    return "\n".join(blocks)


# --- templates ---------------------------------------------------------------------------


def templates_text(known: Sequence[Template]) -> str:
    rows = [
        (t.name, t.type, ", ".join([*t.required, *(f"[{k}]" for k in t.optional)]), t.description)
        for t in known
    ]
    return table(("NAME", "TYPE", "KEYS ([optional])", "DESCRIPTION"), rows)


def templates_json(known: Sequence[Template]) -> str:
    records = [
        {
            "name": t.name,
            "type": t.type,
            "path": t.path,
            "required": list(t.required),
            "optional": list(t.optional),
            "description": t.description,
        }
        for t in known
    ]
    return json.dumps({"version": JSON_VERSION, "templates": records}, indent=2, ensure_ascii=False) + "\n"


# --- init ---------------------------------------------------------------------------------


def initialized(result: Initialized) -> str:
    lines = [f"created a bento-gitops repo in {result.root}:", *(f"  {f}" for f in result.files)]
    lines.append(f"age public key: {result.recipient}")
    if result.key_file is not None:
        lines.append(f"its private key was appended to {result.key_file}: back it up, never commit it")
    lines += [
        "next:",
        f"  bento-gitops -C {result.root} secret set example OPENAI_API_KEY=-   # the real key on stdin",
        f"  bento-gitops -C {result.root} validate",
    ]
    return _lines(lines)
