"""How long the command line takes to start: ``smartplus --help`` and ``smartplus validate``.

Each command runs N times in a fresh process (process start-up and output included); the
median and the range are printed, beside a bare ``python -c pass`` for the interpreter's
own start-up on this machine. Target (issue 15): ``smartplus --help`` <= 0.2 s.
Also lists the heavy modules each command imported, to show the commands are lazy.

    .venv/bin/python bench/cli_startup.py [-n 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("httpx", "reconciler.pipeline", "reconciler.adapters.apply", "reconciler.emulator")


def smartplus() -> list[str]:
    script = Path(sys.executable).with_name("smartplus")
    if script.exists():
        return [str(script)]
    found = shutil.which("smartplus")
    return [found] if found else [sys.executable, "-m", "reconciler"]


def timed(cmd: list[str], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out.append(time.perf_counter() - t)
    return out


def heavy_modules(args: list[str]) -> list[str]:
    code = (
        "import sys; from reconciler.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return r.stderr.strip().splitlines()[-1:] or [""]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=15)
    args = ap.parse_args()
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"], None),
        ("smartplus --help", [*smartplus(), "--help"], ["--help"]),
        (
            "smartplus validate manifests/",
            [*smartplus(), "validate", "manifests/"],
            ["validate", "manifests/"],
        ),
    ]
    print(f"{'command':32} {'median':>8} {'min':>7} {'max':>7}  (n={args.n})  heavy modules imported")
    for name, cmd, cli_args in rows:
        ts = timed(cmd, args.n)
        heavy = " ".join(heavy_modules(cli_args)) if cli_args else ""
        print(f"{name:32} {statistics.median(ts):7.3f}s {min(ts):6.3f}s {max(ts):6.3f}s  {heavy or '-'}")


if __name__ == "__main__":
    main()
