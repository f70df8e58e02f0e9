"""Golden cases for the planner: manifest + live state in, expected plan out.

Each folder under tests/cases/ holds:
- ``desired.yaml``: the manifests (plain YAML, one campaign per document);
- ``live.json``: the account as TikTok's get endpoints return it
  (``{"campaigns": [...], "adgroups": [...], "ads": [...]}``);
- ``options.json`` (optional): ``now`` (default 2026-12-09 12:00:00, ten days after the
  live objects' ``create_time``, past the learning phase), ``replace``, ``overrides``, ``facts``;
- ``plan.json``: the expected saved plan, guardrail verdicts included (the JSON
  apply reads, less the read's stats), or
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
from reconciler.core.guardrails import Facts, GuardSettings, PixelEvent, PixelFacts, make_guard
from reconciler.core.live import LiveAccount
from reconciler.core.plan import Plan
from reconciler.errors import SmartplusError

CASES = Path(__file__).parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir()) if CASES.exists() else []
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
ADV = "7000000000000000001"


# The facts guardrails read, as an account with the demo pixel would give them (a case may
# replace them in options.json: {"facts": {"spend_today": {"<id>": 12.5}}}).
PIXEL_EVENTS = (
    PixelEvent("SHOPPING", "SHOPPING", browser_count=120, server_count=40),
    PixelEvent("ON_WEB_CART", "ON_WEB_CART", browser_count=300, server_count=0),
    PixelEvent("FORM", "FORM", browser_count=10, server_count=0),
)


def facts_of(options: dict[str, Any]) -> Facts:
    given = options.get("facts", {})
    spend = {str(k): float(v) for k, v in given.get("spend_today", {}).items()}
    return Facts(
        spend_today=spend,
        spend_read=frozenset(spend),
        spend_day="2026-11-29",
        pixels={"7100000000000000001": PixelFacts("7100000000000000001", ADV, "demo", PIXEL_EVENTS, True)},
        pixel_advertisers=frozenset({ADV, "7000000000000000002"}),
        pixel_window=("2026-11-22", "2026-11-29"),
    )


def normalize(plan: Plan) -> dict[str, Any]:
    """The saved plan as apply reads it, less what depends on the run (stats)."""
    d = plan.to_json()
    d.pop("stats")
    return d


def run_case(case: Path) -> dict[str, Any]:
    options = json.loads((case / "options.json").read_text()) if (case / "options.json").exists() else {}
    live_data = json.loads((case / "live.json").read_text())
    loaded = files.load([str(case / "desired.yaml")])
    live = LiveAccount.from_rows(
        live_data.get("campaigns", []), live_data.get("adgroups", []), live_data.get("ads", [])
    )
    overrides = tuple(options.get("overrides", []))
    opts = planner.PlanOptions(
        now=datetime.strptime(options.get("now", "2026-12-09 12:00:00"), "%Y-%m-%d %H:%M:%S"),
        digest="sha256:golden",  # the digest of the files names their paths, which differ per clone
        tool_version="test",
        replace=tuple(options.get("replace", [])),
        overrides=overrides,
        target={"base_url": "https://business-api.tiktok.com/open_api/v1.3/"},
    )
    guard = make_guard(facts_of(options), GuardSettings(overrides=overrides))
    try:
        plan = planner.make_plan(loaded.manifests, live, opts, guards=[guard])
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
    assert Plan.from_json(got).to_json()["content_hash"] == got["content_hash"], "the plan round-trips"
    if UPDATE:
        expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert got == json.loads(expected_file.read_text())


def test_there_are_enough_cases() -> None:
    assert len(NAMES) >= 25
