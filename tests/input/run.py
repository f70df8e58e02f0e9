"""Run ``smartplus`` in a real process: a hard timeout, a memory ceiling (RLIMIT_AS), and
the output checked for what a user must never see (a traceback, an "internal error")."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MEMORY_CEILING = 1536 * 1024 * 1024  # 1.5 GB of address space for the whole process
TIMEOUT = 60.0  # seconds: far above every case (the slowest takes about 2 s)


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


def smartplus(*args: str, cwd: Path, timeout: float = TIMEOUT) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIKTOK_")}
    env["NO_COLOR"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,  # a hang fails the test with TimeoutExpired instead of hanging the suite
        preexec_fn=_limit_memory,
        check=False,
    )
    run = Run(proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in run.text, run.text
    assert "internal error" not in run.text, run.text
    return run
