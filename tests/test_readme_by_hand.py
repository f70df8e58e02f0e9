"""The README's by-hand steps, run as written, after the steps of `make demo` (read from the Makefile).

They must continue the account `make demo` left (its emulator database), not start another one:
so the first plan has no changes and nothing is created again.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = str(Path(sys.executable).parent)


def demo_commands() -> list[str]:
    make = (ROOT / "Makefile").read_text()
    demo = re.search(r"^DEMO := (.*)$", make, re.M)
    assert demo
    body = make.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    lines = [ln.strip() for ln in body.splitlines()[1:] if ln.startswith("\t") and "smartplus " in ln]
    return [ln.replace("$(BIN)/smartplus", "smartplus").replace("$(DEMO)", demo.group(1)) for ln in lines]


def by_hand_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    after = readme.split("After `make demo`, by hand", 1)[1]
    block = after.split("```sh\n", 1)[1].split("```", 1)[0]
    block = block.replace("\\\n", " ")
    return [
        ln.split("  #", 1)[0].strip() for ln in block.splitlines() if ln.strip() and not ln.startswith("#")
    ]


def run(cmd: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_by_hand_steps_continue_the_demo_account(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "manifests", tmp_path / "manifests")
    env = {"PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}", "HOME": str(tmp_path), "NO_COLOR": "1"}
    demo = demo_commands()
    assert len(demo) == 5 and "--emulator-db .smartplus/demo/emulator.db" in demo[2]
    for cmd in demo:
        p = run(cmd, tmp_path, env)
        assert p.returncode == 0, (cmd, p.stdout, p.stderr)

    steps = by_hand_commands()
    assert steps[0] == ". .venv/bin/activate"
    assert steps[1].startswith('DEMO="--emulator --emulator-db .smartplus/demo/emulator.db"')
    script_env = dict(env)
    codes: list[int] = []
    outputs: list[str] = []
    for cmd in steps[2:]:
        p = run(f"{steps[1]}; {cmd}", tmp_path, script_env)
        codes.append(p.returncode)
        outputs.append(p.stdout + p.stderr)
    assert "No changes" in outputs[0]  # the demo's account, applied: nothing to create again
    assert not any("to create" in o for o in outputs), outputs
    assert codes == [0, 3, 0, 0, 0, 2], list(zip(steps[2:], codes, strict=True))
    assert "Apply complete" in outputs[4] and "budget: live 650, manifest 500" in outputs[5]
