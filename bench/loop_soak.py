"""The long run of the reconcile-loop state machine (tests/loop/machine.py).

    .venv/bin/python bench/loop_soak.py --minutes 10
    .venv/bin/python bench/loop_soak.py --minutes 10 --look-past sort,add-under-live,status-unmanaged

Runs the machine in rounds of hypothesis examples (fresh seeds each round) until the time
is up; every failure is kept, grouped by its signature (exception type and the first line of
its message, ids and numbers blanked), with one reproducing example's steps. Prints the
number of examples and steps run and every distinct failure.

`--look-past` works around known defects of issue 11 so that the run can find what hides
behind them: `sort` orders `Address` values with None first (core/addresses.py orders
dataclass fields, and None < str raises: planner.finish sorts `touched`), in this process
only; `add-under-live` and `status-unmanaged` narrow the machine's rules and checks (see
LOOK_PAST in tests/loop/machine.py). Without it, the first known defect of each example ends
that example.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402

from tests.loop import machine  # noqa: E402


def look_past_sort() -> None:
    """Order addresses with None before any name (the order the planner means), in this process."""
    from reconciler.core.addresses import Address

    def key(a: Address) -> tuple[str, str, str, str]:
        return (a.advertiser_id, a.campaign, a.adgroup or "", a.ad or "")

    Address.__lt__ = lambda a, b: key(a) < key(b)  # type: ignore[method-assign,assignment]
    Address.__le__ = lambda a, b: key(a) <= key(b)  # type: ignore[method-assign,assignment]
    Address.__gt__ = lambda a, b: key(a) > key(b)  # type: ignore[method-assign,assignment]
    Address.__ge__ = lambda a, b: key(a) >= key(b)  # type: ignore[method-assign,assignment]


def signature(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    first = re.sub(r"\(request_id \w+\)", "", first)
    first = re.sub(r"\d{6,}", "N", first)
    first = re.sub(r"'\d{4}'", "'…'", first)  # change ids
    first = re.sub(r"\[('…'(, )?)*\]", "[…]", first)  # lists of them
    first = re.sub(r'"[^"]*"', '"…"', first)
    return f"{type(exc).__name__}: {first[:300]}"


class Counting(machine.LoopMachine):
    """The machine, keeping the notes of the latest example (the steps of a failure)."""

    last_steps: ClassVar[list[str]] = []

    def __init__(self) -> None:
        super().__init__()
        Counting.last_steps = self.steps


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--examples-per-round", type=int, default=20)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--look-past", default="", help="sort,add-under-live,status-unmanaged")
    ap.add_argument("--shrink", action="store_true", help="shrink each failure (slow)")
    args = ap.parse_args()
    # This soak's applies take their locks in a folder of their own: another apply on the
    # machine (a test run, a second soak) must not hold them, nor they another's.
    os.environ["SMARTPLUS_LOCK_DIR"] = tempfile.mkdtemp(prefix="smartplus-soak-locks-")
    past = {p for p in args.look_past.split(",") if p}
    if "sort" in past:
        look_past_sort()
    machine.LOOK_PAST.update(past - {"sort"})

    failures: Counter[str] = Counter()
    examples_of: dict[str, str] = {}
    rounds = 0
    phases = [Phase.generate, Phase.shrink] if args.shrink else [Phase.generate]
    deadline = time.monotonic() + args.minutes * 60
    started = time.monotonic()
    while time.monotonic() < deadline:
        rounds += 1
        try:
            run_state_machine_as_test(
                Counting,
                settings=settings(
                    max_examples=args.examples_per_round,
                    stateful_step_count=args.steps,
                    deadline=None,
                    database=None,
                    phases=phases,
                    report_multiple_bugs=False,
                    suppress_health_check=list(HealthCheck),
                ),
            )
        except BaseException as exc:  # a failure ends the round: record it, start a fresh one
            if isinstance(exc, KeyboardInterrupt):
                break
            sig = signature(exc)
            failures[sig] += 1
            if sig not in examples_of:
                notes = getattr(exc, "__notes__", [])
                examples_of[sig] = "\n".join(
                    [
                        *traceback.format_exception_only(type(exc), exc)[-1:],
                        "steps of the failing example:",
                        *(f"  {s}" for s in Counting.last_steps),
                        *[n for n in notes if "reproduce" in n or "seed" in n],
                    ]
                )
            print(f"[{time.monotonic() - started:6.0f}s] failure: {sig}", flush=True)
    elapsed = time.monotonic() - started
    print()
    print(f"look past: {sorted(past) or 'nothing'}")
    print(
        f"ran {machine.STATS['examples']} example(s), {machine.STATS['steps']} step(s) in {rounds} round(s), "
        f"{elapsed / 60:.1f} min; {sum(failures.values())} failing example(s), {len(failures)} distinct"
    )
    for sig, n in failures.most_common():
        print(f"\n== {n} x {sig}\n{examples_of[sig]}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
