"""The saved plan is written in pieces (``Plan.json_chunks``): the text must be exactly what one
``json.dumps`` of ``to_json()`` gives, and the sections hashed one at a time what sealing gave."""

from __future__ import annotations

import json

from reconciler.commands.plan_cmds import plan_file_chunks, plan_file_text
from reconciler.core.plan import Plan

from .conftest import World


def test_chunks_are_the_plan_text(world: World) -> None:
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(values.read_text().replace("budget: 500", "budget: 550"))
    plan = world.plan()
    assert len(plan.changes) > 3
    assert "".join(plan_file_chunks(plan)) == plan_file_text(plan.to_json())
    read = Plan.from_json(json.loads("".join(plan_file_chunks(plan))))
    assert read.compute_hash() == plan.content_hash
    empty = Plan.from_json({**plan.to_json(), "changes": []})
    assert "".join(plan_file_chunks(empty)) == plan_file_text(empty.to_json())
