"""The benchmark script runs end to end at a tiny size (a smoke test: figures are not asserted,
speed is measured by running it at full size, see BENCHMARKS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    args = [
        "--deployments",
        "20",
        "--secrets",
        "20",
        "--environments",
        "2",
        "--runs",
        "1",
        "--render-secrets",
        "10",
        "--plan-secrets",
        "10",
    ]
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.startswith("cold validate --decrypt never") for line in lines), proc.stdout
    plan = next(line for line in lines if line.startswith("plan, one of 10 secrets changed"))
    assert plan.split()[-3:] == ["calls", "2", "yes"], plan
