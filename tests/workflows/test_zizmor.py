"""zizmor, offline, on the action and the example workflows: no finding at any severity.

zizmor (a test extra) is the static analyser for GitHub Actions: unpinned actions, template
injection, over-broad permissions, persisted credentials, dangerous triggers, secrets in scope of
steps that do not need them. `--no-ignores` so an inline `# zizmor: ignore` cannot hide a finding.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = [ROOT / "action.yml", *sorted((ROOT / "docs" / "github-actions").glob("*.yml"))]


def zizmor() -> str:
    exe = Path(sys.executable).parent / "zizmor"
    found = str(exe) if exe.exists() else shutil.which("zizmor")
    assert found, "zizmor is not installed: pip install -e '.[test]'"
    return found


def test_zizmor_offline_finds_nothing() -> None:
    assert len(FILES) == 4
    p = subprocess.run(
        [zizmor(), "--offline", "--no-ignores", "--format", "json", *map(str, FILES)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    findings = json.loads(p.stdout or "[]")
    summary = [
        (f["ident"], f["determinations"]["severity"], f["locations"][0]["symbolic"]["key"]) for f in findings
    ]
    assert findings == [], summary
    assert p.returncode == 0, p.stderr
    for f in FILES:
        assert f"completed {f.relative_to(ROOT)}" in p.stderr or f"completed {f}" in p.stderr, p.stderr


def test_the_actions_script_is_linted_and_typed() -> None:
    """action/smartplus_action.py is outside `make lint`'s paths: checked here the same way."""
    script = ROOT / "action" / "smartplus_action.py"
    bin_dir = Path(sys.executable).parent
    for argv in (
        [bin_dir / "ruff", "check", script],
        [bin_dir / "ruff", "format", "--check", script],
        [bin_dir / "mypy", "--strict", "--no-incremental", script],
    ):
        p = subprocess.run(
            list(map(str, argv)), capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
        )
        assert p.returncode == 0, p.stdout + p.stderr
