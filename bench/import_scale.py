"""`smartplus import` of an account of 200 campaigns, 2,000 ad groups and 10,000 ads (issue 15).

The emulator runs as its own process (`smartplus emulator serve --seed scale:200x10x5
--latency-ms 50 --rate-limit 10`); the real `smartplus import --advertiser ... -o DIR` runs as
another, measured alone (`os.wait4`: its CPU, user + system, and its peak RSS), N times. Printed:
the median and range of each figure, the calls' share of the wall time, and, once, a `smartplus
plan` of the imported Smart+ campaigns (it must say "No changes": the import round-trips at scale;
the manual campaigns it converts into upgraded copies with `migrate_from` are left out, since
planning those creates them).
Target: <= 5 s CPU. Run: `.venv/bin/python bench/import_scale.py [--runs 3] [--seed scale:...]`.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from _common import emulator_server, median_range, paging_minimum, parse_scale, run_child, smartplus

ADVERTISER = "7000000000000000001"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", default="scale:200x10x5")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--no-plan", action="store_true", help="skip the plan of the imported files")
    args = ap.parse_args()
    c, g, a = parse_scale(args.seed)
    n_objects = c * (1 + g * (1 + a))
    work = Path(tempfile.mkdtemp(prefix="smartplus-import-bench-"))
    runs = []
    try:
        with emulator_server(args.seed, args.latency_ms, args.rate):
            for i in range(args.runs):
                out = work / f"run{i}"
                cmd = smartplus(
                    "import", "--advertiser", ADVERTISER, "-o", str(out), "--rate-limit", str(args.rate)
                )
                run = run_child(cmd)
                if run.rc != 0:
                    raise SystemExit(f"import failed ({run.rc}):\n{run.stderr[-2000:]}")
                runs.append(run)
            files = sorted((work / "run0").glob("*.yaml"))
            size = sum(f.stat().st_size for f in files)
            plan = None
            # The account's manual campaigns come out as upgraded copies (`migrate_from`): planning
            # those creates them, by design. The round trip is of the Smart+ campaigns read.
            migrations = [f for f in files if "migrate_from:" in f.read_text(encoding="utf-8")]
            if not args.no_plan:
                smart = work / "smart-plus"
                smart.mkdir()
                for f in files:
                    if f not in migrations:
                        shutil.copy(f, smart / f.name)
                plan = run_child(smartplus("plan", str(smart), "--rate-limit", str(args.rate)))
        calls = paging_minimum(c, g, a) + 1  # + the legacy campaign list
        print(
            f"$ smartplus import --advertiser {ADVERTISER} -o DIR   ({args.seed}: {n_objects:,} objects; "
            f"server {args.rate:g}/s, {args.latency_ms} ms latency; {args.runs} runs, median (range))"
        )
        print(f"  files written: {len(files)}, {size / 2**20:.1f} MiB")
        print(f"  CPU (s)           {median_range([r.cpu for r in runs])}   target <= 5 s")
        print(f"  wall (s)          {median_range([r.wall for r in runs])}")
        print(f"  reads alone (s)   {calls / args.rate:.2f}  ({calls} calls at {args.rate:g}/s)")
        print(f"  peak RSS (MB)     {median_range([r.peak_mb for r in runs], '.0f')}")
        print(f"  CPU per object    {median_range([r.cpu / n_objects * 1e6 for r in runs], '.0f')} us")
        if plan is not None:
            verdict = (
                "No changes" if "No changes" in plan.stdout else "CHANGES (the import did not round-trip)"
            )
            print(
                f"  smartplus plan of the {len(files) - len(migrations)} imported Smart+ files: exit {plan.rc}, "
                f"{verdict} ({len(migrations)} manual campaign(s) converted for a migration left out)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
