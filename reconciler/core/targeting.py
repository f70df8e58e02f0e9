"""What each targeting field of an ad group means under its targeting mode.

Pure. TikTok's current reference (smart-plus-current.md 2.1, D:1843314887930946 and the targeting
appendix D:1847839827327106) lists, per mode, the ``targeting_spec`` fields it honours, and says
that **fields that do not fit the mode are silently ignored** (not stored, no error):

- ``AUTOMATIC`` (TikTok's default), suggestions off: only the *audience controls*, constraints the
  system guarantees (locations, minimum age ``spc_audience_age``, languages, excluded audiences);
- ``AUTOMATIC`` with ``suggestion_audience_enabled: true``: the controls plus *audience
  suggestions*, hints delivery may or may not follow (age groups, gender, audiences, interests,
  keywords, behaviours);
- ``MANUAL``: the full list of the reference, applied as written; ``spc_audience_age`` (an
  AUTOMATIC control) is not on it.

A field that TikTok would ignore would converge against the emulator and drift forever against
TikTok, so ``rules.py`` refuses it, saying that TikTok would ignore it. Where the two pages
disagree the stricter one is taken: the API reference lists ``operating_systems`` as an audience
control, the appendix does not, so here it is MANUAL-only. ``zipcode_ids`` (travel catalog
campaigns only) and ``blocked_pangle_app_ids`` (the Pangle block list is disabled for web) are
honoured in no mode of this surface.

``classify`` feeds ``plan`` and ``validate --explain``; ``rules.py`` uses the same tables, so what
is shown and what is checked cannot drift apart.
"""

from __future__ import annotations

from typing import Literal

from reconciler.core.resources import AdGroup

# "control" and "suggestion" are AUTOMATIC's layers, "manual" a field applied as written under
# MANUAL (or, under AUTOMATIC, a MANUAL-only field that rules.py refuses); "automatic" a field
# that only AUTOMATIC honours, set under MANUAL; "ignored" a field no mode of this surface honours.
Role = Literal["control", "suggestion", "manual", "automatic", "ignored"]

# Audience controls under AUTOMATIC: guaranteed constraints (operating_systems: see above).
CONTROLS: frozenset[str] = frozenset(
    {
        "location_ids",
        "spc_audience_age",
        "languages",
        "excluded_audience_ids",
    }
)

# Audience suggestions under AUTOMATIC, honoured only with suggestion_audience_enabled: hints.
SUGGESTIONS: frozenset[str] = frozenset(
    {
        "age_groups",
        "gender",
        "audience_ids",
        "interest_category_ids",
        "interest_keyword_ids",
        "purchase_intention_keyword_ids",
        "actions",
    }
)

# What MANUAL honours (D:1843314887930946): everything of targeting_spec but these.
AUTOMATIC_ONLY: frozenset[str] = frozenset({"spc_audience_age"})
IGNORED: frozenset[str] = frozenset({"zipcode_ids", "blocked_pangle_app_ids"})
WHY_IGNORED = {
    "zipcode_ids": "zip codes are supported only for travel catalog campaigns",
    "blocked_pangle_app_ids": "the Pangle block list is disabled for Web Conversions",
}

# Demographics: suggestions under AUTOMATIC; spc_audience_age is the guaranteed age floor there.
DEMOGRAPHICS: frozenset[str] = frozenset({"age_groups", "gender"})


def role(field: str, mode: str) -> Role:
    """The role of one ``targeting_spec`` field under ``mode`` (AUTOMATIC or MANUAL)."""
    if field in IGNORED:
        return "ignored"
    if mode == "MANUAL":
        return "automatic" if field in AUTOMATIC_ONLY else "manual"
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
    """-> [("targeting_spec.<field>", role)] for each field set.

    Under MANUAL a field is "manual" (applied as written). Under AUTOMATIC a field is a
    "control" (guaranteed) or a "suggestion" (a hint); "manual" there marks a field that only
    MANUAL honours. "automatic" and "ignored" mark fields TikTok would ignore; ``rules.check``
    reports those three as errors.
    """
    mode = adgroup.targeting_mode
    return [(f"targeting_spec.{f}", role(f, mode)) for f in set_fields(adgroup)]


def explain(adgroup: AdGroup) -> list[str]:
    """Lines for people: one per field set, e.g. ``targeting_spec.location_ids: control (guaranteed)``."""
    words = {
        "control": "audience control (guaranteed)",
        "suggestion": "audience suggestion (a hint TikTok may ignore)",
        "manual": "manual targeting (applied as written)",
        "automatic": "AUTOMATIC targeting only (TikTok ignores it under MANUAL)",
        "ignored": "not honoured for Web Conversions (TikTok ignores it)",
    }
    return [f"{path}: {words[r]}" for path, r in classify(adgroup)]
