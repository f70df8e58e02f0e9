"""Helpers for the benchmarks: run the emulator as its own process, so that the
CPU time and memory measured here are the tool's own."""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def emulator_server(seed: str, latency_ms: int, rate_limit: float | None) -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", str(port), "--seed", seed]
    cmd += ["--latency-ms", str(latency_ms)]
    if rate_limit:
        cmd += ["--rate-limit", str(rate_limit)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{base}/_emulator/stats", timeout=2.0)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the emulator did not start") from None
                time.sleep(0.2)
        os.environ["TIKTOK_ACCESS_TOKEN"] = "demo-token"
        os.environ["TIKTOK_API_BASE_URL"] = f"{base}/open_api/v1.3/"
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def server_stats(base: str) -> dict[str, object]:
    return dict(httpx.get(f"{base}/_emulator/stats", timeout=10).json())


def server_reset_stats(base: str) -> None:
    # Counting starts now: the seed's own requests (none) and the health checks are not ours.
    httpx.post(f"{base}/_emulator/config", json={}, timeout=10)


# ---- the CLI as its own process, and the figures of a few runs ---------------------------------


@dataclass
class ChildRun:
    """One child process: exit code, wall time, its own CPU (user + system) and peak RSS."""

    rc: int
    wall: float
    cpu: float
    peak_mb: float
    stdout: str
    stderr: str


# The child is started by this small launcher, which reports its rusage. A process's ru_maxrss
# counts the memory of the process it was forked from, as it was at the fork (Linux charges the
# pages mapped before exec): a child of this bench, whose own RSS reaches 250 MB once it has held
# an account in process (the live-bytes figure), reported 250 MB for a plan that peaked at 145.
# The launcher is small when it forks: what it reports is the child's own.
_LAUNCHER = r"""
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_pid, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    json.dump({"rc": os.waitstatus_to_exitcode(status), "wall": wall,
               "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}, f)
"""


def run_child(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> ChildRun:
    """Run ``cmd`` and measure it alone: its exit code, wall time, CPU and peak RSS as its own
    rusage gives them (not the emulator's, another process; not this bench's, see _LAUNCHER)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        fd, report = tempfile.mkstemp(prefix="smartplus-run-", suffix=".json")
        os.close(fd)
        try:
            subprocess.run(
                [sys.executable, "-c", _LAUNCHER, report, *cmd],
                cwd=cwd or ROOT,
                env={**os.environ, **(env or {})},
                stdout=out,
                stderr=err,
                check=False,
            )
            got = json.loads(Path(report).read_text(encoding="utf-8"))
        finally:
            os.unlink(report)
        out.seek(0)
        err.seek(0)
        return ChildRun(
            rc=int(got["rc"]),
            wall=float(got["wall"]),
            cpu=float(got["cpu"]),
            peak_mb=int(got["maxrss_kb"]) / 1024,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def smartplus(*args: str, python: str | None = None) -> list[str]:
    """The real command line, as a user runs it (``smartplus`` is ``python -m reconciler``); with
    ``python``, another interpreter's install (a venv with the wheel installed, as a user has it:
    the development venv adds an editable-install finder, and import-linter's ``rich``, which httpx
    imports when it finds it, 40-50 ms of start-up a user does not pay)."""
    return [python or sys.executable, "-m", "reconciler", *args]


def median_range(values: Sequence[float], fmt: str = ".2f") -> str:
    """``median (min-max)`` of a few runs."""
    if not values:
        return "-"
    med = statistics.median(values)
    if len(values) == 1:
        return format(med, fmt)
    return f"{format(med, fmt)} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def paging_minimum(campaigns: int, adgroups: int, ads: int) -> int:
    """The fewest list calls that can read the account: campaigns in pages of 1,000; ad groups
    (pages of 1,000) and ads (pages of 100) filtered by at most 100 campaign ids per request."""
    chunks = -(-campaigns // 100)
    per_chunk_groups = min(100, campaigns) * adgroups
    return (
        -(-campaigns // 1000)
        + chunks * -(-per_chunk_groups // 1000)
        + chunks * -(-(per_chunk_groups * ads) // 100)
    )


def write_scale_manifests(
    work: Path, campaigns: int, adgroups: int, ads: int, *, changed_ads: bool = False
) -> Path:
    """The manifests of the ``scale:CxGxA`` seed in ``work``; with ``changed_ads`` every ad's text
    differs from the live one (one changed field per ad), in this copy only."""
    text = (ROOT / "bench" / "scale.yaml.j2").read_text(encoding="utf-8")
    if changed_ads:
        assert "Scale ad text" in text
        text = text.replace("Scale ad text", "Changed ad text")
    work.mkdir(parents=True, exist_ok=True)
    (work / "scale.yaml.j2").write_text(text, encoding="utf-8")
    (work / "scale.values.yaml").write_text(
        f"campaigns: {campaigns}\nadgroups: {adgroups}\nads: {ads}\nbudget: 500\n"
        'start_time: "2026-01-01 00:00:00"\n'  # as the scale seed has it
    )
    return work


def parse_scale(seed: str) -> tuple[int, int, int]:
    """``scale:CxGxA`` -> (C, G, A)."""
    c, g, a = (int(x) for x in seed.removeprefix("scale:").split("x"))
    return c, g, a
