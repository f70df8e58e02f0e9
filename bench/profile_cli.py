"""Profile the real `smartplus plan` (or `import`) process: where its CPU and its memory go.

The emulator runs as its own process (`smartplus emulator serve --seed scale:CxGxA`), the command
runs as another, under py-spy (CPU, every thread: the top functions by own samples and by
samples including callees; the manifests are parsed in a worker thread, which cProfile misses),
under cProfile with `--cprofile` (main thread only), or with `--memory` under tracemalloc (the lines that hold the most memory when the account has been
read, when the plan is built, and near the peak: the last time the traced memory passed its
previous high by 3%).

    .venv/bin/python bench/profile_cli.py plan --seed scale:200x10x5 [--changes] [--top 15]
    .venv/bin/python bench/profile_cli.py plan --seed scale:1000x10x5 --memory
    .venv/bin/python bench/profile_cli.py import --seed scale:200x10x5
"""

from __future__ import annotations

import argparse
import pstats
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from _common import ROOT, emulator_server, parse_scale, run_child, smartplus, write_scale_manifests

# Run in the child: trace allocations, snapshot when the account has been read and when
# load_and_plan returns, print the top lines of each and the peak at exit.
MEMORY_WRAPPER = """
import sys, threading, time, tracemalloc
tracemalloc.start(12)
from reconciler import pipeline
from reconciler.adapters import fetch
_seen = {}
def _summary(size):
    # Summarised at once and the snapshot dropped: a snapshot of a million traces is itself
    # hundreds of MiB of Python objects, and must not be what the next reading measures.
    snap = tracemalloc.take_snapshot()
    top = [(s.size, s.count, f"{s.traceback[0].filename}:{s.traceback[0].lineno}") for s in snap.statistics("lineno")[:TOP]]
    ours = {}
    for s in snap.statistics("traceback"):
        # Frames run from the oldest to the most recent (Python >= 3.7): the innermost line of ours
        # is the last one of reconciler/.
        frame = next((f for f in reversed(s.traceback) if "/reconciler/" in f.filename), None)
        key = f"{frame.filename.split('/reconciler/')[-1]}:{frame.lineno}" if frame else "(outside reconciler/)"
        ours[key] = ours.get(key, 0) + s.size
    del snap
    return size, top, sorted(ours.items(), key=lambda kv: -kv[1])[:TOP]
def _wrap(owner, name, label):
    orig = getattr(owner, name)
    async def wrapped(*a, **k):
        out = await orig(*a, **k)
        _seen[label] = _summary(tracemalloc.get_traced_memory()[0])
        return out
    setattr(owner, name, wrapped)
_wrap(fetch, "fetch_for", "account read")
_wrap(pipeline, "load_and_plan", "plan built")
def _watch():
    # What is held near the peak: a summary each time the traced memory passes its last high by
    # 5% (read every 0.2 s), so the last one is within about 5% of the true peak.
    best = 0
    while True:
        time.sleep(0.2)
        cur = tracemalloc.get_traced_memory()[0]
        if cur > best * 1.05:
            best = cur
            _seen["the last high (near the peak)"] = _summary(cur)
threading.Thread(target=_watch, daemon=True).start()
import atexit
def _report():
    cur, peak = tracemalloc.get_traced_memory()
    print(f"tracemalloc: peak {peak / 2**20:.0f} MiB traced (summaries included), {cur / 2**20:.0f} MiB at exit", file=sys.stderr)
    for label, (size, top, ours) in _seen.items():
        print(f"at {label}: {size / 2**20:.0f} MiB traced; top {TOP} lines:", file=sys.stderr)
        for size, count, where in top:
            print(f"  {size / 2**20:8.1f} MiB {count:>9} blocks  {where}", file=sys.stderr)
        print(f"  by the innermost line of reconciler/ that allocated it:", file=sys.stderr)
        for key, size in ours:
            print(f"  {size / 2**20:8.1f} MiB  reconciler/{key}", file=sys.stderr)
atexit.register(_report)
sys.argv = ["smartplus", ARGS]
from reconciler.cli import main
main()
"""


def print_spy(raw: str, top: int) -> None:
    """py-spy's collapsed stacks (``frame;frame;... count``) -> top functions: by own samples (with
    the nearest function of ours that called them), and ours by samples including callees."""
    own: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    via: dict[str, Counter[str]] = {}
    total = 0
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack:
            continue
        count = int(n)
        total += count
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        frames = [re.sub(r"\(/.*?/(site-packages|lib/python3\.\d+|perf)/", "(", f) for f in frames]
        ours = [f for f in frames if "(reconciler/" in f and "__main__" not in f and "clikit" not in f]
        own[frames[-1]] += count
        caller = next((f for f in reversed(ours) if f != frames[-1]), "-")
        via.setdefault(frames[-1], Counter())[caller] += count
        for f in set(ours):
            incl[f] += count
    print(f"\n{total} samples of busy threads at 200/s (idle waits are not sampled)")
    print(f"\n---- top {top} by own samples (<- the nearest caller of ours) ----")
    for name, count in own.most_common(top):
        callers = ", ".join(f"{c} {m}" for c, m in via[name].most_common(2))
        print(f"  {count:>6} {count / total:6.1%}  {name}  <- {callers}")
    print(f"\n---- top {top} of ours by samples including callees ----")
    for name, count in incl.most_common(top):
        print(f"  {count:>6} {count / total:6.1%}  {name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["plan", "import"])
    ap.add_argument("--seed", default="scale:200x10x5")
    ap.add_argument("--changes", action="store_true", help="every ad's text differs from the live one")
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--memory", action="store_true", help="tracemalloc instead of cProfile (plan only)")
    ap.add_argument("--cprofile", action="store_true", help="cProfile (main thread) instead of py-spy")
    ap.add_argument("--keep", help="copy the profile (.prof, or py-spy's raw stacks) here")
    args = ap.parse_args()
    c, g, a = parse_scale(args.seed)
    work = Path(tempfile.mkdtemp(prefix="smartplus-profile-"))
    try:
        manifests = write_scale_manifests(work / "m", c, g, a, changed_ads=args.changes)
        if args.command == "plan":
            cli = ["plan", str(manifests), "-o", str(work / "plan.json"), "--rate-limit", str(args.rate)]
            if args.changes:  # as bench/plan_scale.py: the seed's ad groups are new, so the learning phase
                cli += ["--override", "learning-phase"]
        else:
            cli = ["import", "--advertiser", "7000000000000000001", "-o", str(work / "imported")]
            cli += ["--rate-limit", str(args.rate)]
        prof = work / "out.prof"
        if args.memory:
            code = MEMORY_WRAPPER.replace("TOP", str(args.top)).replace("ARGS", repr(cli)[1:-1])
            cmd = [sys.executable, "-c", code]
        elif args.cprofile:
            # Not `python -m cProfile -m reconciler`: the console script ends plan with os._exit
            # (cli.FAST_EXIT), before cProfile writes its file. click's main, profiled, instead.
            code = (
                "import cProfile, sys\nfrom reconciler.cli import main\npr = cProfile.Profile()\n"
                f"try:\n    pr.runcall(main, {cli!r})\nexcept SystemExit:\n    pass\n"
                f"pr.dump_stats({str(prof)!r})\n"
            )
            cmd = [sys.executable, "-c", code]
        else:
            spy = str(Path(sys.executable).with_name("py-spy"))
            if not Path(spy).exists():
                raise SystemExit(
                    f"py-spy is not installed beside {sys.executable}: pip install py-spy, or --cprofile"
                )
            cmd = [spy, "record", "--nonblocking", "-r", "200", "-f", "raw", "-o", str(prof), "--"]
            cmd += [sys.executable, "-m", "reconciler", *cli]
        with emulator_server(args.seed, args.latency_ms, args.rate):
            run = run_child(cmd, cwd=ROOT)
        print(f"$ {' '.join(smartplus(*cli)[2:])}  (seed {args.seed}, changes: {args.changes})")
        print(f"exit {run.rc}; wall {run.wall:.2f} s; CPU {run.cpu:.2f} s; peak RSS {run.peak_mb:.0f} MB")
        print("(under the profiler: slower than without it)")
        if run.rc not in (0, 2):
            print(run.stderr[-3000:])
        if args.memory:
            print(run.stderr[run.stderr.find("tracemalloc: peak") :])
            return
        if args.cprofile:
            stats = pstats.Stats(str(prof))
            for key in ("tottime", "cumulative"):
                print(f"\n---- top {args.top} by {key} ----")
                stats.sort_stats(key).print_stats(args.top)
        else:
            print_spy(prof.read_text(encoding="utf-8"), args.top)
        if args.keep:
            shutil.copy(prof, args.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
