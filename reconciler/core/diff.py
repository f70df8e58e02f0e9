"""Step 5: desired x live -> field changes. The only module that imports deepdiff.

Pure. Live objects are first *projected* onto the fields the manifest manages
(only what the manifest writes is managed; a value TikTok fills in for a field
the manifest leaves out is not drift), then compared with these normalizations:

- numbers compare by value (``500`` equals ``500.0``);
- lists compare as sets: TikTok returns targeting ids, placements and even
  ``creative_list`` in an order of its own (see the fixtures' note on the ad
  create response), so order never makes a difference;
- inside a list of objects, each live item is projected onto the keys the
  desired items use, so server-added keys (``ad_material_id``,
  ``material_name``, ``identity_authorized_bc_id: "0"``) never differ.

The result is a list of ``FieldChange(path, before, after)`` at top-level
field granularity, because TikTok's update endpoints replace a field whole
(a ``targeting_spec`` or a ``creative_list`` is sent entire).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deepdiff import DeepDiff

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
        return {k: project(live.get(k, MISSING), v) for k, v in desired.items()}
    if isinstance(desired, list):
        if not isinstance(live, list):
            return live
        keys = _union_shape(desired)
        if keys is None:
            return list(live)
        return [project(item, keys) for item in live]
    return live


def _union_shape(items: list[Any]) -> dict[str, Any] | None:
    """The merged shape of a list of desired objects (None for scalar lists)."""
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
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        f = float(value)
        return int(f) if f.is_integer() else f
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def _key(value: Any) -> Any:
    """A hashable, order-free normal form: numbers by value, lists as multisets.
    Equal keys mean equal values under the rules above; the cheap path for the
    common case (nothing changed), so deepdiff only runs where something may differ."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return round(float(value), 6)
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(sorted((_key(v) for v in value), key=repr))
    return repr(value)


def equal(before: Any, after: Any) -> bool:
    if before is None or after is None:
        return before is None and after is None
    if before == after:  # plain equality implies equality under every rule above (500 == 500.0)
        return True
    if _key(before) == _key(after):
        return True
    diff = DeepDiff(
        canonical(before),
        canonical(after),
        ignore_order=True,
        ignore_numeric_type_changes=True,
        significant_digits=6,
        number_format_notation="e",
    )
    return not diff


def diff_fields(desired: dict[str, Any], live: dict[str, Any]) -> list[FieldChange]:
    """Changes of the top-level fields ``desired`` manages, in a stable order."""
    changes: list[FieldChange] = []
    for key in sorted(desired):
        want = desired[key]
        have = project(live.get(key, MISSING), want)
        if not equal(have, want):
            changes.append(FieldChange(key, canonical(have), canonical(want)))
    return changes
