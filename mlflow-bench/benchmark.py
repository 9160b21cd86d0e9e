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
from mlflow.exceptions import RestException  # noqa: E402
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
    """One registry under test: a label, its client, its token and the model it grows."""

    label: str
    uri: str
    token: str
    model: str
    create_tags: dict[str, str]
    versions: int = 0
    samples: dict[tuple[int, str], list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)

    def use_token(self) -> None:
        """Makes the next client call send this target's token (untimed).

        MLflow's client reads MLFLOW_TRACKING_TOKEN at every request, so targets with
        different tokens take turns with it.
        """
        if self.token:
            os.environ["MLFLOW_TRACKING_TOKEN"] = self.token
        else:
            os.environ.pop("MLFLOW_TRACKING_TOKEN", None)


@dataclass
class Probe:
    """A plain HTTP request timed next to the client calls (what a cost on a side is)."""

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


def register_first_version(t: Target, wait_s: float) -> float:
    """Registers version 1 right after the model; returns how long until it was allowed.

    A user's permission is the catalog's is-entity-owner rule, which holds only once the
    catalog has the new model's entity: until then the registry answers PERMISSION_DENIED.
    """
    started = time.perf_counter()
    while True:
        try:
            t.client.create_model_version(t.model, SOURCE)
            return time.perf_counter() - started
        except RestException as e:
            if e.error_code != "PERMISSION_DENIED" or time.perf_counter() - started > wait_s:
                raise
            time.sleep(0.5)


def time_call(fn: Callable[[], object]) -> tuple[float, object]:
    """Milliseconds one client call took, and its result."""
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def time_probe(session: requests.Session, probe: Probe) -> float:
    """Milliseconds one plain HTTP request took; fails on an unexpected status."""
    start = time.perf_counter()
    response = session.get(probe.url, headers=probe.headers)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != probe.expect:
        raise AssertionError(
            f"probe {probe.label}: {response.status_code} (expected {probe.expect}): {response.text[:200]}"
        )
    return elapsed


def make_targets(args: argparse.Namespace, suffix: str) -> list[Target]:
    """Our backend (the service token), then mlflow server."""
    ours_tags = dict(kv.split("=", 1) for kv in args.ours_create_tag)
    return [
        Target("ours", args.ours, args.ours_token, f"{args.model_prefix}-{suffix}-svc", ours_tags),
        Target("mlflow", args.mlflow, "", f"{args.model_prefix}-{suffix}-mlf", {}),
    ]


def make_probes(args: argparse.Namespace, targets: list[Target]) -> list[Probe]:
    """Raw HTTP for get_model_version on every target, and what our side adds around it."""
    ours, mlflow = targets
    callers = [("ours", ours.token)]
    if args.ours_user_token:
        callers.append(("ours (user)", args.ours_user_token))
    probes = []
    for label, token in callers:
        auth = {"Authorization": f"Bearer {token}"}
        probes += [
            Probe(
                f"{label}: raw HTTP model-versions/get",
                f"{ours.uri}/api/2.0/mlflow/model-versions/get?name={ours.model}&version=1",
                auth,
                200,
            ),
            Probe(
                f"{label}: native API GET version",
                f"{args.ours_native}/models/{args.ours_namespace}/{ours.model}/versions/1",
                auth,
                200,
            ),
            Probe(
                f"{label}: unknown MLflow route (token check, no store)",
                f"{ours.uri}/api/2.0/mlflow/no-such-route",
                auth,
                404,
            ),
        ]
    probes += [
        Probe(
            "mlflow: raw HTTP model-versions/get",
            f"{mlflow.uri}/api/2.0/mlflow/model-versions/get?name={mlflow.model}&version=1",
            {},
            200,
        ),
        Probe("ours: health (HTTP round trip, no auth)", args.ours_health, {}, 200),
        Probe("mlflow: /health (HTTP round trip)", f"{mlflow.uri}/health", {}, 200),
    ]
    return probes


def run(args: argparse.Namespace) -> dict:
    """Seeds and measures both targets at every size; returns the raw samples."""
    rng = random.Random(args.random_seed)
    targets = make_targets(args, secrets.token_hex(3))
    results: dict = {"sizes": {}, "targets": [t.label for t in targets], "first_version_s": {}}
    for t in targets:
        t.use_token()
        t.client.create_registered_model(t.model, tags=t.create_tags or None)
        results["first_version_s"][t.label] = register_first_version(t, args.catalog_wait)
        t.client.set_registered_model_alias(t.model, ALIAS, "1")
        t.versions = 1
    probes = make_probes(args, targets)
    session = requests.Session()
    for size in args.sizes:
        started = time.perf_counter()
        for t in targets:
            t.use_token()
            seed(t, size, args.seed_threads)
            t.client.set_registered_model_alias(t.model, ALIAS, str(size))
        seconds = time.perf_counter() - started
        print(f"[bench] seeded {size} versions on each target in {seconds:.1f} s", file=sys.stderr)
        load_before = os.getloadavg()[0]
        for round_no in range(args.warmup + args.rounds):
            record = round_no >= args.warmup
            # Every target gets the same arguments: one seed per round, one generator each.
            round_seed = rng.random()
            calls = {t.label: measured_calls(t, size, random.Random(round_seed)) for t in targets}
            # Interleaved, and who goes first rotates every round.
            shift = round_no % len(targets)
            order = targets[shift:] + targets[:shift]
            for name in CALLS:
                for t in order:
                    t.use_token()
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
        results["sizes"][str(size)] = {
            "versions_at_end": targets[0].versions,
            "load_1m": [load_before, load_after],
        }
        print(
            f"[bench] measured at {size} (→ {targets[0].versions} versions), "
            f"load {load_before:.2f} → {load_after:.2f}",
            file=sys.stderr,
        )

    results["calls"] = {
        t.label: {f"{size}:{name}": t.samples[(size, name)] for size in args.sizes for name in CALLS}
        for t in targets
    }
    results["probes"] = {p.label: {str(s): v for s, v in p.samples.items()} for p in probes}
    return results


def stats(values: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max of a list of milliseconds."""
    return percentile(values, 50), percentile(values, 99), max(values)


def summarize(results: dict, sizes: list[int]) -> str:
    """The markdown report: one row per call, size and target, then flatness and probes."""
    ours = [label for label in results["targets"] if label != "mlflow"]
    lines = [
        "| Call | Versions | Target | p50 | p99 | max | MLflow/this p50 | Target met |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    met = {label: True for label in ours}
    flatness = []
    for name in CALLS:
        p50s: dict[str, dict[int, float]] = {label: {} for label in ours}
        for size in sizes:
            m = stats(results["calls"]["mlflow"][f"{size}:{name}"])
            for label in ours:
                o = stats(results["calls"][label][f"{size}:{name}"])
                p50s[label][size] = o[0]
                ratio = m[0] / o[0]
                misses = []
                if ratio < P50_RATIO_TARGET:
                    misses.append(f"p50 ×{ratio:.2f}")
                if o[1] >= m[1]:
                    misses.append("p99 not lower")
                met[label] &= not misses
                verdict = "yes" if not misses else "no: " + ", ".join(misses)
                lines.append(
                    f"| {name} | {size:,} | {label} | {o[0]:.1f} | {o[1]:.1f} | {o[2]:.1f} "
                    f"| {ratio:.2f} | {verdict} |"
                )
            lines.append(f"| {name} | {size:,} | mlflow | {m[0]:.1f} | {m[1]:.1f} | {m[2]:.1f} | | |")
        for label in ours:
            growth = p50s[label][sizes[-1]] / p50s[label][sizes[0]]
            flat = growth <= FLAT_TOLERANCE
            met[label] &= flat
            flatness.append(
                f"- {name} ({label}): p50 at {sizes[-1]:,} = {growth:.2f}× p50 at {sizes[0]:,}"
                + ("" if flat else " (not flat)")
            )
    lines += ["", f"Flat (p50 at {sizes[-1]:,} ≤ {FLAT_TOLERANCE}× p50 at {sizes[0]:,}):", *flatness]
    lines += ["", "| Probe | Versions | p50 | p99 | max |", "| --- | ---: | ---: | ---: | ---: |"]
    for label, per_size in results["probes"].items():
        for size in sizes:
            s = stats(per_size[str(size)])
            lines.append(f"| {label} | {size:,} | {s[0]:.1f} | {s[1]:.1f} | {s[2]:.1f} |")
    lines.append("")
    for label in results["targets"]:
        for size in sizes:
            client = percentile(results["calls"][label][f"{size}:get_model_version"], 50)
            raw = percentile(results["probes"][f"{label}: raw HTTP model-versions/get"][str(size)], 50)
            lines.append(
                f"- {label} at {size:,}: the MLflow client adds {client - raw:.1f} ms to the raw "
                f"HTTP get ({client:.1f} vs {raw:.1f} ms p50)"
            )
    for label, seconds in results["first_version_s"].items():
        lines.append(f"- {label}: first version registered {seconds:.1f} s after the model")
    lines.append("")
    for label in ours:
        lines.append(
            f"Target for {label} (≥ {P50_RATIO_TARGET:g}× lower p50 and lower p99 than MLflow "
            f"on every call, flat): {'met' if met[label] else 'NOT met'}"
        )
    return "\n".join(lines)


def main() -> None:
    """Parses the options, runs the benchmark, prints the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", required=True, help="our MLflow registry URI (…/api/model-registry/mlflow)")
    parser.add_argument("--mlflow", required=True, help="the mlflow server's URI")
    parser.add_argument(
        "--ours-token",
        default=os.environ.get("MLFLOW_TRACKING_TOKEN", ""),
        help="our token (default: MLFLOW_TRACKING_TOKEN)",
    )
    parser.add_argument("--ours-user-token", help="also probe our reads with this user's token")
    parser.add_argument(
        "--catalog-wait",
        type=float,
        default=180,
        help="seconds a new model's first version may be denied while the catalog catches up",
    )
    parser.add_argument("--ours-native", required=True, help="our native API (…/api/model-registry)")
    parser.add_argument("--ours-health", required=True, help="a URL of our backend answering 200 unauthenticated")
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
