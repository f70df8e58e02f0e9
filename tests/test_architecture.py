"""core/ stays pure: no HTTP, no adapters, no CLI, no emulator, no files, no clock, no randomness.

The planner's correctness rests on being a function of its inputs; this walks the imports
and calls of every module under reconciler/core so that a shortcut cannot creep in.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "reconciler" / "core"
FORBIDDEN_MODULES = (
    "httpx",
    "random",
    "reconciler.adapters",
    "reconciler.cli",
    "reconciler.emulator",
    "socket",
)
FORBIDDEN_CALLS = {"open", "now", "utcnow", "today", "time", "perf_counter", "urandom"}


@pytest.mark.parametrize("module", sorted(p.name for p in CORE.glob("*.py")))
def test_core_module_is_pure(module: str) -> None:
    tree = ast.parse((CORE / module).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert not name.startswith(FORBIDDEN_MODULES), f"{module} imports {name}"
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert called not in FORBIDDEN_CALLS, f"{module}:{node.lineno} calls {called}()"
