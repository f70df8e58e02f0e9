"""Step 6: guardrails: changes + live facts + "now" (passed in) -> verdicts.

Pure. (First version: the interface only; the rules of spec section 7 are
being written.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reconciler.core.plan import Change, Verdict
from reconciler.core.planner import Guard, PlanContext


@dataclass(frozen=True)
class Facts:
    """What the account says beyond the objects themselves."""

    spend_today: dict[str, float] = field(default_factory=dict)  # remote id -> today's spend


@dataclass(frozen=True)
class GuardSettings:
    overrides: Sequence[str] = ()
    max_spend_increase: float | None = None


def make_guard(facts: Facts, settings: GuardSettings) -> Guard:
    def guard(changes: list[Change], ctx: PlanContext) -> dict[str, list[Verdict]]:
        return {}

    return guard
