"""Apply 1,000 creates against a server that allows 10 requests per second (spec 9).

The emulator runs as its own process with `--rate-limit 10 --latency-ms 50`;
smartplus plans and applies 25 campaigns x 3 ad groups x 12 ads (1,000
creates, then the enable batches). Printed: wall time, API calls, 40100
answers received (target 0) and the share of the allowed rate used (target at
least 90%). Run: `.venv/bin/python bench/apply_scale.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from _common import ROOT, emulator_server, server_stats

from reconciler import pipeline
from reconciler.adapters import connect
from reconciler.pipeline import tune_gc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--campaigns", type=int, default=25)
    ap.add_argument("--adgroups", type=int, default=3)
    ap.add_argument("--ads", type=int, default=12)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--rate", type=float, default=10.0, help="the server's limit, and the client's")
    args = ap.parse_args()
    tune_gc()  # as the `smartplus` command does
    creates = args.campaigns * (1 + args.adgroups * (1 + args.ads))

    work = Path(tempfile.mkdtemp(prefix="smartplus-apply-"))
    shutil.copy(ROOT / "bench" / "scale.yaml.j2", work / "scale.yaml.j2")
    (work / "scale.values.yaml").write_text(
        f"campaigns: {args.campaigns}\nadgroups: {args.adgroups}\nads: {args.ads}\nbudget: 500\n"
        'start_time: "2027-12-01 00:00:00"\n'
    )
    with emulator_server("demo", args.latency_ms, args.rate) as base:
        loaded = pipeline.load_desired([str(work)])
        req = pipeline.PlanRequest([str(work)])

        async def run() -> tuple[float, int, int, int, bool]:
            async with connect.open_client(emulator=False, rate_limit=args.rate) as client:
                plan = await pipeline.make_plan(client, loaded, req)
                start = time.perf_counter()
                result = await pipeline.apply_saved(
                    client, plan, loaded, plan_path=work / "plan.json", now=plan_time(plan.created_at)
                )
                wall = time.perf_counter() - start
                calls = sum(client.stats.calls.values()) - plan.stats["api_calls"]
                return wall, calls, client.stats.throttled, len(plan.changes), result.ok

        wall, calls, throttled, n_changes, ok = asyncio.run(run())
        server = server_stats(base)
    by_code = server.get("by_code", {})
    share = calls / wall / args.rate
    print(
        f"apply of {creates} creates ({n_changes} changes incl. enable batches); "
        f"server limit {args.rate:g}/s, {args.latency_ms} ms latency"
    )
    print(f"result: {'ok' if ok else 'FAILED'}")
    print(f"wall time: {wall:.1f} s")
    print(f"API calls (apply, incl. stale check and verification): {calls}")
    print(f"40100 answers received: {throttled} (server counted {by_code.get('40100', 0)}; target 0)")
    print(f"share of the allowed rate used: {share:.1%} (target >= 90%)")
    shutil.rmtree(work, ignore_errors=True)


def plan_time(created_at: str) -> object:
    import datetime as dt

    return dt.datetime.strptime(created_at, "%Y-%m-%d %H:%M:%S")


if __name__ == "__main__":
    main()
