"""The pipeline, end to end: the functions the command line and tests call.

load manifests -> read the account -> plan -> (review) -> apply -> verify.
Each step lives in its own module; this one only wires them, so that the CLI
stays thin and tests drive exactly what users run.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from reconciler import __version__
from reconciler.adapters import apply as apply_mod
from reconciler.adapters import fetch, files, media
from reconciler.adapters.api import TikTokClient
from reconciler.adapters.facts import cta_choices, fetch_facts, review_reasons
from reconciler.core import guardrails, health, planner
from reconciler.core import media as core_media
from reconciler.core.live import LiveAccount, Matching
from reconciler.core.plan import Note, Plan
from reconciler.errors import SmartplusError
from reconciler.settings import GC_THRESHOLDS


def tune_gc() -> None:
    """Collect the oldest generation rarely. Planning builds a few hundred thousand
    long-lived objects (rows, models) and creates no reference cycles worth chasing;
    with the default thresholds full collections rescan them over and over, which
    cost about a third of the CPU of a 12,000-object plan (bench/plan_scale.py). A young
    generation of a million objects rather than 100,000 took another 0.2 s (10%) off that plan's
    CPU for 8 MB more peak memory (5 runs each, median 2.01 s against 2.22 s)."""
    gc.set_threshold(*GC_THRESHOLDS)


def load_desired(
    paths: Sequence[str],
    values: Sequence[str] = (),
    sets: Sequence[str] = (),
    advertisers: Sequence[str] = (),
) -> files.LoadedManifests:
    return filter_advertisers(files.load(paths, values, sets), advertisers, list(paths))


filter_advertisers = files.filter_advertisers  # `--advertiser ID`: one implementation, in files


@dataclass(frozen=True)
class PlanRequest:
    paths: Sequence[str]
    values: Sequence[str] = ()
    sets: Sequence[str] = ()
    advertisers: Sequence[str] = ()
    replace: Sequence[str] = ()
    overrides: Sequence[str] = ()
    ttl_hours: float = 24.0
    max_spend_increase: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.ttl_hours) and self.ttl_hours > 0):
            raise SmartplusError(
                f"--plan-ttl {self.ttl_hours}: a plan's lifetime is a number of hours above 0",
                hint="the default is 24",
            )

    def inputs(self) -> dict[str, Any]:
        return {
            "paths": list(self.paths),
            "values": list(self.values),
            "sets": list(self.sets),
            "advertisers": list(self.advertisers),
            "allow_empty": files.ALLOW_EMPTY.get(),
        }


async def make_plan(
    client: TikTokClient,
    loaded: files.LoadedManifests,
    req: PlanRequest,
    *,
    now: datetime | None = None,
    live: LiveAccount | None = None,
    prepared: planner.Desired | None = None,
    ahead: planner.Ahead | None = None,
) -> Plan:
    check_overrides(req.overrides)
    start = time.perf_counter()
    calls_before = sum(client.stats.calls.values())
    if live is None:
        live = await fetch.fetch_live(client, loaded.manifests)
    # `file:` creatives: the account's library read by signature (one read per advertiser and
    # kind); those it holds become ids in the manifests, the others upload operations.
    media_choices = await media.media_choices(client, loaded.media) if loaded.media else {}
    # (No choice, nothing to resolve: the same manifests, so `prepared` still fits them.)
    manifests = core_media.resolve(loaded.manifests, media_choices) if media_choices else loaded.manifests
    now = now or await client.now()  # the server's clock, from the Date header of the reads
    options = planner.PlanOptions(
        now=now,
        digest=loaded.digest,
        tool_version=__version__,
        ttl_hours=req.ttl_hours,
        replace=tuple(req.replace),
        overrides=tuple(req.overrides),
        inputs=req.inputs(),
        target=dict(client.target),
        cta=await cta_choices(client, loaded.manifests, live),
        media=media_choices,
    )
    draft = planner.draft(manifests, live, options, prepared, ahead)
    draft.notes.extend(await review_health(client, draft.ctx.matching))
    spend_of, pixels_of = guardrails.facts_needed(draft.changes, draft.ctx.matching)
    facts = await fetch_facts(client, live, now, manifests=manifests, spend_of=spend_of, pixels_of=pixels_of)
    stats = client.stats.to_json()
    stats["api_calls"] = sum(client.stats.calls.values()) - calls_before
    stats["read_seconds"] = round(time.perf_counter() - start, 3)
    draft.options = replace(options, stats=stats)
    guard = guardrails.make_guard(
        facts,
        guardrails.GuardSettings(overrides=tuple(req.overrides), max_spend_increase=req.max_spend_increase),
    )
    return planner.finish(draft, [guard])


async def load_and_plan(client: TikTokClient, req: PlanRequest) -> tuple[files.LoadedManifests, Plan]:
    """Load the manifests and plan, reading the account *while* the manifests are parsed.

    Reads are paced by the rate limit, so the CPU is mostly idle while they run: the
    campaigns the rendered text names are read at once, parsing and validation run in a
    worker thread meanwhile, and if the parsed manifests name other campaigns than the
    quick guess did, the account is read again for them (never a wrong plan, at worst
    the reads of a plain sequential run)."""
    check_overrides(req.overrides)
    start = time.perf_counter()
    calls_before = sum(client.stats.calls.values())
    rendered = files.render(req.paths, req.values, req.sets)
    guess = files.identities(rendered) if not rendered.problems else None
    if req.advertisers and guess is not None:
        guess = {i for i in guess if i[0] in set(req.advertisers)}
    # Only a `migrate_from` cutover reads the manual campaigns' ad groups and ads: a text that
    # never says migrate_from cannot parse into a manifest that has it.
    cutover = any("migrate_from" in r.text for r in rendered.rendered)
    parsing = asyncio.create_task(asyncio.to_thread(_parse, rendered, req.advertisers))
    live: LiveAccount | None = None
    # The objects are compared as their pages come, once the manifests are parsed (planner.Ahead).
    compared = planner.Ahead()
    parsing.add_done_callback(lambda t: _start_ahead(compared, t))
    if guess:
        reading = asyncio.create_task(
            fetch.fetch_for(client, guess, manual_children=cutover, seen=compared.add)
        )
        try:
            loaded, prepared = await parsing
        except BaseException:
            reading.cancel()
            with contextlib.suppress(BaseException):
                await reading
            raise
        live = await reading
        if fetch.identities_of(loaded.manifests) != guess:
            live = None  # the guess was wrong: read what the manifests really name
        elif not cutover and any(m.campaign.migrate_from is not None for m in loaded.manifests):
            live = None  # (cannot happen: the text said no migrate_from) read it all
    else:
        loaded, prepared = await parsing
    # (Without the guessed read, the comparisons were made against objects not planned with.)
    ahead = None
    if live is not None:
        ahead = compared
        ahead.run(budget=len(live.campaigns) + len(live.adgroups) + len(live.ads))  # what is left
    plan = await make_plan(client, loaded, req, live=live, prepared=prepared, ahead=ahead)
    if ahead is not None:
        plan.stats["compared_while_reading"] = ahead.hits
    plan.stats["api_calls"] = sum(client.stats.calls.values()) - calls_before
    plan.stats["calls_per_endpoint"] = dict(sorted(client.stats.calls.items()))
    plan.stats["read_seconds"] = round(time.perf_counter() - start, 3)
    return loaded, plan


def _start_ahead(
    ahead: planner.Ahead, parsed: asyncio.Future[tuple[files.LoadedManifests, planner.Desired]]
) -> None:
    """Parsing is over (in the event loop): comparisons can begin, if it went well."""
    if not parsed.cancelled() and parsed.exception() is None:
        ahead.start(parsed.result()[1])


def _parse(
    rendered: files.RenderedSet, advertisers: Sequence[str]
) -> tuple[files.LoadedManifests, planner.Desired]:
    """In the worker thread: parse and validate, then the plan's desired side (``planner.prepare``)."""
    loaded = filter_advertisers(files.parse(rendered), advertisers, [r.file for r in rendered.rendered])
    return loaded, planner.prepare(loaded.manifests)


async def review_health(client: TikTokClient, matching: Matching) -> list[Note]:
    """Health notes of the managed ads (review pending or rejected), with TikTok's reasons for
    the rejected ones: one review_info read per 100 rejected ads, none when there are none."""
    rejected = set(health.rejected_ids(matching))
    reasons: dict[str, list[str]] = {}
    by_adv: dict[str, list[str]] = {}
    for o in matching.matched.values():
        if o.id in rejected:
            by_adv.setdefault(o.advertiser_id, []).append(o.id)
    for adv, ids in sorted(by_adv.items()):
        reasons.update(await review_reasons(client, adv, ids))
    return health.notes(matching, reasons)


def check_overrides(overrides: Sequence[str]) -> None:
    """`--override RULE[:ADDRESS]`: a typo must not silently override nothing."""
    for item in overrides:
        rule = item.split(":", 1)[0]
        if rule not in guardrails.RULES:
            raise SmartplusError(
                f"--override {item}: unknown guardrail {rule!r}",
                hint="one of: "
                + ", ".join(guardrails.RULES)
                + " (an immutable field change takes --replace)",
            )


def journal_path(plan_path: str | Path) -> Path:
    p = Path(plan_path)
    return p.with_name(p.name + ".journal")


async def apply_saved(
    client: TikTokClient,
    plan: Plan,
    loaded: files.LoadedManifests,
    *,
    plan_path: str | Path,
    now: datetime | None = None,
    progress: apply_mod.Progress | None = None,
    lock_timeout: float = 0.0,
) -> apply_mod.ApplyResult:
    """Apply a saved plan: refuse it if it is not exactly the reviewed plan for this target,
    then hold the advertisers' lock for the whole apply."""
    apply_mod.check_plan(plan, digest=loaded.digest, now=now or await client.now(), target=client.target)
    with apply_mod.lock(plan, timeout=lock_timeout):
        return await apply_mod.apply_plan(
            client,
            plan,
            loaded.manifests,
            journal_path=journal_path(plan_path),
            progress=progress,
            media_uses=loaded.media,
        )
