"""yaml_rs 0.1.6 crashes the process (SIGSEGV) on any use after the thread that first imported
it has exited, and the manifests are parsed in a worker thread (``pipeline.load_and_plan``):
``yaml_fast`` imports it on a thread that never exits. Run in a child process, since the
failure is the death of the process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reconciler.core import yaml_fast

CHILD = r"""
import threading
from reconciler.core import yaml_fast
TEXT = "".join(f"key{i}: [a, b, {{c: {i}}}]\n" for i in range(200))

def use():
    got = yaml_fast.load_fast(TEXT, 10**6)
    assert got is not None and got[0][0]["key7"] == ["a", "b", {"c": 7}], got

for _ in range(4):  # a new thread each time, each gone before the next: as parses in a process
    t = threading.Thread(target=use)
    t.start()
    t.join()
use()
print("ok")
"""


@pytest.mark.skipif(yaml_fast._module() is None, reason="yaml_rs is not installed here")
def test_yaml_rs_first_imported_by_a_thread_that_exits_keeps_working() -> None:
    run = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, (run.returncode, run.stderr[-2000:])
    assert run.stdout.strip() == "ok"
