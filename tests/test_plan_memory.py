"""A change-heavy plan held and written compactly (issue 15): the ads of one ad group share one
learning-phase verdict (in memory, and once in the saved plan's table of verdicts), the saved
plan and the printed plan are written in bounded pieces, and live records share their names.

Plans come from the real planner against the emulator's ``scale`` seed, whose ad groups were
created "now", so every changed ad is in its ad group's learning phase."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import pytest

from reconciler.clikit import OUT_BATCH, Console
from reconciler.core.plan import LiveRecord, Plan, _Chunks, _hash
from reconciler.emulator import create_app

from .conftest import ROOT, World, saved_plan_text


def changed_scale(tmp: Path, campaigns: int, adgroups: int, ads: int) -> tuple[World, Path]:
    """The emulator seeded ``scale:CxGxA`` and manifests that change every ad's text."""
    d = tmp / "m"
    d.mkdir()
    text = (ROOT / "bench" / "scale.yaml.j2").read_text(encoding="utf-8")
    (d / "scale.yaml.j2").write_text(text.replace("Scale ad text", "Changed ad text"), encoding="utf-8")
    (d / "scale.values.yaml").write_text(
        f"campaigns: {campaigns}\nadgroups: {adgroups}\nads: {ads}\nbudget: 500\n"
        'start_time: "2026-01-01 00:00:00"\n'
    )
    world = World(app=create_app(db=":memory:", seed=f"scale:{campaigns}x{adgroups}x{ads}"), tmp=tmp)
    return world, d


@pytest.fixture(scope="module")
def overridden(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """2 campaigns x 2 ad groups x 5 ads, every ad changed, the learning phase overridden."""
    world, d = changed_scale(tmp_path_factory.mktemp("lp"), 2, 2, 5)
    return world.plan([str(d)], overrides=("learning-phase",))


def test_the_ads_of_one_adgroup_share_one_verdict_in_memory_and_in_the_file(overridden: Plan) -> None:
    plan = overridden
    updates = [c for c in plan.changes if c.action == "update"]
    assert len(updates) == 20 and all(len(c.verdicts) == 1 for c in updates)
    assert len({id(c.verdicts[0]) for c in updates}) == 4  # one per ad group, not one per ad
    data = json.loads(saved_plan_text(plan.to_json()))
    assert len(data["verdicts"]) == 4
    assert data["verdicts"][0]["rule"] == "learning-phase" and data["verdicts"][0]["overridden"] is True
    saved = [c for c in data["changes"] if c["type"] == "update"]
    assert [c["verdicts"] for c in saved[:6]] == [[0]] * 5 + [[1]]
    again = Plan.from_json(data)
    assert [c.verdicts for c in again.changes] == [c.verdicts for c in plan.changes]
    assert again.compute_hash() == plan.content_hash
    # Read back, the operations share the table's verdicts; equal verdicts that are not the same
    # objects are still written once.
    assert len({id(c.verdicts[0]) for c in again.changes if c.verdicts}) == 4
    again.changes = [replace(c, verdicts=tuple(replace(v) for v in c.verdicts)) for c in again.changes]
    assert len({id(c.verdicts[0]) for c in again.changes if c.verdicts}) == 20
    assert again.to_json()["verdicts"] == data["verdicts"]


def test_blocked_verdicts_name_each_ad_and_are_not_merged(tmp_path: Path) -> None:
    world, d = changed_scale(tmp_path, 1, 1, 3)
    plan = world.plan([str(d)])
    assert len(plan.blocked) == 3
    data = plan.to_json()
    # The hint of a block names the ad (--override 'learning-phase:...ad["..."]'): three texts.
    assert len(data["verdicts"]) == 3
    for c, v in zip(plan.blocked, plan.verdict_table(), strict=True):
        assert c.verdicts == (v,) and str(c.address) in v.message


def test_the_verdict_table_is_hashed_and_its_indexes_checked(overridden: Plan) -> None:
    data = json.loads(saved_plan_text(overridden.to_json()))
    for key, value in (("overridden", False), ("message", "edited"), ("numbers", {})):
        edited = json.loads(json.dumps(data))
        edited["verdicts"][0][key] = value  # (overridden: would block the operations that name it)
        assert Plan.from_json(edited).compute_hash() != overridden.content_hash, key
    wrong = json.loads(json.dumps(data))
    first = next(c for c in wrong["changes"] if c.get("verdicts"))
    for bad in (7, -1, "0", 0.0):
        first["verdicts"] = [bad]
        with pytest.raises(ValueError, match="not in the plan's table"):
            Plan.from_json(wrong)


def test_the_saved_plan_is_written_in_bounded_pieces(tmp_path: Path) -> None:
    world, d = changed_scale(tmp_path, 4, 5, 5)  # 100 changed ads: about 90 KB of plan
    plan = world.plan([str(d)], overrides=("learning-phase",))
    chunks = list(plan.json_chunks())
    assert "".join(chunks) + "\n" == saved_plan_text(plan.to_json())
    longest_piece = max(len(json.dumps(c.to_json())) for c in plan.changes)
    assert len(chunks) > 1
    assert max(len(c) for c in chunks) <= _Chunks.SIZE + longest_piece + 1


def test_out_lines_writes_in_batches(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    writes: list[str] = []
    echo = click.echo

    def counting(message: Any = None, **kw: Any) -> None:
        writes.append(str(message))
        echo(message, **kw)

    monkeypatch.setattr(click, "echo", counting)
    lines = [("", f"line {i}") for i in range(2 * OUT_BATCH + 1)]
    Console(color=False).out_lines(iter(lines))
    assert len(writes) == 3
    assert capsys.readouterr().out == "\n".join(t for _, t in lines) + "\n"


def test_live_records_share_their_names() -> None:
    a = LiveRecord("ad", "1", "sha256:x", {"ad_name": "a", "operation_status": "ENABLE"})
    b = LiveRecord("ad", "2", "sha256:y", {"ad_name": "b", "operation_status": "DISABLE"})
    assert a.fields == {"ad_name": "a", "operation_status": "ENABLE"}
    assert b._names is a._names
    assert a != b and a == LiveRecord("ad", "1", "sha256:x", {"ad_name": "a", "operation_status": "ENABLE"})


@pytest.mark.parametrize("records", [0, 1, 999, 1000, 2501])
def test_the_content_is_hashed_in_batches_as_one_text(records: int) -> None:
    """The plan section's hash, fed a thousand live records at a time, is the hash of the whole
    content as one text (integral floats as ints wherever they are)."""
    live = {
        f'7/campaign["c{i:05d}"]': LiveRecord("campaign", str(i), f"sha256:{i:032x}", {"budget": 500.0})
        for i in range(records)
    }
    plan = Plan(
        changes=[],
        manifest_digest="sha256:d",
        advertiser_ids=["7"],
        created_at="2026-12-01 00:00:00",
        expires_at="2026-12-02 00:00:00",
        tool_version="t",
        live=live,
        inputs={"values": ["v1.0"], "budget": 500.0, "big": 1e20},
        spend_before=500.0,
    )
    assert plan._content_hash() == _hash(plan._content())
    plan.inputs = {}
    assert plan._content_hash() == _hash(plan._content())


def test_the_verdicts_of_two_guards_are_joined_and_their_answers_left_alone() -> None:
    from datetime import datetime

    from reconciler.adapters import files
    from reconciler.core import planner
    from reconciler.core.live import LiveAccount
    from reconciler.core.operations import Op, Verdict

    case = ROOT / "tests" / "cases" / "ad-text-update"
    rows = json.loads((case / "live.json").read_text())
    live = LiveAccount.from_rows(rows.get("campaigns", []), rows.get("adgroups", []), rows.get("ads", []))
    manifests = files.load([str(case / "desired.yaml")]).manifests
    options = planner.PlanOptions(now=datetime(2026, 12, 9, 12), digest="sha256:t", tool_version="t")
    first = Verdict("one", "warn", "first")
    second = Verdict("two", "warn", "second")
    answers: list[dict[str, list[Verdict]]] = []

    def guard(v: Verdict) -> planner.Guard:
        def g(ops: list[Op], ctx: planner.PlanContext) -> dict[str, list[Verdict]]:
            answers.append({ops[0].id: [v]})
            return answers[-1]

        return g

    plan = planner.make_plan(manifests, live, options, guards=[guard(first), guard(second), guard(first)])
    assert plan.changes[0].verdicts == (first, second, first)
    assert [list(a.values()) for a in answers] == [[[first]], [[second]], [[first]]]  # not changed
    assert all(c.verdicts == () for c in plan.changes[1:])
