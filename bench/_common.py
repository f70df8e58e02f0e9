"""Helpers for the benchmarks: run the emulator as its own process, so that the
CPU time and memory measured here are the tool's own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
