"""Generate a synthetic bento-gitops repo of a given size, secrets really sops-encrypted.

    python benchmarks/generate.py OUT --deployments 2000 --secrets 2000 --environments 2

Content is deterministic (seeded by the sizes); the age key is generated per run and written to
OUT/bench-age-key.txt (a throw-away key: the values are synthetic).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from compiler import agekeys
from compiler.sops import find_binary, pool_size

SIZES = ("cpu.1", "cpu.2", "gpu.l4.1", "gpu.a100.1")


def _secret(index: int, rng: random.Random) -> str:
    if index % 5 == 0:
        return (
            f"description: model token {index}\ntype: file\npath: $BENTOML_HOME/creds/s{index}\n"
            f"sub_paths:\n  TOKEN: tokens\ndata:\n  TOKEN: tok-{rng.getrandbits(64):016x}\n"
        )
    keys = "".join(f"  KEY_{index}_{k}: v-{rng.getrandbits(64):016x}\n" for k in range(3))
    return f"description: service credentials {index}\ntype: env\nstage: runtime\ndata:\n{keys}"


def _deployment(index: int, secrets: int, rng: random.Random, share: int = 0) -> str:
    """`share`: attach secrets index*share .. index*share+share-1 (every secret used once)."""
    if share:
        attached = list(range(index * share, min(secrets, index * share + share)))
    else:
        attached = sorted({rng.randrange(secrets) for _ in range(3)})
    names = ", ".join(f"s{n}" for n in attached)
    low = rng.randrange(0, 3)
    return (
        f"name: d{index}\nbento: svc-{index}:v{rng.getrandbits(32):08x}\n"
        f"access_authorization: {str(index % 2 == 0).lower()}\n"
        f"labels:\n  - {{key: team, value: t{index % 17}}}\nenvs:\n  - {{name: LOG_LEVEL, value: info}}\n"
        f"secrets: [{names}]\nservices:\n  Svc{index}:\n    instance_type: {SIZES[index % len(SIZES)]}\n"
        f"    scaling:\n      min_replicas: {low}\n      max_replicas: {low + rng.randrange(1, 5)}\n"
        "      policy:\n        scale_up_behavior: fast\n        scale_down_behavior: stable\n"
        '    envs:\n      - {name: WORKERS, value: "2"}\n    deployment_strategy: RollingUpdate\n'
        "    config_overrides:\n      traffic:\n        timeout: 300\n        concurrency: 32\n"
    )


def generate(out: Path, deployments: int, secrets: int, environments: int, attach_all: bool = False) -> None:
    """`attach_all`: spread every secret over the deployments (each attached once)."""
    rng = random.Random(deployments * 1_000_003 + secrets * 1009 + environments)
    key = agekeys.generate()
    out.mkdir(parents=True, exist_ok=False)
    (out / "bench-age-key.txt").write_text(key.keys_txt())
    (out / ".sops.yaml").write_text(
        "creation_rules:\n  - path_regex: (^|/)secrets/.*\\.ya?ml$\n    encrypted_regex: ^data$\n"
        f"    age: {key.recipient}\n"
    )
    envs = [f"env{e}" for e in range(environments)]
    (out / "bento-gitops.yaml").write_text(
        "version: 1\nenvironments:\n" + "".join(f"  {e}: {{cluster: cluster-{e}}}\n" for e in envs)
    )
    for index in range(deployments):
        path = out / "deployments" / f"team{index % 20}" / f"d{index}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        share = -(-secrets // deployments) if attach_all else 0
        path.write_text(_deployment(index, secrets, rng, share))
    plain = {}
    for index in range(secrets):
        rel = f"secrets/team{index % 20}/s{index}.yaml"
        plain[rel] = _secret(index, rng)
    for env in envs[1:]:
        for index in range(0, deployments, 10):
            path = out / "environments" / env / f"d{index}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"services:\n  Svc{index}:\n    scaling:\n      max_replicas: 8\n")
    _encrypt_all(out, plain)


def _encrypt_all(out: Path, plain: dict[str, str]) -> None:
    sops = find_binary()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOPS_")} | {
        "SOPS_DISABLE_VERSION_CHECK": "1"
    }

    def encrypt(item: tuple[str, str]) -> None:
        rel, text = item
        args = [
            sops,
            "--config",
            str(out / ".sops.yaml"),
            "encrypt",
            "--filename-override",
            rel,
            "--input-type",
            "yaml",
            "--output-type",
            "yaml",
        ]
        proc = subprocess.run(args, input=text.encode(), capture_output=True, env=env, check=True, cwd=out)
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(proc.stdout)

    with ThreadPoolExecutor(max_workers=pool_size()) as pool:
        list(pool.map(encrypt, sorted(plain.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--deployments", type=int, default=2000)
    parser.add_argument("--secrets", type=int, default=2000)
    parser.add_argument("--environments", type=int, default=2)
    args = parser.parse_args()
    generate(args.out, args.deployments, args.secrets, args.environments)


if __name__ == "__main__":
    main()
