"""Plans as text (a table per environment), JSON (DESIGN 5) or Markdown (a pull-request comment).

Records in, strings out. A plan holds names, key names, plaintext config and reasons: never a
secret value, nor its hash or length.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace

from compiler.plan.records import EnvironmentPlan, Plan, Step, Target, Verb
from compiler.printable import printable

JSON_VERSION = 1
UNVERIFIED = "unverified: no key to compare values; the ciphertext changed, so a value may have"
_SECRET_VERBS = (Verb.CREATE, Verb.UPDATE, Verb.DELETE)


def _lines(lines: Sequence[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _count(steps: list[Step], target: Target, verb: Verb) -> int:
    return sum(s.target is target and s.action is verb for s in steps)


def summary(plan: Plan) -> str:
    """`2 to restart, 1 to recreate, 1 secret to update`, counted over the environments."""
    steps = [s for e in plan.environments for s in e.steps]
    parts = [f"{n} to {v.value}" for v in Verb if (n := _count(steps, Target.DEPLOYMENT, v))]
    for verb in _SECRET_VERBS:
        if n := _count(steps, Target.SECRET, verb):
            parts.append(f"{n} secret{'s' if n > 1 else ''} to {verb.value}")
    return ", ".join(parts)


def _changed_in(plan: Plan) -> str:
    return ", ".join(e.name for e in plan.environments if e.steps)


def _side(ref: str | None, commit: str | None, quote: str = "") -> str:
    return f"{quote}{ref}{quote} ({commit[:12]})" if ref and commit else "the work tree"


# --- text ------------------------------------------------------------------------------------


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _text_rows(step: Step) -> list[tuple[str, ...]]:
    action = step.action.value + ("" if step.verified else "*")
    first = (action, step.target.value, step.name, step.reasons[0])
    return [first, *(("", "", "", reason) for reason in step.reasons[1:])]


def _text_environment(env: EnvironmentPlan) -> list[str]:
    if not env.steps:
        return [f"{env.name}: no changes"]
    rows = [("ACTION", "TARGET", "NAME", "REASONS")] + [r for s in env.steps for r in _text_rows(s)]
    lines = [f"{env.name}:", *(f"  {line}" for line in _table(rows))]
    return lines if env.verified else [*lines, f"  * {UNVERIFIED}"]


def text(plan: Plan) -> str:
    lines = [f"plan: base {_side(plan.base_ref, plan.base)}, head {_side(plan.head_ref, plan.head)}", ""]
    if plan.empty:
        return _lines([*lines, "No changes."])
    for env in plan.environments:
        lines += [*_text_environment(env), ""]
    return _lines([*lines, f"{summary(plan)} in {_changed_in(plan)}"])


# --- json ------------------------------------------------------------------------------------


def _record(step: Step) -> dict[str, object]:
    return {
        "target": step.target.value,
        "name": step.name,
        "action": step.action.value,
        "reasons": list(step.reasons),
        "verified": step.verified,
    }


def as_json(plan: Plan) -> str:
    body = {
        "version": JSON_VERSION,
        "base": plan.base,
        "head": plan.head,
        "environments": [
            {"name": e.name, "actions": [_record(s) for s in e.steps]} for e in plan.environments
        ],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


# --- markdown --------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Safe inside a table cell or a list item: no HTML, no cell break."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _md_action(step: Step) -> str:
    return step.action.value if step.verified else f"{step.action.value} (unverified)"


def _md_row(step: Step) -> str:
    more = f" (+{len(step.reasons) - 1} more)" if len(step.reasons) > 1 else ""
    return f"| {_md_action(step)} | {step.target.value} | `{step.name}` | {_md(step.reasons[0])}{more} |"


def _md_details(env: EnvironmentPlan) -> list[str]:
    lines = ["<details><summary>All reasons</summary>", ""]
    for step in env.steps:
        lines.append(f"- **{_md_action(step)}** {step.target.value} `{step.name}`")
        lines += [f"  - {_md(reason)}" for reason in step.reasons]
    return [*lines, "", "</details>"]


def _md_environment(env: EnvironmentPlan) -> list[str]:
    lines = [f"#### {env.name}", "", "| Action | Target | Name | Reasons |", "| --- | --- | --- | --- |"]
    lines += [_md_row(s) for s in env.steps]
    lines += ["", *_md_details(env), ""]
    return (
        lines if env.verified else [*lines, f"_Unverified: {UNVERIFIED.removeprefix('unverified: ')}._", ""]
    )


def markdown(plan: Plan) -> str:
    lines = ["### bento-gitops plan", ""]
    if plan.empty:
        lines.append("**No changes.**")
    else:
        lines.append(f"**{summary(plan)}** in {_changed_in(plan)}")
    sides = f"Base {_side(plan.base_ref, plan.base, '`')}, head {_side(plan.head_ref, plan.head, '`')}."
    lines += ["", sides, ""]
    for env in plan.environments:
        lines += _md_environment(env) if env.steps else []
    unchanged = [e.name for e in plan.environments if not e.steps]
    lines += [f"No changes in {', '.join(unchanged)}.", ""] if unchanged and not plan.empty else []
    return _lines(lines).rstrip("\n") + "\n"


def printable_plan(plan: Plan) -> Plan:
    """Names and reasons come from the repo: control characters escaped, one step one line."""
    environments = tuple(
        replace(
            env,
            name=printable(env.name),
            steps=tuple(
                replace(s, name=printable(s.name), reasons=tuple(printable(r) for r in s.reasons))
                for s in env.steps
            ),
        )
        for env in plan.environments
    )
    return replace(plan, environments=environments)


def _printable(report: Callable[[Plan], str]) -> Callable[[Plan], str]:
    return lambda plan: report(printable_plan(plan))


FORMATS: dict[str, Callable[[Plan], str]] = {
    "text": _printable(text),
    "json": _printable(as_json),
    "markdown": _printable(markdown),
}
