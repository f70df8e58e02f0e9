"""Dynamic CTAs from TikTok's recommendation (`cta_portfolio: recommended`), and ad group budgets
sent in batches: both against the emulator, end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.core.operations import CreateAd, CreatePortfolio, Update

from ..conftest import World


def use_recommended_cta(manifests: Path) -> None:
    template = manifests / "spring-sale.yaml.j2"
    text = template.read_text()
    old = "        ad_configuration: {call_to_action_id: {{ cta_portfolio_id | quote }}}"
    assert old in text
    template.write_text(text.replace(old, "        cta_portfolio: recommended"))


def add_market(manifests: Path, market: str) -> None:
    (manifests / f"{market}.yaml.j2").write_text((manifests / "spring-sale.yaml.j2").read_text())
    values = (manifests / "spring-sale.values.yaml").read_text().replace("market: US", f"market: {market}")
    (manifests / f"{market}.values.yaml").write_text(values)


def portfolios_of(world: World) -> set[str]:
    ads = world.get("smart_plus/ad/get/", page_size=100)["list"]
    return {a["ad_configuration"]["call_to_action_id"] for a in ads}


def calls(world: World) -> dict[str, Any]:
    return world.run(lambda c: c._http.get("http://emulator/_emulator/stats")).json()["by_path"]


def test_one_recommended_portfolio_for_every_new_ad_and_reused_by_the_next_campaign(world: World) -> None:
    use_recommended_cta(world.manifests)
    plan = world.plan()
    [portfolio] = [c for c in plan.changes if isinstance(c, CreatePortfolio)]
    ads = [c for c in plan.changes if isinstance(c, CreateAd)]
    assert len(ads) == 4 and all(a.cta is not None and a.cta.created_by == portfolio.id for a in ads)
    assert all(portfolio.id in a.depends_on for a in ads)
    assert world.apply(plan, plan_path=world.tmp / "1.json").ok
    [pid] = portfolios_of(world)
    assert world.plan().changes == []  # converged: the portfolio is not created again

    # A second campaign asking for the same recommendation reuses the portfolio its ads use.
    add_market(world.manifests, "DE")
    plan = world.plan()
    assert not [c for c in plan.changes if isinstance(c, CreatePortfolio)]
    assert {c.cta.live_id for c in plan.changes if isinstance(c, CreateAd) and c.cta} == {pid}
    assert world.apply(plan, plan_path=world.tmp / "2.json").ok
    assert portfolios_of(world) == {pid}
    assert world.plan().changes == []


def test_budget_only_adgroup_updates_go_in_one_batch_call(world: World) -> None:
    """Four CBO-off ad groups change budget: one /smart_plus/adgroup/budget/update/ call."""
    example = (world.manifests.parent / "cbo-off").resolve()
    example.mkdir()
    from ..conftest import ROOT

    src = (ROOT / "manifests" / "examples" / "per-adgroup-budgets.yaml").read_text()
    (example / "c.yaml").write_text(src)
    assert world.apply(world.plan([str(example)]), [str(example)], plan_path=world.tmp / "1.json").ok
    world.advance(8)  # past the learning phase
    import re

    budgets = [float(b) for b in re.findall(r"^\s+budget: ([0-9.]+)", src, flags=re.M)]
    bumped = re.sub(
        r"^(\s+budget: )([0-9.]+)", lambda m: f"{m.group(1)}{float(m.group(2)) + 5:g}", src, flags=re.M
    )
    (example / "c.yaml").write_text(bumped)
    plan = world.plan([str(example)])
    updates = [c for c in plan.changes if isinstance(c, Update) and c.kind == "adgroup"]
    assert len(updates) == len(budgets) >= 2 and all(set(u.body) == {"budget"} for u in updates)
    before = calls(world).get("/open_api/v1.3/smart_plus/adgroup/budget/update/", 0)
    result = world.apply(plan, [str(example)], plan_path=world.tmp / "2.json")
    assert result.ok, (result.failed, result.verify_problems)
    stats = calls(world)
    assert stats.get("/open_api/v1.3/smart_plus/adgroup/budget/update/", 0) - before == 1
    assert "/open_api/v1.3/smart_plus/adgroup/update/" not in stats
    assert world.plan([str(example)]).changes == []
