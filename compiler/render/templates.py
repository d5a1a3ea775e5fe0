"""Render a target: every `*.j2` below its folder, in Jinja2's sandbox with StrictUndefined.

A template's path names its output: `{deployment}` in a path renders the file once per
deployment (with `deployment` in the context), `{secret}` once per secret in use (`secret`);
other templates render once. The `.j2` suffix is dropped; a file that renders empty is not
written.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.diagnostics import Diagnostic, Severity
from compiler.render.yamlout import to_yaml

PLACEHOLDERS = ("deployment", "secret")


@dataclass(frozen=True)
class Target:
    name: str
    root: Path  # the folder holding the templates
    shown_as: str  # how diagnostics name that folder (repo-relative, or the built-in's name)
    repo: Path | None = None  # a user target must stay inside its repo


class TemplateFailure(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def to_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def template_files(target: Target) -> list[str]:
    """Template paths relative to the target folder. Anything there that leads outside the
    folder (a link to a template or to a file a template includes) refuses the whole target."""
    root = target.root.resolve()
    if target.repo is not None and (target.root.is_symlink() or target.repo not in root.parents):
        message = "the target folder is a link leading outside the repo; refused (nothing of it was read)"
        raise TemplateFailure(Diagnostic(target.shown_as, 1, 1, "BG601", Severity.ERROR, message))
    found = []
    for path in sorted(target.root.rglob("*")):
        rel = path.relative_to(target.root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink() and root not in path.resolve().parents:
            message = "a link leading outside the target folder; refused (nothing of it was read)"
            raise TemplateFailure(_diag(target, rel.as_posix(), 1, "BG601", message))
        if path.suffix == ".j2" and path.is_file():
            found.append(rel.as_posix())
    return found


def _diag(target: Target, template: str, line: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(f"{target.shown_as}/{template}", max(line, 1), 1, code, Severity.ERROR, message)


def _line_in(err: BaseException, filename: str) -> int:
    line = 1
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename == filename and frame.lineno:
            line = frame.lineno
    return line


def _environment(target: Target) -> Any:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(target.root)),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["to_yaml"] = to_yaml
    env.filters["to_json"] = to_json
    return env


def _expansions(template: str, context: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    out = template.removesuffix(".j2")
    kinds = [p for p in PLACEHOLDERS if "{" + p + "}" in out]
    if not kinds:
        yield out, context
        return
    kind = kinds[0]
    for item in context[f"{kind}s"]:
        yield out.replace("{" + kind + "}", item["name"]), {**context, kind: item}


def _undefined_message(err: Exception, context: dict[str, Any]) -> str:
    """Jinja names the missing attribute; with values in the context that name may be one."""
    if context.get("secrets_mode") == "values":
        return "undefined in template (the name is not shown: values are in this render's context)"
    return f"undefined in template: {getattr(err, 'message', '')}"


def render_target(target: Target, context: dict[str, Any]) -> dict[str, str]:
    """Output path → text. Raises TemplateFailure with a BG6xx diagnostic."""
    from jinja2 import TemplateSyntaxError, UndefinedError

    env = _environment(target)
    results: dict[str, str] = {}
    for template_name in template_files(target):
        filename = str(target.root / template_name)
        try:
            template = env.get_template(template_name)
        except TemplateSyntaxError as err:
            raise TemplateFailure(
                _diag(target, template_name, err.lineno, "BG601", f"template syntax error: {err.message}")
            ) from None
        for out, ctx in _expansions(template_name, context):
            try:
                text = template.render(ctx)
            except UndefinedError as err:
                raise TemplateFailure(
                    _diag(
                        target,
                        template_name,
                        _line_in(err, filename),
                        "BG602",
                        _undefined_message(err, context),
                    )
                ) from None
            except Exception as err:
                message = f"template failed: {type(err).__name__}"
                raise TemplateFailure(
                    _diag(target, template_name, _line_in(err, filename), "BG603", message)
                ) from None
            if text.strip():
                results[out] = text
    return results
