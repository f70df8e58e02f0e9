"""Manifest models share their sets of written field names (issue 15: one set per instance was
45% of the models' memory). Sharing must change nothing that reads them: ``model_fields_set``,
``exclude_unset`` dumps (what the planner manages), and copies with updates."""

from __future__ import annotations

from reconciler.core.resources import Ad, AdConfiguration


def test_alike_instances_share_one_set_and_read_as_before() -> None:
    a = AdConfiguration.model_validate({"call_to_action_id": "1", "dark_post_status": "ON"})
    b = AdConfiguration.model_validate({"dark_post_status": "OFF", "call_to_action_id": "2"})
    c = AdConfiguration.model_validate({"dark_post_status": "ON"})
    assert a.__pydantic_fields_set__ is b.__pydantic_fields_set__
    assert c.__pydantic_fields_set__ is not a.__pydantic_fields_set__
    assert a.model_fields_set == {"call_to_action_id", "dark_post_status"}
    assert c.model_fields_set == {"dark_post_status"}
    assert b.model_dump(exclude_unset=True) == {"dark_post_status": "OFF", "call_to_action_id": "2"}
    assert c.model_dump(exclude_unset=True) == {"dark_post_status": "ON"}


def test_a_copy_with_an_update_leaves_the_shared_set_alone() -> None:
    one = Ad.model_validate({"ad_name": "one"})
    two = Ad.model_validate({"ad_name": "two"})
    assert one.__pydantic_fields_set__ is two.__pydantic_fields_set__
    changed = one.model_copy(update={"operation_status": "DISABLE"})
    assert changed.model_fields_set == {"ad_name", "operation_status"}
    assert one.model_fields_set == two.model_fields_set == {"ad_name"}
    assert two.model_dump(exclude_unset=True) == {"ad_name": "two"}
