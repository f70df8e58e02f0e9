"""The saved plan is written in pieces (``Plan.json_chunks``): the text must be exactly what one
``json.dumps`` of ``to_json()`` gives, and the sections hashed one at a time what sealing gave."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from reconciler.commands.plan_cmds import plan_file_chunks
from reconciler.core import plan as plan_mod
from reconciler.core.plan import Plan

from .conftest import World, saved_plan_text


def test_chunks_are_the_plan_text(world: World) -> None:
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(values.read_text().replace("budget: 500", "budget: 550"))
    plan = world.plan()
    assert len(plan.changes) > 3
    assert "".join(plan_file_chunks(plan)) == saved_plan_text(plan.to_json())
    read = Plan.from_json(json.loads("".join(plan_file_chunks(plan))))
    assert read.compute_hash() == plan.content_hash
    empty = Plan.from_json({**plan.to_json(), "changes": []})
    assert "".join(plan_file_chunks(empty)) == saved_plan_text(empty.to_json())


def test_the_texts_sealed_are_written_for_the_sealed_operations_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``seal`` keeps each operation's text (up to a bound) and the write uses it: the same text
    as serializing again, whichever way it is made, and never for operations that are not the
    ones sealed (a plan changed after its seal still fails closed)."""
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(values.read_text().replace("budget: 500", "budget: 550"))
    plan = world.plan()
    kept = plan._kept_texts()
    assert kept is not None and len(kept) == len(plan.changes)
    # The budget update's text holds 550.0, whose hashed text is 550: not kept, made when written.
    assert any(t is None for t in kept) and any(t is not None for t in kept)
    text = "".join(plan_file_chunks(plan))
    assert '"budget":550.0' in text

    monkeypatch.setattr(plan_mod, "_KEEP_TEXTS", 100)  # too small for this plan: none kept
    plan.seal()
    assert plan._kept_texts() is None
    assert "".join(plan_file_chunks(plan)) == text

    monkeypatch.undo()
    plan.seal()
    assert plan._kept_texts() is not None
    plan.changes[1] = replace(plan.changes[1], reason="edited after the seal")
    assert plan._kept_texts() is None
    written = "".join(plan_file_chunks(plan))
    assert "edited after the seal" in written
    read = Plan.from_json(json.loads(written))
    assert read.compute_hash() != read.content_hash  # apply refuses it
