"""Issue 16: `smartplus emulator serve` prints where it listens and the seed's accounts, and answers
`GET /_emulator/health` (what another project's CI waits on)."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from reconciler.emulator import create_app
from reconciler.emulator.server import banner, free_port

from .helpers import NOW


def test_banner_names_the_base_url_the_advertisers_and_their_tokens() -> None:
    text = banner(create_app(now=NOW), "127.0.0.1", 9999, "/tmp/emu.db")
    assert "base URL    http://127.0.0.1:9999/open_api/v1.3/" in text
    assert "health      http://127.0.0.1:9999/_emulator/health" in text
    assert "7000000000000000001  Demo Shop US  (Smart+ allowlisted; token: demo-token)" in text
    assert "7000000000000000002" in text and "token: demo-token-2" in text
    assert "database    /tmp/emu.db  (seed: demo)" in text


def test_banner_of_an_empty_database() -> None:
    text = banner(create_app(seed=None, now=NOW), "::1", 8000, ":memory:")
    assert "http://[::1]:8000/open_api/v1.3/" in text
    assert "advertisers none (empty database, no tokens)" in text


def test_the_serve_command_prints_the_banner_and_answers_health() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler.cli", "emulator", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert health is not None and health["ok"] is True and health["seed"] == "demo"
    finally:
        process.terminate()
        out, _err = process.communicate(timeout=20)
    assert f"base URL    http://127.0.0.1:{port}/open_api/v1.3/" in out
    assert "token: demo-token" in out
