"""core/ stays pure: no HTTP, no adapters, no CLI, no emulator, no pipeline, no files, no clock, no randomness.

The planner's correctness rests on being a function of its inputs. Two checks, so that a
shortcut cannot creep in:

- imports, by the import-linter contract in `.importlinter` (transitive chains count, every
  subpackage of reconciler.core is covered), run as `lint-imports`;
- calls, by walking the syntax tree of every module under reconciler/core (subpackages
  included): a clock, a file read or an environment lookup needs no import of its own when
  the object arrives as an argument (`path.read_text()`), so imports alone cannot see it.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "reconciler" / "core"
FORBIDDEN_CALLS = {
    # clock
    "now",
    "utcnow",
    "today",
    "time",
    "time_ns",
    "monotonic",
    "monotonic_ns",
    "perf_counter",
    "perf_counter_ns",
    "sleep",
    # files and the environment
    "open",
    "read_text",
    "write_text",
    "read_bytes",
    "write_bytes",
    "iterdir",
    "mkdir",
    "unlink",
    "getenv",
    # randomness
    "urandom",
}


def lint_imports() -> str:
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = str(exe) if exe.exists() else shutil.which("lint-imports")
    assert cmd, "lint-imports is missing: make install (import-linter is in the test extras)"
    r = subprocess.run([cmd, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_core_imports_keep_the_contract() -> None:
    out = lint_imports()
    assert "1 kept, 0 broken" in out, out  # the contract ran (a config that names nothing would pass)


@pytest.mark.parametrize("module", sorted(str(p.relative_to(CORE)) for p in CORE.rglob("*.py")))
def test_core_module_makes_no_impure_call(module: str) -> None:
    tree = ast.parse((CORE / module).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert called not in FORBIDDEN_CALLS, f"{module}:{node.lineno} calls {called}()"
        if isinstance(node, ast.Attribute) and node.attr == "environ":
            raise AssertionError(f"{module}:{node.lineno} reads the environment")
