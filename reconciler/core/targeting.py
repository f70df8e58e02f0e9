"""What each targeting field of an ad group means under its targeting mode.

Pure. With ``targeting_optimization_mode: AUTOMATIC`` (TikTok's default) targeting
has two layers (brief; api-behavior.md): *audience controls*, constraints the
system guarantees (geo and age floors, languages, excluded audiences), and
*audience suggestions*, hints it may or may not follow (interests, behaviours,
custom and lookalike audiences). ``MANUAL`` gives full control: every field is
applied as written.

The reference names the two layers by example only ("such as geo and age
floors", "such as interest categories"); which layer each remaining field of
``targeting_spec`` belongs to is NOT FOUND. The strict reading taken here:

- controls are only the fields the sources name as controls (geo, the minimum
  age ``spc_audience_age``, languages, excluded audiences);
- suggestions are only the fields the sources name as suggestions (interests,
  behaviours, audiences) and they are passed as suggestions only when the ad
  group turns ``suggestion_audience_enabled`` on (TikTok's own switch for that
  layer);
- every other field (age groups, gender, device, network, income, ...) is a
  manual-targeting field: ``rules.py`` refuses it under AUTOMATIC rather than
  guess whether TikTok would honour or ignore it.

``classify`` feeds ``plan`` and ``validate --explain``; ``rules.py`` uses the same
tables, so what is shown and what is checked cannot drift apart.
"""

from __future__ import annotations

from typing import Literal

from reconciler.core.resources import AdGroup

Role = Literal["control", "suggestion", "manual"]

# Audience controls under AUTOMATIC: guaranteed constraints.
CONTROLS: frozenset[str] = frozenset(
    {
        "location_ids",
        "zipcode_ids",
        "spc_audience_age",
        "languages",
        "excluded_audience_ids",
    }
)

# Audience suggestions under AUTOMATIC: hints the system may ignore.
SUGGESTIONS: frozenset[str] = frozenset(
    {
        "interest_category_ids",
        "interest_keyword_ids",
        "purchase_intention_keyword_ids",
        "actions",
        "audience_ids",
    }
)

# Named by the brief as manual targeting (demographics): never valid under AUTOMATIC,
# where spc_audience_age is the age control.
DEMOGRAPHICS: frozenset[str] = frozenset({"age_groups", "gender"})


def role(field: str, mode: str) -> Role:
    """The role of one ``targeting_spec`` field under ``mode`` (AUTOMATIC or MANUAL)."""
    if mode == "MANUAL":
        return "manual"
    if field in CONTROLS:
        return "control"
    if field in SUGGESTIONS:
        return "suggestion"
    return "manual"


def set_fields(adgroup: AdGroup) -> list[str]:
    """The ``targeting_spec`` fields the manifest writes (a null counts as not written)."""
    spec = adgroup.targeting_spec
    return sorted(f for f in spec.model_fields_set if getattr(spec, f) is not None)


def classify(adgroup: AdGroup) -> list[tuple[str, str]]:
    """-> [("targeting_spec.<field>", "control" | "suggestion" | "manual")] for each field set.

    Under MANUAL every field is "manual" (applied as written). Under AUTOMATIC a field
    is a "control" (guaranteed) or a "suggestion" (a hint); "manual" there marks a
    field that only MANUAL supports, which ``rules.check`` reports as an error.
    """
    mode = adgroup.targeting_mode
    return [(f"targeting_spec.{f}", role(f, mode)) for f in set_fields(adgroup)]


def explain(adgroup: AdGroup) -> list[str]:
    """Lines for people: one per field set, e.g. ``targeting_spec.location_ids: control (guaranteed)``."""
    words = {
        "control": "audience control (guaranteed)",
        "suggestion": "audience suggestion (a hint TikTok may ignore)",
        "manual": "manual targeting (applied as written)",
    }
    return [f"{path}: {words[r]}" for path, r in classify(adgroup)]
