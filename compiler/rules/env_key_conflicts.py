"""Two secrets mounted as environment variables on one deployment set the same key, with
different values. BentoCloud injects every key of every attached secret as an environment
variable; which value wins is not specified (Kubernetes' envFrom silently takes the last),
and BentoCloud's docs warn: "different secrets should not contain the same keys with
different assigned values". Secrets whose stages cannot meet (build vs runtime) do not
collide. Found without keys; telling BG301 (values differ) from BG302 (values equal) needs
the values, so with `--decrypt auto` exactly the secrets involved are decrypted when a key
is available. Without a key the finding is BG303.

Fails:

    # deployments/llm.yaml
    bento: llm:v1
    secrets: [openai, openai-backup]   # both carry OPENAI_API_KEY, values differ

Passes:

    # deployments/llm.yaml
    bento: llm:v1
    secrets: [openai]

Fix: keep each key in one secret: remove the key from one of them
(`bento-gitops secret unset openai-backup OPENAI_API_KEY`) or detach one secret.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Related, Severity
from compiler.model import Deployment, SecretRef, SecretSpec
from compiler.rules.context import EnvContext, finding, related

CODE = "BG301"
TITLE = "an env key set by two secrets of one deployment with different values"
DEFAULT = Severity.ERROR
SCOPE = "environment"

_STAGES = {"build": {"build"}, "runtime": {"runtime"}, "all": {"build", "runtime"}}


def _meet(a: SecretSpec, b: SecretSpec) -> bool:
    return bool(_STAGES.get(a.stage, {"runtime"}) & _STAGES.get(b.stage, {"runtime"}))


def collisions(
    ctx: EnvContext, deployment: Deployment
) -> Iterator[tuple[str, SecretRef, SecretSpec, SecretRef, SecretSpec]]:
    """(key, first ref, its secret, later ref, its secret) for each env key two secrets share."""
    for refs in deployment.mount_sets:
        seen: dict[str, list[tuple[SecretRef, SecretSpec]]] = {}
        done: set[str] = set()
        for ref in refs:
            spec = ctx.model.secrets.get(ref.name)
            if spec is None or spec.type != "env" or ref.name in done:
                continue
            done.add(ref.name)
            for key in spec.keys:
                for earlier_ref, earlier in seen.get(key, []):
                    if _meet(earlier, spec):
                        yield key, earlier_ref, earlier, ref, spec
                seen.setdefault(key, []).append((ref, spec))


Collision = tuple[str, SecretRef, SecretSpec, SecretRef, SecretSpec]


def all_collisions(ctx: EnvContext) -> list[Collision]:
    """Every collision of the environment, worked out once (wanted() and check() both need them)."""
    if CODE not in ctx.memo:
        ctx.memo[CODE] = [c for d in ctx.model.deployments.values() for c in collisions(ctx, d)]
    found: list[Collision] = ctx.memo[CODE]
    return found


def wanted(ctx: EnvContext) -> set[str]:
    """Secret files whose values decide between BG301 and BG302."""
    return {spec.path for _, _, first, _, second in all_collisions(ctx) for spec in (first, second)}


def _verdict(ctx: EnvContext, key: str, first: SecretSpec, second: SecretSpec) -> tuple[str, Severity, str]:
    one, two = ctx.values(first), ctx.values(second)
    if one is None or two is None or key not in one or key not in two:
        return "BG303", Severity.WARNING, "(values not compared: no key to decrypt them)"
    if one[key] == two[key]:
        return "BG302", Severity.WARNING, "with equal values"
    return "BG301", Severity.ERROR, "with different values"


def check(ctx: EnvContext) -> Iterator[Diagnostic]:
    for key, first_ref, first, ref, spec in all_collisions(ctx):
        code, severity, how = _verdict(ctx, key, first, spec)
        notes: tuple[Related, ...] = (
            related(first_ref.origin, f"secret {first.name} attached here"),
            related(first.origin(f"/data/{key}", key=True), f"{key} in secret {first.name}"),
            related(spec.origin(f"/data/{key}", key=True), f"{key} in secret {spec.name}"),
        )
        message = f"key {key} is set by secrets {first.name} and {spec.name} {how}"
        yield finding(code, severity, ref.origin, message, ref.pointer, notes)
