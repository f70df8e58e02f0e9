"""Golden cases for the planner: manifest + live state in, expected plan out.

Each folder under tests/cases/ holds:
- ``desired.yaml``: the manifests (plain YAML, one campaign per document);
- ``live.json``: the account as TikTok's get endpoints return it
  (``{"campaigns": [...], "adgroups": [...], "ads": [...]}``);
- ``options.json`` (optional): ``now``, ``replace``, ``overrides``;
- ``plan.json``: the expected plan (the fields a reviewer sees), or
  ``error.json``: the expected error (its type and text it must contain).

No Python per case. ``UPDATE_GOLDEN=1 pytest tests/test_golden_cases.py``
rewrites the expected files; review the diff before committing it.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from reconciler.adapters import files
from reconciler.core import planner
from reconciler.core.live import LiveAccount
from reconciler.core.plan import Plan
from reconciler.errors import SmartplusError

CASES = Path(__file__).parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir()) if CASES.exists() else []
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def normalize(plan: Plan) -> dict[str, Any]:
    changes = []
    for c in plan.changes:
        d: dict[str, Any] = {"id": c.id, "action": c.action, "kind": c.kind, "address": str(c.address)}
        if c.remote_id:
            d["remote_id"] = c.remote_id
        if c.fields:
            d["fields"] = [f.to_json() for f in c.fields]
        if c.action == "update":
            d["body"] = c.body
        if c.status:
            d["status"] = c.status
        if c.targets:
            d["targets"] = [[str(t.address), t.remote_id] for t in c.targets]
        if c.spend_delta:
            d["spend_delta"] = round(c.spend_delta, 2)
        if c.verdicts:
            d["verdicts"] = [
                {"rule": v.rule, "level": v.level, "overridden": v.overridden} for v in c.verdicts
            ]
        if c.depends_on:
            d["depends_on"] = list(c.depends_on)
        if c.notes:
            d["notes"] = list(c.notes)
        changes.append(d)
    return {
        "summary": plan.summary(),
        "changes": changes,
        "notes": [{"kind": n.kind, "address": n.address, "remote_id": n.remote_id} for n in plan.notes],
    }


def run_case(case: Path) -> dict[str, Any]:
    options = json.loads((case / "options.json").read_text()) if (case / "options.json").exists() else {}
    live_data = json.loads((case / "live.json").read_text())
    loaded = files.load([str(case / "desired.yaml")])
    live = LiveAccount.from_rows(
        live_data.get("campaigns", []), live_data.get("adgroups", []), live_data.get("ads", [])
    )
    opts = planner.PlanOptions(
        now=datetime.strptime(options.get("now", "2026-11-29 12:00:00"), "%Y-%m-%d %H:%M:%S"),
        digest=loaded.digest,
        tool_version="test",
        replace=tuple(options.get("replace", [])),
        overrides=tuple(options.get("overrides", [])),
    )
    try:
        plan = planner.make_plan(loaded.manifests, live, opts)
    except SmartplusError as exc:
        return {"error": {"type": type(exc).__name__, "text": exc.render()}}
    return normalize(plan)


@pytest.mark.parametrize("name", NAMES)
def test_golden_case(name: str) -> None:
    case = CASES / name
    got = run_case(case)
    if "error" in got:
        expected_file = case / "error.json"
        if UPDATE and not expected_file.exists():
            expected_file.write_text(
                json.dumps({"type": got["error"]["type"], "contains": []}, indent=2) + "\n"
            )
        expected = json.loads(expected_file.read_text())
        assert got["error"]["type"] == expected["type"], got["error"]["text"]
        assert expected["contains"], "an error case must say what the message contains"
        for text in expected["contains"]:
            assert text in got["error"]["text"]
        return
    expected_file = case / "plan.json"
    assert not (case / "error.json").exists(), f"expected an error, got a plan: {got['summary']}"
    if UPDATE:
        expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert got == json.loads(expected_file.read_text())


def test_there_are_enough_cases() -> None:
    assert len(NAMES) >= 25
