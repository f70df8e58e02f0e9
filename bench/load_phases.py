"""CPU of loading the manifests of the ``scale:CxGxA`` seed, phase by phase (issue 15).

The phases ``smartplus plan`` runs before it reads the account: ``files.render`` (templates),
``files.identities`` (the guess that lets the read start early) and ``files.parse`` (YAML,
validation, rules, media), each timed with ``time.process_time`` in this process, called as
``smartplus plan`` calls them, the garbage collector tuned as the CLI tunes it. Prints the median (range) of N runs and, with
``--profile K``, the top K functions of one more run by own time (cProfile).
Goal: render + identities + parse <= 0.35 s of CPU at 1x (200 x 10 x 5).

    .venv/bin/python bench/load_phases.py [--seed scale:200x10x5] [--runs 5] [--profile 25]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import tempfile
import time
from pathlib import Path

from _common import median_range, parse_scale, write_scale_manifests

from reconciler.adapters import files
from reconciler.pipeline import tune_gc


def one_run(folder: Path) -> tuple[float, float, float, int]:
    gc.collect()
    t0 = time.process_time()
    rendered = files.render([str(folder)])
    t1 = time.process_time()
    files.identities(rendered)
    t2 = time.process_time()
    loaded = files.parse(rendered)  # (which pauses the cyclic GC itself, as in `smartplus plan`)
    t3 = time.process_time()
    objects = sum(
        1 + len(m.campaign.adgroups) + sum(len(g.ads) for g in m.campaign.adgroups) for m in loaded.manifests
    )
    return t1 - t0, t2 - t1, t3 - t2, objects


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", default="scale:200x10x5")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--profile", type=int, default=0, metavar="K")
    args = ap.parse_args()
    c, g, a = parse_scale(args.seed)
    tune_gc()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_scale_manifests(Path(tmp), c, g, a)
        runs = [one_run(folder) for _ in range(args.runs)]
        size = sum(len(r.text) for r in files.render([str(folder)]).rendered)
        print(f"load phases, {args.seed}: {runs[0][3]:,} objects, {size / 1e6:.1f} MB of rendered YAML")
        print(f"  CPU s, median (range) of {len(runs)} runs")
        for i, name in enumerate(("render", "identities", "parse")):
            print(f"  {name:10s} {median_range([r[i] for r in runs], '.3f')}")
        totals = [r[0] + r[1] + r[2] for r in runs]
        print(f"  {'total':10s} {median_range(totals, '.3f')}")
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            one_run(folder)
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
