"""Step 5: desired x live -> field changes.

Pure. Live objects are first *projected* onto the fields the manifest manages
(only what the manifest writes is managed; a value TikTok fills in for a field
the manifest leaves out is not drift), then compared by their normal forms
(``normal``, ``same``):

- numbers compare by value (``500`` equals ``500.0``);
- lists compare as sets: TikTok returns targeting ids, placements and even
  ``creative_list`` in an order of its own (see the fixtures' note on the ad
  create response), so order never makes a difference;
- inside a list of objects, each item is compared on the keys of the desired
  item it stands for, so server-added keys (``ad_material_id``,
  ``material_name``, ``identity_authorized_bc_id: "0"``) never differ
  (``same`` states the whole rule).

The result is a list of ``FieldChange(path, before, after)`` at top-level
field granularity, because TikTok's update endpoints replace a field whole
(a ``targeting_spec`` or a ``creative_list`` is sent entire).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MISSING: Any = None  # a field the live object does not have shows as null


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FieldChange:
        return cls(d["path"], d.get("before"), d.get("after"))


def project(live: Any, desired: Any) -> Any:
    """The part of ``live`` that ``desired`` manages, shaped like ``desired``."""
    if isinstance(desired, dict):
        if not isinstance(live, dict):
            return live
        get = live.get
        out: dict[str, Any] = {}
        for k, v in desired.items():
            # A scalar leaf is the live value itself: recurse only into structures (12,200
            # objects x their fields; this is the planner's inner loop).
            out[k] = project(get(k, MISSING), v) if type(v) is dict or type(v) is list else get(k, MISSING)
        return out
    if isinstance(desired, list):
        if not isinstance(live, list):
            return live
        keys = _union_shape(desired)
        if keys is None:
            return list(live)
        if len(desired) == 1:
            return [project(item, keys) for item in live]
        # Shown on the keys of the desired item it equals, if one does (``same``), else on all
        # the keys the desired items use.
        shapes = [w for w in desired if type(w) is dict]
        return [project(item, next((w for w in shapes if same(item, w)), keys)) for item in live]
    return live


def _union_shape(items: list[Any]) -> dict[str, Any] | None:
    """The merged shape of a list of desired objects (None for scalar lists)."""
    if len(items) == 1:  # the common case (one creative, one text, one landing page)
        return items[0] if isinstance(items[0], dict) else None
    shape: dict[str, Any] | None = None
    for item in items:
        if isinstance(item, dict):
            shape = _merge_shape(shape or {}, item)
    return shape


def _merge_shape(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge_shape(out[k], v)
        elif isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = list(out[k]) + list(v)
        elif k not in out or out[k] is None:
            out[k] = v
    return out


def canonical(value: Any) -> Any:
    """Numbers as floats when integral-valued numbers are compared with floats;
    used for display and for fingerprints so that 500 and 500.0 look alike."""
    t = type(value)  # exact types first: JSON's and model_dump's (a changed ad: 10,000 calls)
    if t is str or t is bool or value is None:
        return value
    if t is dict:
        return {k: canonical(v) for k, v in value.items()}
    if t is list:
        return [canonical(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        f = float(value)
        return int(f) if f.is_integer() else f
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def normal(value: Any) -> Any:
    """The normal form that decides equality: hashable and order-free.

    - numbers by value, to 6 decimal places (TikTok echoes ``500`` as ``500.0``; money has at most
      2 decimals, so a micro-unit never hides a change; an absolute rounding, not a relative
      one, because a 7-significant-digit rule would hide a change of 100 in a budget of
      1,500,000,000, as budgets in IDR or VND are); booleans are numbers, as Python's ``==`` has
      them (a field is never a boolean on one side and a number on the other: the models type it);
    - lists as sets (TikTok returns targeting ids, placements and ``creative_list`` in an order of
      its own, and a repeated item adds nothing);
    - mappings by their keys and values, tagged so that ``{}`` and ``[]`` differ.

    Two values are equal when their normal forms are equal; nothing else is consulted (this used
    to fall back to deepdiff, at about 0.5 ms a field: 5 s for 10,000 changed ads).
    ``tests/manifests/test_diff_normal_form.py`` checks the rule against deepdiff configured alike."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):  # bool included
        try:
            return (_NUM, round(float(value), 6) + 0.0)  # + 0.0: -0.0 is 0.0
        except OverflowError:  # an int beyond float's range: exact
            return (_NUM, value)
    if isinstance(value, dict):
        return (_MAP, frozenset((k, normal(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (_LIST, frozenset(normal(v) for v in value))
    return (_OTHER, repr(value))


_NUM, _MAP, _LIST, _OTHER = "number", "mapping", "list", "other"


def equal(before: Any, after: Any) -> bool:
    if before is None or after is None:
        return before is None and after is None
    if before == after:  # plain equality implies equal normal forms: the cheap common case
        return True
    return bool(normal(before) == normal(after))


def same(live: Any, want: Any) -> bool:
    """Whether the live value equals the desired one on what the desired one manages: the rule
    that decides every field change.

    - a mapping: key by key, on ``want``'s keys only (server-added keys never differ; a key the
      live object lacks is null);
    - a list of objects (creatives, texts, landing pages): as sets, each item compared on its own
      keys: equal when every desired item equals some live item and every live item some desired
      item. An ad's creatives differ in shape (a video's ``video_info`` beside a carousel's
      ``image_info``), so one merged shape for all items would give each item the other's keys
      as null and never be equal (it was: a perpetual change for such an ad);
    - a list of scalars: as sets of normal forms (TikTok's order is its own);
    - a scalar: by normal form (``500`` equals ``500.0``).
    Plain equality is tried first at each level: it implies all of the above, and it is C-level
    (the planner compares every managed field of every matched object, most of them unchanged).
    ``tests/test_diff_normal_form.py`` checks it against a plainly written reference."""
    if live == want:
        return True
    tw = type(want)
    if tw is dict:
        if type(live) is not dict:
            return False
        get = live.get
        for k, v in want.items():
            have = get(k, MISSING)
            if have == v:
                continue
            tv = type(v)
            if tv is dict or tv is list:
                if not same(have, v):
                    return False
            elif normal(have) != normal(v):  # a scalar leaf, inline: most leaves are scalars
                return False
        return True
    if tw is list:
        if type(live) is not list:
            return equal(live, want)
        if not any(type(w) is dict for w in want):
            return bool(normal(live) == normal(want))
        if len(want) == 1:  # the common case: one creative, one text, one landing page
            one = want[0]
            return bool(live) and all(item == one or same(item, one) for item in live)
        return all(any(same(item, w) for item in live) for w in want) and all(
            any(same(item, w) for w in want) for item in live
        )
    return bool(normal(live) == normal(want))


def diff_fields(desired: dict[str, Any], live: dict[str, Any]) -> list[FieldChange]:
    """Changes of the top-level fields ``desired`` manages, in a stable order."""
    changes: list[FieldChange] = []
    get = live.get
    for key, want in desired.items():
        raw = get(key, MISSING)
        if raw == want or same(raw, want):
            continue
        changes.append(FieldChange(key, canonical(project(raw, want)), canonical(want)))
    if len(changes) > 1:
        changes.sort(key=lambda c: c.path)  # the changes sorted, not every object's keys
    return changes
