"""Measure bento-gitops at monorepo scale; print every figure, its target, ratios and peak RSS.

    python benchmarks/run.py --deployments 2000 --secrets 2000 --environments 2 --runs 5

Generates the synthetic repo (benchmarks/generate.py) in a temporary directory unless --repo
names one made before. Each figure is the median of --runs runs of the real command line in a
fresh process, so interpreter start-up and imports count as a user sees them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import generate  # noqa: E402
from compiler.sops import find_binary  # noqa: E402

TOOL = [sys.executable, "-m", "compiler"]


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str
    ok: bool


def _env(cache: Path, **extra: str) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE would make every run compile the tool from source again; an
    # installed tool runs from bytecode, and so do these runs
    dropped = ("SOPS_", "BENTO_GITOPS_", "PYTHONDONTWRITEBYTECODE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return {**base, "XDG_CACHE_HOME": str(cache), **extra}


def _run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return elapsed


def _median(runs: int, once: Callable[[], float]) -> float:
    return statistics.median(once() for _ in range(runs))


def cold_validate(repo: Path, work: Path, runs: int) -> tuple[float, float]:
    """Median seconds with an empty cache, and the peak RSS (MB) of those runs."""
    times = []
    for i in range(runs):
        cache = work / f"cold-cache-{i}"
        times.append(_run([*TOOL, "validate", "-C", str(repo), "--decrypt", "never", "-q"], _env(cache)))
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return statistics.median(times), peak_kb / 1024


def warm_validate(repo: Path, work: Path, runs: int) -> float:
    env = _env(work / "warm-cache")
    _run([*TOOL, "validate", "-C", str(repo), "-q"], env)
    return _median(runs, lambda: _run([*TOOL, "validate", "-C", str(repo), "-q"], env))


def one_changed_validate(repo: Path, work: Path, runs: int, *, name_it: bool = True) -> float:
    """After an edit to one deployment: `validate FILE`, or (name_it=False) `validate` of the
    whole repo, as the pre-commit hook runs it (pass_filenames: false)."""
    env = _env(work / "warm-cache")
    target = sorted((repo / "deployments").rglob("*.yaml"))[0]
    original = target.read_text()
    named = [str(target)] if name_it else []

    def once() -> float:
        target.write_text(original + f"# touched {time.perf_counter_ns()}\n")
        return _run([*TOOL, "validate", "-C", str(repo), "-q", *named], env)

    try:
        return _median(runs, once)
    finally:
        target.write_text(original)


def help_time(work: Path, runs: int) -> float:
    return _median(runs, lambda: _run([*TOOL, "--help"], _env(work / "help-cache")))


def check_jsonschema(repo: Path, runs: int) -> float | None:
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
        "check-jsonschema"
    )
    if tool is None:
        return None
    deployments = sorted(str(p) for p in (repo / "deployments").rglob("*.yaml"))
    secrets = sorted(str(p) for p in (repo / "secrets").rglob("*.yaml"))
    schemas = HERE.parent / "schemas"

    def once() -> float:
        total = _run(
            [tool, "--schemafile", str(schemas / "deployment.schema.json"), *deployments], dict(os.environ)
        )
        return total + _run(
            [tool, "--schemafile", str(schemas / "secret.schema.json"), *secrets], dict(os.environ)
        )

    return _median(runs, once)


def render_values(work: Path, runs: int, secrets: int) -> tuple[float, float]:
    """render --secrets values of a repo whose `secrets` are all in use, vs a serial
    `sops decrypt` loop over the same files."""
    repo = work / "render-repo"
    generate(repo, deployments=max(1, secrets // 5), secrets=secrets, environments=1, attach_all=True)
    env = _env(work / "render-cache", SOPS_AGE_KEY_FILE=str(repo / "bench-age-key.txt"))
    files = sorted((repo / "secrets").rglob("*.yaml"))
    sops = find_binary()
    out = work / "render-out"
    args = [*TOOL, "render", "-C", str(repo), "--secrets", "values", "--out", str(out), "--force", "-q"]

    def serial() -> float:
        start = time.perf_counter()
        for path in files:
            plain = {**env, "SOPS_DISABLE_VERSION_CHECK": "1"}
            subprocess.run([sops, "decrypt", str(path)], env=plain, capture_output=True, check=True)
        return time.perf_counter() - start

    return _median(runs, lambda: _run(args, env)), _median(runs, serial)


def plan_decrypts(work: Path, secrets: int) -> int:
    """sops decrypt calls of `plan` when one of `secrets` secrets changed, counted through a wrapper."""
    repo = work / "plan-repo"
    generate(repo, deployments=max(1, secrets // 5), secrets=secrets, environments=1)
    git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    key = repo / "bench-age-key.txt"
    env = _env(work / "plan-cache", SOPS_AGE_KEY_FILE=str(key))
    sops = find_binary()
    target = sorted((repo / "secrets").rglob("*.yaml"))[1]
    subprocess.run(
        [sops, "set", "--value-stdin", str(target), '["data"]["KEY_1_0"]'],
        input=b'"changed"',
        env={**env, "SOPS_DISABLE_VERSION_CHECK": "1"},
        check=True,
        capture_output=True,
    )
    log = work / "sops-calls.log"
    wrapper = work / "counting-sops"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{sops}" "$@"\n')
    wrapper.chmod(0o755)
    _run([*TOOL, "plan", "-C", str(repo), "--base", "HEAD", "--sops", str(wrapper)], env)
    return sum(1 for line in log.read_text().splitlines() if "decrypt" in line) if log.exists() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deployments", type=int, default=2000)
    parser.add_argument("--secrets", type=int, default=2000)
    parser.add_argument("--environments", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--render-secrets", type=int, default=500)
    parser.add_argument("--plan-secrets", type=int, default=500)
    parser.add_argument("--repo", type=Path, help="a repo generate.py made before (same sizes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bento-gitops-bench-") as scratch:
        work = Path(scratch)
        repo = args.repo or work / "repo"
        if args.repo is None:
            started = time.perf_counter()
            generate(repo, args.deployments, args.secrets, args.environments)
            print(
                f"generated {args.deployments} deployments, {args.secrets} secrets, {args.environments} "
                f"environments in {time.perf_counter() - started:.1f} s"
            )
        files = sum(1 for _ in repo.rglob("*.yaml"))
        size = sum(p.stat().st_size for p in repo.rglob("*.yaml")) / 1e6
        print(
            f"repo: {files} YAML files, {size:.1f} MB; {os.cpu_count()} cores; median of {args.runs} runs\n"
        )
        report(repo, work, args)


def report(repo: Path, work: Path, args: argparse.Namespace) -> None:
    cold, rss = cold_validate(repo, work, args.runs)
    peer = check_jsonschema(repo, max(1, args.runs // 2))
    warm = warm_validate(repo, work, args.runs)
    changed = one_changed_validate(repo, work, args.runs)
    hooked = one_changed_validate(repo, work, args.runs, name_it=False)
    helped = help_time(work, args.runs)
    rendered, serial = render_values(work, max(1, args.runs // 2), args.render_secrets)
    decrypts = plan_decrypts(work, args.plan_secrets)
    figures = [
        Figure("cold validate --decrypt never (empty cache)", cold, "s", "<= 3 s", cold <= 3),
        Figure(
            "check-jsonschema, same files and schemas",
            peer or 0.0,
            "s",
            "slower than ours",
            peer is not None and cold < peer,
        ),
        Figure("warm validate (cache filled, nothing changed)", warm, "s", "<= 0.6 s", warm <= 0.6),
        Figure("validate FILE after changing one file", changed, "s", "<= 0.7 s", changed <= 0.7),
        Figure("validate (whole repo, as the hook) after one change", hooked, "s", "<= 0.7 s", hooked <= 0.7),
        Figure("bento-gitops --help", helped, "s", "<= 0.3 s", helped <= 0.3),
        Figure(f"render --secrets values ({args.render_secrets} secrets in use)", rendered, "s", "", True),
        Figure("serial sops decrypt loop over the same secrets", serial, "s", "", True),
        Figure("render / serial ratio", rendered / serial, "x", "<= 0.6x", rendered / serial <= 0.6),
        Figure(
            f"plan, one of {args.plan_secrets} secrets changed: sops decrypts",
            decrypts,
            "calls",
            "2",
            decrypts == 2,
        ),
        Figure("peak RSS of the cold validate", rss, "MB", "<= 300 MB", rss <= 300),
    ]
    width = max(len(f.name) for f in figures)
    print(f"{'figure'.ljust(width)}  {'measured':>12}  {'target':<18} ok")
    for f in figures:
        value = f"{f.value:.3f} {f.unit}" if f.unit != "calls" else f"{int(f.value)} {f.unit}"
        print(f"{f.name.ljust(width)}  {value:>12}  {f.target:<18} {'yes' if f.ok else 'NO'}")
    if peer:
        print(f"\nratios: check-jsonschema / cold = {peer / cold:.2f}x; cold / warm = {cold / warm:.1f}x")


if __name__ == "__main__":
    main()
