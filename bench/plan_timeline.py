"""Where the wall time of one `smartplus plan DIR -o plan.json` process goes (issue 15): start-up,
the reads, and the tail after the last read, as the wall-time target (<= 1.1x the paging
minimum's time) depends on all three.

The emulator runs as its own process (`--latency-ms 50 --rate-limit 10`, as bench/plan_scale.py);
the CLI runs as another, its `entry()` wrapped so that it prints, at exit, the wall and CPU time
since its start and the peak RSS so far at each phase: modules imported, `load_and_plan`
entered, the account read begun and ended (`fetch.fetch_for`), `make_plan` begun and ended,
exit. The wrapping adds a few calls, nothing else: the phases are the real ones. N runs,
medians and ranges per mark.

    .venv/bin/python bench/plan_timeline.py                     # 1x, no changes, 3 runs
    .venv/bin/python bench/plan_timeline.py --changes --runs 5  # every ad's text changed
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from _common import (
    emulator_server,
    median_range,
    paging_minimum,
    parse_scale,
    run_child,
    write_scale_manifests,
)

# Run in the child: the marks, then the real CLI entry point on the real arguments.
WRAPPER = r"""
import atexit, json, resource, sys, time
T0, C0 = time.perf_counter(), time.process_time()
marks = []
def mark(name):  # wall, CPU, and the peak RSS so far (MiB; ru_maxrss is KiB on Linux)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks.append((name, time.perf_counter() - T0, time.process_time() - C0, peak))
from reconciler import cli, pipeline
from reconciler.adapters import fetch
import reconciler.commands.plan_cmds
mark("modules imported")
def wrap(mod, name, before, after):
    real = getattr(mod, name)
    async def wrapped(*a, **k):
        mark(before)
        try:
            return await real(*a, **k)
        finally:
            mark(after)
    setattr(mod, name, wrapped)
wrap(pipeline, "load_and_plan", "load_and_plan entered", "load_and_plan returned")
wrap(fetch, "fetch_for", "account read begun", "account read ended")
wrap(pipeline, "make_plan", "make_plan begun", "make_plan ended")
atexit.register(lambda: (mark("exit"), sys.stderr.write("MARKS " + json.dumps(marks) + "\n")))
sys.argv = ["smartplus", *sys.argv[1:]]
cli.entry()
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", default="scale:200x10x5")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--changes", action="store_true", help="every ad's text differs from the live one")
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument(
        "--python", help="the interpreter of the plan processes (a venv with the wheel installed)"
    )
    args = ap.parse_args()
    c, g, a = parse_scale(args.seed)
    work = Path(tempfile.mkdtemp(prefix="smartplus-timeline-"))
    try:
        manifests = write_scale_manifests(work / "m", c, g, a, changed_ads=args.changes)
        runs: list[list[tuple[str, float, float, float]]] = []
        walls: list[float] = []
        with emulator_server(args.seed, args.latency_ms, args.rate):
            for _ in range(args.runs):
                out = work / "plan.json"
                cmd = [args.python or sys.executable, "-c", WRAPPER, "plan", str(manifests), "-o", str(out)]
                cmd += ["--rate-limit", str(args.rate)]
                if args.changes:  # as bench/plan_scale.py: the seed's ad groups are in their learning phase
                    cmd += ["--override", "learning-phase"]
                run = run_child(cmd)
                if run.rc not in (0, 2, 3):
                    raise SystemExit(f"plan failed ({run.rc}): {run.stderr[-2000:]}")
                line = next(ln for ln in run.stderr.splitlines() if ln.startswith("MARKS "))
                runs.append([tuple(m) for m in json.loads(line[6:])])  # type: ignore[misc]
                walls.append(run.wall)
        base = paging_minimum(c, g, a) / args.rate
        print(
            f"{args.seed}{', every ad changed' if args.changes else ''}: {args.runs} run(s), "
            f"median (range); paging minimum's time {base:.2f} s"
        )
        print(
            f"  {'mark':28}{'wall since start (s)':>26}{'CPU since start (s)':>26}{'peak RSS so far (MB)':>24}"
        )
        for i, (name, *_) in enumerate(runs[0]):
            wall = median_range([r[i][1] for r in runs], ".3f")
            cpu = median_range([r[i][2] for r in runs], ".3f")
            peak = median_range([r[i][3] * 1.048576 for r in runs], ".0f")  # MiB -> MB
            print(f"  {name:28}{wall:>26}{cpu:>26}{peak:>24}")
        if len(runs) > 1:
            print(
                "  peak RSS at exit, each run (MB): " + ", ".join(f"{r[-1][3] * 1.048576:.0f}" for r in runs)
            )

        def span(start: str, end: str) -> list[float]:
            out = []
            for r in runs:
                at = {n: w for n, w, *_ in r}
                out.append(at[end] - at[start])
            return out

        print("  spans (wall, s):")
        print(
            f"    {'start-up to the first read':34}{median_range(span('modules imported', 'account read begun'), '.3f')}"
        )
        print(f"    {'the reads':34}{median_range(span('account read begun', 'account read ended'), '.3f')}")
        print(f"    {'last read to exit':34}{median_range(span('account read ended', 'exit'), '.3f')}")
        print(
            f"  whole process (wall, from the parent; interpreter start-up included): "
            f"{median_range(walls)} s = {median_range([w / base for w in walls])}x the paging minimum's time"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
