"""The fault property at a larger scale: apply under 20% faults until it converges.

Each run plans a fresh emulator account for N campaigns, then applies the plan
while the emulator injects faults (errors 50000/50002, timeouts, dropped
connections, lost answers, 40100) at the given rate and our own process
"dies" at random requests; after every failure or crash the plan is applied
again, as a user would. Printed: runs, faults injected by kind, crashes,
re-runs, duplicates found (target 0) and runs that did not converge (target
0). Run: `.venv/bin/python bench/fault_soak.py [--runs 50] [--campaigns 10]`.

`--race N` also runs the two-applies race N times per way (two real `smartplus apply`
processes started together against the HTTP emulator with latency: on one plan file, on two
copies, on two copies without a shared lock as two CI runners, and on two plans made
separately) and prints the duplicates found (target 0) and the runs that did not converge.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.apply.faults import KINDS_DEFAULT, fresh_dir, run, write_manifests


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--campaigns", type=int, default=10)
    ap.add_argument("--ads", type=int, default=3, help="ads per ad group (2 ad groups per campaign)")
    ap.add_argument("--rate", type=float, default=0.2, help="share of calls that fail")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--race", type=int, default=0, help="two-applies races per way (0: none)")
    args = ap.parse_args()
    if args.race:
        race_soak(args.race)
        if args.runs == 0:
            return
    rng = random.Random(args.seed)
    base = Path(tempfile.mkdtemp(prefix="smartplus-soak-"))
    markets = [f"M{i:02d}" for i in range(args.campaigns)]
    manifests = write_manifests(base / "manifests", markets, ads_per_group=args.ads)
    objects = args.campaigns * (1 + 2 * (1 + args.ads))
    faults: Counter[str] = Counter()
    crashes = reruns = duplicates = leftovers = calls = 0
    start = time.perf_counter()
    for i in range(args.runs):
        weights = [rng.randint(0, 10) for _ in KINDS_DEFAULT]
        if not any(weights):
            weights[0] = 1
        spec = ",".join(
            f"{k}={args.rate * w / sum(weights):.4f}"
            for k, w in zip(KINDS_DEFAULT, weights, strict=True)
            if w
        )
        crash_points = sorted(rng.sample(range(1, objects * 2), k=rng.randint(0, 3)))
        out = run(
            fresh_dir(base / f"w{i}"),
            manifests,
            faults=spec,
            fault_seed=rng.getrandbits(32),
            crash_points=crash_points,
        )
        faults.update(out.faults)
        crashes += out.crashes
        reruns += out.runs - 1
        duplicates += len(out.duplicates)
        leftovers += out.remaining_changes != 0
        calls += out.calls
    wall = time.perf_counter() - start
    print(f"runs: {args.runs} ({objects} objects each, {args.rate:.0%} of calls faulted)")
    print(f"API calls: {calls}; faults injected: {sum(faults.values())} {dict(sorted(faults.items()))}")
    print(f"simulated crashes of our process: {crashes}; re-runs of apply: {reruns}")
    print(f"duplicates found: {duplicates} (target 0)")
    print(f"runs not converged to the manifests: {leftovers} (target 0)")
    print(f"wall time: {wall:.1f} s")


def race_soak(n: int) -> None:
    from reconciler.emulator import create_app
    from reconciler.emulator.server import BackgroundServer
    from tests.apply.test_two_applies import HOWS, LATENCY_MS, race

    print(f"two applies at once, {n} run(s) per way, emulator latency {LATENCY_MS} ms:")
    for how in HOWS:
        dups = unconverged = refused = 0
        start = time.perf_counter()
        for i in range(n):
            tmp = Path(tempfile.mkdtemp(prefix=f"smartplus-race-{how}-{i}-"))
            app = create_app(db=str(tmp / "emu.db"), seed="demo", latency_ms=LATENCY_MS)
            with BackgroundServer(app) as url:
                r = race(url, tmp, how)
            dups += sum(len(v) for v in r.duplicates.values())
            unconverged += not r.converged
            refused += 1 in r.codes
        print(
            f"  {how:12s} runs {n}: duplicates {dups}, not converged {unconverged}, "
            f"loser refused {refused} (the rest found nothing left), {time.perf_counter() - start:.0f} s"
        )


if __name__ == "__main__":
    main()
