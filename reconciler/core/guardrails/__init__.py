"""Step 6: guardrails: operations + the facts they need + "now" (passed in) -> verdicts (spec 7).

Pure: every rule is a function of one operation and the ``Checker`` (the plan's
operations, the matching, the live rows, ``now``, the desired objects, the spend
model's figures, and the ``Facts`` that ``adapters/facts.py`` read). Nothing here
does I/O or reads a clock. One module per rule:

- ``learning_phase``: no delivery-affecting edit within 7 days of an ad group's launch;
- ``bid_step``: a bid moves at most 15% per change, not within 2 days of the last change;
- ``budget_floor``: a daily budget of at least 10x the historical CPA (30x with cost cap);
- ``budget_spend``: a new budget of at least 105% of today's spend;
- ``spend_increase``: the plan's (or a campaign's) increase of the maximum daily spend;
- ``deprecated``: nothing against an endpoint past its shutdown (``calendar``);
- ``pixel``: the pixel and its events, for the goals that need them.

Unknown facts (the API did not answer) never block: the rule says so in a warning.
Overrides: ``--override RULE`` or ``--override RULE:ADDRESS`` (an address covers its
ad groups and ads, see ``Address.matches``), and per campaign
``guardrails.overrides: [RULE, ...]`` (or ``RULE:ADDRESS``) in the manifest. An
overridden verdict is kept with ``overridden=True``: shown, not blocking.
"""

from __future__ import annotations

from collections.abc import Callable

from reconciler.core.guardrails import (
    bid_step,
    budget_floor,
    budget_spend,
    deprecated,
    learning_phase,
    pixel,
    spend_increase,
)
from reconciler.core.guardrails.base import (
    BID_STEP,
    BUDGET_FLOOR,
    BUDGET_SPEND,
    DEPRECATED_ENDPOINT,
    LEARNING_PHASE,
    PIXEL,
    RULES,
    SPEND_INCREASE,
    Checker,
    Finding,
    GuardSettings,
    parse_time,
)
from reconciler.core.guardrails.calendar import (
    DEPRECATIONS,
    Deprecation,
    check_endpoint,
    deprecation_of,
    endpoint_usable,
    normalize_endpoint,
)
from reconciler.core.guardrails.facts import Facts, PixelEvent, PixelFacts, facts_needed
from reconciler.core.operations import Op, Verdict
from reconciler.core.planner import Guard, PlanContext

__all__ = [
    "BID_STEP",
    "BUDGET_FLOOR",
    "BUDGET_SPEND",
    "DEPRECATED_ENDPOINT",
    "DEPRECATIONS",
    "LEARNING_PHASE",
    "PIXEL",
    "RULES",
    "SPEND_INCREASE",
    "Deprecation",
    "Facts",
    "GuardSettings",
    "PixelEvent",
    "PixelFacts",
    "check_endpoint",
    "deprecation_of",
    "endpoint_usable",
    "evaluate",
    "facts_needed",
    "make_guard",
    "normalize_endpoint",
    "parse_time",
]

PerOperation = Callable[[Checker, Op], list[Finding]]
PER_OPERATION: tuple[PerOperation, ...] = (
    learning_phase.check,
    bid_step.check,
    budget_floor.check,
    budget_spend.check,
    deprecated.check,
    pixel.check,
)


def make_guard(facts: Facts, settings: GuardSettings) -> Guard:
    def guard(ops: list[Op], ctx: PlanContext) -> dict[str, list[Verdict]]:
        return evaluate(ops, ctx, facts, settings)

    return guard


def evaluate(
    ops: list[Op], ctx: PlanContext, facts: Facts, settings: GuardSettings
) -> dict[str, list[Verdict]]:
    """Every rule over the plan: operation id -> its verdicts (warnings and blocks only)."""
    ch = Checker(ops, ctx, facts, settings)
    whole_plan = spend_increase.findings(ch)
    out: dict[str, list[Verdict]] = {}
    # Operations with the same verdicts (the ads of one ad group) share one list of them: do not
    # change a list in place.
    shared: dict[tuple[int, ...], list[Verdict]] = {}
    for op in ops:
        found = [f for rule in PER_OPERATION for f in rule(ch, op)]
        found += whole_plan.get(op.id, [])
        if found:
            vs = [ch.verdict(op, f) for f in found]
            out[op.id] = shared.setdefault(tuple(id(v) for v in vs), vs)
    return out
