"""The same MlflowClient calls against two model registries, interleaved, at growing sizes.

Target A is this repository's backend (its MLflow-compatible API), target B a real
`mlflow server`. Both get one fresh model, seeded through the client to each size; then
every measured call runs on A and on B in turn (the order flips every round), so load on
the machine hits both alike. Prints a markdown table of p50/p99/max per call, size and
target, the MLflow/ours ratio at p50 and whether the target is met; --json writes the raw
figures. Run it through scripts/mlflow-benchmark.sh, which starts both servers.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
# A retried call would hide a server error and time two requests as one.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")

import logging  # noqa: E402
import warnings  # noqa: E402

import requests  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

# create_model_version logs a line per call ("Waiting up to 300 seconds ...").
logging.getLogger("mlflow").setLevel(logging.WARNING)

# transition_model_version_stage is deprecated in MLflow 3 but still sent by many pipelines.
warnings.filterwarnings("ignore", category=FutureWarning)

ALIAS = "champion"
SOURCE = "s3://mlflow-bench/artifacts/model"

# The target: ours at least this many times lower at p50, lower at p99, on every call...
P50_RATIO_TARGET = 3.0
# ...and flat: p50 at the largest size at most this many times the p50 at the smallest.
FLAT_TOLERANCE = 1.25


@dataclass
class Target:
    """One registry under test: a label, its client and the model it grows."""

    label: str
    client: MlflowClient
    model: str
    create_tags: dict[str, str]
    versions: int = 0
    samples: dict[tuple[int, str], list[float]] = field(default_factory=dict)


@dataclass
class Probe:
    """A plain HTTP request timed next to the client calls (what a cost on our side is)."""

    label: str
    url: str
    headers: dict[str, str]
    expect: int
    samples: dict[int, list[float]] = field(default_factory=dict)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def measured_calls(t: Target, size: int, rng: random.Random) -> dict[str, Callable[[], object]]:
    """The calls of one round, each bound to arguments drawn once for both targets."""
    version = str(rng.randint(1, size))
    tag_value = secrets.token_hex(4)
    return {
        "create_model_version": lambda: t.client.create_model_version(t.model, SOURCE),
        "get_model_version": lambda: t.client.get_model_version(t.model, version),
        "get_model_version_by_alias": lambda: t.client.get_model_version_by_alias(t.model, ALIAS),
        "search_model_versions": lambda: t.client.search_model_versions(
            f"name = '{t.model}'", max_results=100
        ),
        "get_registered_model": lambda: t.client.get_registered_model(t.model),
        "search_registered_models": lambda: t.client.search_registered_models(),
        "set_model_version_tag": lambda: t.client.set_model_version_tag(
            t.model, version, "bench", tag_value
        ),
        "set_registered_model_alias": lambda: t.client.set_registered_model_alias(
            t.model, ALIAS, version
        ),
        "transition_model_version_stage": lambda: t.client.transition_model_version_stage(
            t.model, version, "Staging"
        ),
    }


CALLS = [
    "create_model_version",
    "get_model_version",
    "get_model_version_by_alias",
    "search_model_versions",
    "get_registered_model",
    "search_registered_models",
    "set_model_version_tag",
    "set_registered_model_alias",
    "transition_model_version_stage",
]


def check_result(name: str, t: Target, result: object) -> None:
    """Fails the run when a call answered something other than what MLflow's client expects."""
    if name == "search_model_versions" and len(result) != min(100, t.versions):  # type: ignore[arg-type]
        raise AssertionError(f"{t.label}: search_model_versions gave {len(result)} rows")  # type: ignore[arg-type]
    if name == "get_model_version_by_alias" and ALIAS not in result.aliases:  # type: ignore[attr-defined]
        raise AssertionError(f"{t.label}: the version by alias lacks its alias")
    if name == "get_registered_model" and result.name != t.model:  # type: ignore[attr-defined]
        raise AssertionError(f"{t.label}: get_registered_model gave {result.name}")  # type: ignore[attr-defined]


def seed(t: Target, size: int, threads: int) -> None:
    """Registers versions through the client until the model has `size` of them."""
    missing = size - t.versions
    if missing <= 0:
        return
    with ThreadPoolExecutor(threads) as pool:
        for mv in pool.map(lambda _: t.client.create_model_version(t.model, SOURCE), range(missing)):
            if mv.status != "READY":
                raise AssertionError(f"{t.label}: seeded version {mv.version} is {mv.status}")
    t.versions = size


def time_call(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def time_probe(session: requests.Session, probe: Probe) -> float:
    start = time.perf_counter()
    response = session.get(probe.url, headers=probe.headers)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != probe.expect:
        raise AssertionError(
            f"probe {probe.label}: {response.status_code} (expected {probe.expect}): {response.text[:200]}"
        )
    return elapsed


def run(args: argparse.Namespace) -> dict:
    rng = random.Random(args.random_seed)
    suffix = secrets.token_hex(3)
    token = os.environ.get("MLFLOW_TRACKING_TOKEN", "")
    ours_tags = dict(kv.split("=", 1) for kv in args.ours_create_tag)
    targets = [
        Target(
            "ours",
            MlflowClient(tracking_uri=args.ours, registry_uri=args.ours),
            f"{args.model_prefix}-{suffix}-ours",
            ours_tags,
        ),
        Target(
            "mlflow",
            MlflowClient(tracking_uri=args.mlflow, registry_uri=args.mlflow),
            f"{args.model_prefix}-{suffix}-mlflow",
            {},
        ),
    ]
    for t in targets:
        t.client.create_registered_model(t.model, tags=t.create_tags or None)
        t.client.create_model_version(t.model, SOURCE)
        t.client.set_registered_model_alias(t.model, ALIAS, "1")
        t.versions = 1

    probes: list[Probe] = []
    session = requests.Session()
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    if args.ours_native:
        probes.append(
            Probe(
                "ours: native GET version (same call, own API)",
                f"{args.ours_native}/models/{args.ours_namespace}/{targets[0].model}/versions/1",
                auth,
                200,
            )
        )
    if args.ours_health:
        probes.append(Probe("ours: HTTP round trip (health, no auth)", args.ours_health, {}, 200))
    if args.ours_native:
        probes.append(
            Probe(
                "ours: token check only (unknown MLflow route)",
                f"{args.ours}/api/2.0/mlflow/no-such-route",
                auth,
                404,
            )
        )
    probes.append(Probe("mlflow: HTTP round trip (health)", f"{args.mlflow}/health", {}, 200))

    results: dict = {"sizes": {}, "model": targets[0].model}
    for size in args.sizes:
        started = time.perf_counter()
        for t in targets:
            seed(t, size, args.seed_threads)
        seconds = time.perf_counter() - started
        print(f"[bench] seeded {size} versions on both in {seconds:.1f} s", file=sys.stderr)
        for t in targets:
            t.client.set_registered_model_alias(t.model, ALIAS, str(size))
        load_before = os.getloadavg()[0]
        for round_no in range(args.warmup + args.rounds):
            record = round_no >= args.warmup
            # Both targets get the same arguments: one seed per round, one generator each.
            round_seed = rng.random()
            calls = {t.label: measured_calls(t, size, random.Random(round_seed)) for t in targets}
            order = targets if round_no % 2 == 0 else list(reversed(targets))
            for name in CALLS:
                for t in order:
                    ms, result = time_call(calls[t.label][name])
                    check_result(name, t, result)
                    if name == "create_model_version":
                        t.versions += 1
                    if record:
                        t.samples.setdefault((size, name), []).append(ms)
            for probe in probes:
                ms = time_probe(session, probe)
                if record:
                    probe.samples.setdefault(size, []).append(ms)
        load_after = os.getloadavg()[0]
        results["sizes"][size] = {
            "versions_at_end": targets[0].versions,
            "load_1m": [load_before, load_after],
        }
        print(
            f"[bench] measured at {size} (→ {targets[0].versions} versions), load {load_before:.2f} → {load_after:.2f}",
            file=sys.stderr,
        )

    results["calls"] = {
        t.label: {
            f"{size}:{name}": t.samples[(size, name)] for size in args.sizes for name in CALLS
        }
        for t in targets
    }
    results["probes"] = {p.label: {str(s): v for s, v in p.samples.items()} for p in probes}
    return results


def summarize(results: dict, sizes: list[int]) -> str:
    def stats(values: list[float]) -> tuple[float, float, float]:
        return percentile(values, 50), percentile(values, 99), max(values)

    lines = [
        "| Call | Versions | ours p50 | ours p99 | ours max | MLflow p50 | MLflow p99 | MLflow max | MLflow/ours p50 | Target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    met_all = True
    verdicts = []
    for name in CALLS:
        ours_p50 = {}
        for size in sizes:
            o = stats(results["calls"]["ours"][f"{size}:{name}"])
            m = stats(results["calls"]["mlflow"][f"{size}:{name}"])
            ours_p50[size] = o[0]
            ratio = m[0] / o[0]
            ok = ratio >= P50_RATIO_TARGET and o[1] < m[1]
            met_all &= ok
            misses = []
            if ratio < P50_RATIO_TARGET:
                misses.append(f"p50 ×{ratio:.1f} < ×{P50_RATIO_TARGET:g}")
            if o[1] >= m[1]:
                misses.append("p99 not lower")
            lines.append(
                f"| {name} | {size:,} | {o[0]:.1f} | {o[1]:.1f} | {o[2]:.1f} | {m[0]:.1f} | {m[1]:.1f} | {m[2]:.1f} | {ratio:.2f} | {'met' if ok else 'missed: ' + ', '.join(misses)} |"
            )
        growth = ours_p50[sizes[-1]] / ours_p50[sizes[0]]
        flat = growth <= FLAT_TOLERANCE
        met_all &= flat
        verdicts.append(
            f"- {name}: ours p50 at {sizes[-1]:,} is {growth:.2f}× the p50 at {sizes[0]:,} ({'flat' if flat else 'NOT flat'})"
        )
    lines.append("")
    lines.append(
        f"Flat means ours p50 at the largest size ≤ {FLAT_TOLERANCE}× the smallest:"
    )
    lines.extend(verdicts)
    if results["probes"]:
        lines.append("")
        lines.append("| Probe | Versions | p50 | p99 | max |")
        lines.append("| --- | ---: | ---: | ---: | ---: |")
        for label, per_size in results["probes"].items():
            for size in sizes:
                s = stats(per_size[str(size)])
                lines.append(f"| {label} | {size:,} | {s[0]:.1f} | {s[1]:.1f} | {s[2]:.1f} |")
    lines.append("")
    lines.append(
        f"Target (≥ {P50_RATIO_TARGET:g}× lower p50 and lower p99 than MLflow on every call, flat): "
        + ("MET" if met_all else "NOT MET")
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", required=True, help="our MLflow registry URI (…/api/model-registry/mlflow)")
    parser.add_argument("--mlflow", required=True, help="the mlflow server's URI")
    parser.add_argument("--ours-native", help="our native API base (…/api/model-registry), for the probe")
    parser.add_argument("--ours-health", help="a URL of our backend that answers 200 without auth")
    parser.add_argument("--ours-namespace", default="default", help="the namespace MLflow names map to")
    parser.add_argument(
        "--ours-create-tag",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a tag sent when creating the model on our side (the owner)",
    )
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[300, 2000])
    parser.add_argument("--rounds", type=int, default=200, help="measured rounds per size")
    parser.add_argument("--warmup", type=int, default=10, help="unrecorded rounds per size")
    parser.add_argument("--seed-threads", type=int, default=4)
    parser.add_argument("--model-prefix", default="mlflow-bench")
    parser.add_argument("--random-seed", type=int, default=7)
    parser.add_argument("--json", help="write the raw figures here")
    args = parser.parse_args()
    results = run(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f)
    print(summarize(results, args.sizes))


if __name__ == "__main__":
    main()
