"""Plan an account of 200 campaigns, 2,000 ad groups and 10,000 ads, and one five times larger
(spec 9, issue 15): the real `smartplus plan DIR -o plan.json` process, N runs, medians.

The emulator runs as its own process (`smartplus emulator serve --seed scale:CxGxA --latency-ms
50 --rate-limit 10`); each `smartplus plan` runs as another, measured alone (`os.wait4`: its
CPU, user + system, and its peak RSS), start-up, output and the saved plan included. With
`--changes`, a second set of manifests changes every ad's text (10,000 changed ads at 1x).

Figures, each the median of the runs with their range:
- wall time against the *paging minimum*'s time (the fewest calls that can read the account, at
  the configured rate): that is the baseline, not the tool's own call count, which grows with
  its retries. The old figure (wall / the tool's own calls' time) is printed beside it;
- rate-limit answers: 40100 counted by the server, and all rate-limit answers the client met;
- CPU and peak RSS of the process; RSS per object overall (RSS / objects) and at the margin
  between the sizes ((median RSS at 5x - median at 1x) / (objects at 5x - objects at 1x): what
  one more object costs the whole process: row, model and plan);
- bytes per live object: the account read once more in this process (``fetch_for``, as plan
  reads it) under tracemalloc, what it holds once the read is over (``--no-live-bytes`` skips);
- a per-object reader (one get per object, as Terraform providers refresh) beside it, at 1x, on a
  sample, extrapolated.

    .venv/bin/python bench/plan_scale.py                       # 1x and 5x, 3 runs at 1x, 1 at 5x
    .venv/bin/python bench/plan_scale.py --seeds scale:200x10x5 --runs 10    # the 40100 target
    .venv/bin/python bench/plan_scale.py --changes              # and with every ad changed
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    ChildRun,
    emulator_server,
    median_range,
    paging_minimum,
    parse_scale,
    run_child,
    server_stats,
    smartplus,
    write_scale_manifests,
)

from reconciler.adapters import connect, fetch
from reconciler.adapters.api import TikTokClient
from reconciler.core.kinds import spec

ADVERTISER = "7000000000000000001"


@dataclass
class Series:
    """The runs of one (seed, variant)."""

    seed: str
    changes: bool
    runs: list[ChildRun] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    throttled_client: list[int] = field(default_factory=list)
    throttled_server: list[int] = field(default_factory=list)
    decreases: list[int] = field(default_factory=list)
    n_changes: list[int] = field(default_factory=list)
    plan_bytes: list[int] = field(default_factory=list)
    # stats.read_seconds of the saved plan: load_and_plan from start to end (parse, read, facts
    # and the plan itself; the process's start-up and output are the rest of the wall time).
    read_s: list[float] = field(default_factory=list)
    blocked: str = ""  # the first guardrail line, when a guardrail blocks a change (exit 3)

    @property
    def objects(self) -> int:
        c, g, a = parse_scale(self.seed)
        return c * (1 + g * (1 + a))


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
                spec(kind).get, {"advertiser_id": advertiser, "filtering": {spec(kind).id_filter: [i]}}
            )
            for kind, i in chosen
        )
    )
    return total, len(chosen), time.perf_counter() - start


async def live_bytes(advertiser: str, rate: float) -> tuple[int, int]:
    """(live objects, bytes they hold): the account as ``smartplus plan`` reads it (fetch_for,
    packed page by page), measured with tracemalloc in this process: what is still allocated once
    the read is over and the client closed, i.e. the live account alone."""
    async with connect.open_client(emulator=False, rate_limit=rate) as client:
        names = [str(c["campaign_name"]) for c in await fetch.read_campaigns(client, advertiser)]
        idents: set[fetch.Identity] = {(advertiser, n, None) for n in names}
        del names
        gc.collect()
        tracemalloc.start()
        account = await fetch.fetch_for(client, idents, legacy=False)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return len(account.campaigns) + len(account.adgroups) + len(account.ads), held


def run_series(
    base: str, series: Series, manifests: Path, work: Path, runs: int, rate: float, python: str | None = None
) -> None:
    for i in range(runs):
        out = work / f"plan-{i}.json"
        before = server_stats(base).get("by_code", {})
        cli = ["plan", str(manifests), "-o", str(out), "--rate-limit", str(rate)]
        if series.changes:
            # The seed's ad groups were created when the emulator started: the learning phase would
            # block every ad edit (exit 3). Overridden, so the plan is the one a user would apply.
            cli += ["--override", "learning-phase"]
        run = run_child(smartplus(*cli, python=python))
        after = server_stats(base).get("by_code", {})
        if run.rc not in (0, 2, 3):  # 3: a guardrail blocks a change; the plan is made and saved all the same
            raise SystemExit(f"plan failed ({run.rc}):\n{run.stderr[-3000:]}")
        if run.rc == 3 and not series.blocked:
            series.blocked = next(
                (ln.strip() for ln in run.stdout.splitlines() if "block" in ln.lower()), "?"
            )
        saved = json.loads(out.read_text(encoding="utf-8"))
        stats = saved.get("stats", {})
        series.runs.append(run)
        series.calls.append(int(stats.get("api_calls", 0)))
        series.throttled_client.append(int(stats.get("throttled", 0)))
        series.decreases.append(int(stats.get("rate_decreases", 0)))
        series.throttled_server.append(int(after.get("40100", 0)) - int(before.get("40100", 0)))  # type: ignore[union-attr]
        series.n_changes.append(len(saved.get("changes", [])))
        series.plan_bytes.append(out.stat().st_size)
        series.read_s.append(float(stats.get("read_seconds", 0.0)))
        out.unlink()


def print_series(s: Series, rate: float) -> None:
    c, g, a = parse_scale(s.seed)
    pmin = paging_minimum(c, g, a)
    base_time = pmin / rate
    walls = [r.wall for r in s.runs]
    print(
        f"\n{s.seed} ({s.objects:,} objects){', every ad changed' if s.changes else ''}: "
        f"{len(s.runs)} run(s), median (range)"
    )
    rows = [
        ("plan changes", median_range([float(n) for n in s.n_changes], ".0f")),
        ("API calls (paging minimum)", f"{median_range([float(n) for n in s.calls], '.0f')} ({pmin})"),
        ("wall (s)", median_range(walls)),
        ("paging minimum's time (s)", f"{base_time:.2f}"),
        ("wall / paging minimum's time", median_range([w / base_time for w in walls])),
        ("load_and_plan (s), stats.read_seconds", median_range(s.read_s)),
        ("  / paging minimum's time", median_range([r / base_time for r in s.read_s])),
        (
            "wall / own calls' time (old figure)",
            median_range([w / (n / rate) for w, n in zip(walls, s.calls, strict=True)]),
        ),
        ("40100 answers (server), total", f"{sum(s.throttled_server)} in {len(s.runs)} run(s)"),
        (
            "rate-limit answers (client), total",
            f"{sum(s.throttled_client)} (the client slowed down {sum(s.decreases)} time(s))",
        ),
        ("CPU of the process (s)", median_range([r.cpu for r in s.runs])),
        ("CPU per object (us)", median_range([r.cpu / s.objects * 1e6 for r in s.runs], ".0f")),
        ("peak RSS (MB)", median_range([r.peak_mb for r in s.runs], ".0f")),
        (
            "RSS per object (bytes, overall)",
            median_range([r.peak_mb * 2**20 / s.objects for r in s.runs], ".0f"),
        ),
        ("saved plan (MB)", median_range([b / 2**20 for b in s.plan_bytes])),
    ]
    if s.blocked:
        rows.append(("exit 3, a guardrail says", s.blocked[:100]))
    for name, value in rows:
        print(f"  {name:38}{value}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="scale:200x10x5,scale:1000x10x5")
    ap.add_argument("--runs", type=int, default=3, help="runs at the first (1x) size")
    ap.add_argument("--runs-large", type=int, default=1, help="runs at the other sizes")
    ap.add_argument("--changes", action="store_true", help="also plan with every ad's text changed")
    ap.add_argument("--only-changes", action="store_true", help="only the changed variant")
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--per-object-sample", type=int, default=200, help="0 = none")
    ap.add_argument(
        "--python",
        help="run the plan processes with this interpreter (a venv with the wheel installed, as a user "
        "has it); the default is this one, the development venv",
    )
    ap.add_argument(
        "--no-live-bytes",
        dest="live_bytes",
        action="store_false",
        help="skip reading the account once more in this process to count the bytes per live object",
    )
    args = ap.parse_args()
    seeds = [s.strip() for s in args.seeds.split(",") if s.strip()]
    variants = [True] if args.only_changes else ([False, True] if args.changes else [False])
    load0 = os.getloadavg()
    print(
        f"plan processes: {args.python or sys.executable}; "
        f"server {args.rate:g}/s, {args.latency_ms} ms latency; client --rate-limit {args.rate:g}; "
        f"load average {load0[0]:.1f} at start ({os.cpu_count()} CPUs)"
    )
    done: list[Series] = []
    reader: tuple[int, int, float] | None = None
    work = Path(tempfile.mkdtemp(prefix="smartplus-bench-"))
    try:
        for n, seed in enumerate(seeds):
            c, g, a = parse_scale(seed)
            with emulator_server(seed, args.latency_ms, args.rate) as base:
                for changed in variants:
                    manifests = write_scale_manifests(work / f"m-{n}-{changed}", c, g, a, changed_ads=changed)
                    series = Series(seed, changed)
                    runs = args.runs if n == 0 else args.runs_large
                    run_series(base, series, manifests, work, runs, args.rate, args.python)
                    print_series(series, args.rate)
                    done.append(series)
                if args.live_bytes:
                    objects, held = asyncio.run(live_bytes(ADVERTISER, args.rate))
                    print(
                        f"  {'live objects held (fetch_for, traced)':38}{held / 2**20:.1f} MiB for "
                        f"{objects:,} objects: {held / objects:.0f} bytes per live object"
                    )
                if n == 0 and args.per_object_sample:

                    async def read() -> tuple[int, int, float]:
                        async with connect.open_client(emulator=False, rate_limit=args.rate) as client:
                            return await per_object_reader(client, ADVERTISER, args.per_object_sample)

                    reader = asyncio.run(read())
        if reader is not None:
            total, sampled, seconds = reader
            c, g, a = parse_scale(seeds[0])
            print(
                f"\nper-object reader at {seeds[0]}: {total:,} calls (paging minimum {paging_minimum(c, g, a)})"
            )
            print(
                f"  time for {total:,} calls: {seconds * total / sampled:.0f} s (measured {sampled}, extrapolated)"
            )
        for changed in variants:
            pair = [s for s in done if s.changes == changed]
            if len(pair) >= 2:
                small, large = pair[0], pair[-1]
                # Each size's median peak RSS, and the widest range its runs allow: at the margin,
                # what each further object costs the whole process (its row, its model, its share
                # of the plan), not the live row alone (that is `live objects held` above).
                med = (
                    statistics.median(r.peak_mb for r in large.runs)
                    - statistics.median(r.peak_mb for r in small.runs)
                ) * 2**20
                low = (min(r.peak_mb for r in large.runs) - max(r.peak_mb for r in small.runs)) * 2**20
                high = (max(r.peak_mb for r in large.runs) - min(r.peak_mb for r in small.runs)) * 2**20
                n = large.objects - small.objects
                cpu = (
                    statistics.median(r.cpu for r in large.runs)
                    - statistics.median(r.cpu for r in small.runs)
                ) / n
                print(
                    f"\nmargin {small.seed} -> {large.seed}{' (every ad changed)' if changed else ''}: "
                    f"{med / n:.0f} ({low / n:.0f}-{high / n:.0f}) bytes of peak RSS and "
                    f"{cpu * 1e6:.0f} us of CPU per further object (medians; range from the runs' extremes)"
                )
        load1 = os.getloadavg()
        print(f"\nload average {load1[0]:.1f} at the end (wall figures stretch when the machine is shared)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
