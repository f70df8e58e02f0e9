"""Plan an account of 200 campaigns, 2,000 ad groups and 10,000 ads (spec 9).

The emulator runs as its own process (`smartplus emulator serve --seed
scale:200x10x5 --latency-ms 50 --rate-limit 10`), so the CPU time and memory
printed here are smartplus's own: render, validate, read, diff, plan.
Beside it, a per-object reader (one get per object, as Terraform providers
refresh) reads the same account; at 10 requests per second it needs
12,200 calls and 20 minutes, so by default it reads a sample and the time is
extrapolated (and says so). Run: `.venv/bin/python bench/plan_scale.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import tempfile
import time
from pathlib import Path

from _common import ROOT, emulator_server

from reconciler import pipeline
from reconciler.adapters import connect, fetch
from reconciler.adapters.api import TikTokClient
from reconciler.pipeline import tune_gc


async def per_object_reader(client: TikTokClient, advertiser: str, sample: int) -> tuple[int, int, float]:
    """One get per object, by id: how a per-resource refresh reads the account."""
    campaigns = await fetch.read_campaigns(client, advertiser)
    ids = [("campaign", str(c["campaign_id"])) for c in campaigns]
    groups = await fetch.read_children(client, "adgroup", advertiser, [i for _, i in ids])
    ads = await fetch.read_children(client, "ad", advertiser, [i for _, i in ids])
    ids += [("adgroup", str(g["adgroup_id"])) for g in groups] + [
        ("ad", str(a["smart_plus_ad_id"])) for a in ads
    ]
    total = len(ids)
    chosen = ids[: sample or total]
    start = time.perf_counter()
    await asyncio.gather(
        *(
            client.get(
                fetch.ENDPOINT[kind], {"advertiser_id": advertiser, "filtering": {fetch.ID_FILTER[kind]: [i]}}
            )
            for kind, i in chosen
        )
    )
    return total, len(chosen), time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--campaigns", type=int, default=200)
    ap.add_argument("--adgroups", type=int, default=10)
    ap.add_argument("--ads", type=int, default=5)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--per-object-sample", type=int, default=200, help="0 = read every object (slow)")
    args = ap.parse_args()
    tune_gc()  # as the `smartplus` command does
    seed = f"scale:{args.campaigns}x{args.adgroups}x{args.ads}"
    n_objects = args.campaigns * (1 + args.adgroups * (1 + args.ads))

    work = Path(tempfile.mkdtemp(prefix="smartplus-bench-"))
    shutil.copy(ROOT / "bench" / "scale.yaml.j2", work / "scale.yaml.j2")
    (work / "scale.values.yaml").write_text(
        f"campaigns: {args.campaigns}\nadgroups: {args.adgroups}\nads: {args.ads}\nbudget: 500\n"
        'start_time: "2026-01-01 00:00:00"\n'  # as the scale seed has it
    )
    with emulator_server(seed, args.latency_ms, args.rate) as _base:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        pipeline.load_desired([str(work)])  # once apart, to print what loading alone costs
        cpu_load = time.process_time() - cpu0
        cpu0, wall0 = time.process_time(), time.perf_counter()

        async def plan() -> tuple[object, TikTokClient]:
            # What `smartplus plan` runs: load, read and plan, reading while the manifests parse.
            client = connect.open_client(emulator=False, rate_limit=args.rate)
            async with client:
                _loaded, the_plan = await pipeline.load_and_plan(client, pipeline.PlanRequest([str(work)]))
            return the_plan, client

        the_plan, client = asyncio.run(plan())
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stats = client.stats
        calls = sum(stats.calls.values())

        async def reader() -> tuple[int, int, float]:
            async with connect.open_client(emulator=False, rate_limit=args.rate) as c:
                return await per_object_reader(c, "7000000000000000001", args.per_object_sample)

        total, sampled, seconds = asyncio.run(reader())

    # Paging minimum: campaigns in pages of 1,000; ad groups (1,000) and ads (100) per chunk of 100 campaigns.
    chunks = -(-args.campaigns // 100)
    per_chunk_groups = min(100, args.campaigns) * args.adgroups
    paging_min = (
        -(-args.campaigns // 1000)
        + chunks * -(-per_chunk_groups // 1000)
        + chunks * -(-(per_chunk_groups * args.ads) // 100)
    )
    calls_alone = calls / args.rate
    print(
        f"account: {args.campaigns} campaigns, {args.campaigns * args.adgroups} ad groups, "
        f"{args.campaigns * args.adgroups * args.ads} ads ({n_objects} objects); "
        f"server {args.rate:g}/s, {args.latency_ms} ms latency"
    )
    print(f"plan changes: {len(the_plan.changes)}")  # type: ignore[attr-defined]
    print()
    print(f"{'':32}{'smartplus':>14}{'per-object reader':>22}")
    print(f"{'API calls':32}{calls:>14}{total:>22}")
    print(f"{'paging minimum (+1 per type)':32}{paging_min:>14}{paging_min + 3:>22}")
    reader_time = seconds * total / sampled if sampled else 0.0
    est = "" if sampled == total else f" (measured {sampled}, extrapolated)"
    print(f"{'wall time (s)':32}{wall:>14.2f}{reader_time:>22.1f}{est}")
    print(f"{'time the calls alone need (s)':32}{calls_alone:>14.2f}{total / args.rate:>22.1f}")
    print(f"{'wall / calls-alone':32}{wall / calls_alone:>14.2f}{reader_time / (total / args.rate):>22.2f}")
    print(f"{'CPU time, ours (s)':32}{cpu:>14.2f}")
    print(f"{'(render+validate alone (s))':32}{cpu_load:>14.2f}")
    print(f"{'peak memory (MB)':32}{peak_mb:>14.0f}")
    print()
    print(f"calls per endpoint: {dict(stats.calls)}")
    print(f"40100 answers: {stats.throttled}; retries: {stats.retries}")
    targets = [
        ("calls <= paging minimum + 3", calls <= paging_min + 3),
        ("wall <= 1.2x calls alone", wall <= 1.2 * calls_alone),
        ("CPU < 3 s", cpu < 3.0),
        ("memory < 500 MB", peak_mb < 500),
    ]
    print("targets: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in targets))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
