"""The plan as people read it: the Markdown comment at any size, and the text plan's counts.

Plans come from the real planner against the emulator (never hand-built), so these tests follow
the plan's shape as it evolves. The Markdown is parsed by markdown-it-py with the GFM table rule
(`MarkdownIt("commonmark").enable("table")`): it earns its place because the question is whether
GitHub shows a table, and a table that a regex finds can still fail to render (no blank line
before it, a `|` inside a cell splitting a column, a broken delimiter row); the renderer's tokens
answer that question, a regex does not.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from reconciler.core import explain
from reconciler.core.plan import Plan

from .conftest import ROOT, World

GFM = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def tables(md: str) -> list[list[list[str]]]:
    """Every table GitHub would render: rows of cell texts (header row first)."""
    out: list[list[list[str]]] = []
    rows: list[list[str]] = []
    row: list[str] | None = None
    for tok in GFM.parse(md):
        if tok.type == "table_open":
            rows = []
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and row is not None:
            row.append(tok.content)
        elif tok.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
        elif tok.type == "table_close":
            out.append(rows)
    return out


def table(md: str, first_header: str) -> list[list[str]]:
    found = [t for t in tables(md) if t and t[0][0] == first_header]
    assert len(found) == 1, [t[0] for t in tables(md)]
    return found[0]


def scale(world: World, tmp: Path, campaigns: int, adgroups: int, ads: int, **extra: Any) -> Path:
    d = tmp / f"scale-{campaigns}"
    d.mkdir()
    shutil.copy(ROOT / "bench" / "scale.yaml.j2", d / "scale.yaml.j2")
    values = {"campaigns": campaigns, "adgroups": adgroups, "ads": ads, "budget": 500}
    values |= {"start_time": "2027-12-01 00:00:00", **extra}
    (d / "scale.values.yaml").write_text("".join(f"{k}: {v!r}\n" for k, v in values.items()))
    return d


def check_comment(md: str) -> None:
    assert len(md) < explain.GITHUB_LIMIT
    longest = max(md.splitlines(), key=len)
    assert len(longest) <= 300, longest[:120]
    assert md.startswith(explain.PLAN_MARKER)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, str]:
    """12,200 creates: 200 campaigns x 10 ad groups x 5 ads, in an empty account."""
    tmp = tmp_path_factory.mktemp("big")
    shutil.copytree(ROOT / "manifests" / "demo", tmp / "manifests")
    from reconciler.emulator import create_app

    world = World(app=create_app(db=":memory:", seed="demo"), tmp=tmp)
    plan = world.plan([scale(world, tmp, 200, 10, 5)])
    return plan, explain.markdown(plan)


def test_12200_creates_fit_with_every_campaign_in_the_overview(big: tuple[Plan, str]) -> None:
    plan, md = big
    check_comment(md)
    summary = dict(table(md, "action")[1:])  # type: ignore[arg-type]
    assert summary["create"] == "12200" and summary["set status"] == "0"  # the starts are not counted again
    assert summary["**blocked**"] == "0"
    overview = table(md, "campaign")
    assert overview[0] == ["campaign", "creates", "updates", "status changes", "blocked", "spend delta"]
    names = [r[0] for r in overview[1:]]
    assert len(names) == 200 and names[0] == '`campaign["Scale Campaign 0001"]`'
    assert all(r[1] == "61" for r in overview[1:])  # 1 campaign + 10 ad groups + 50 ads each
    assert sum(float(r[5].replace(",", "")) for r in overview[1:]) == pytest.approx(
        plan.spend_after - plan.spend_before
    )
    # Details that did not fit are cut, and every cut campaign is named.
    shown = re.findall(r"<summary>(campaign\[.*?\]):", md)
    cut = md[md.index("Details of ") :]
    assert "cut to stay under GitHub's 65,536-character limit" in cut
    missing = [n for n in (n.strip("`") for n in names) if n not in shown]
    assert missing and all(f"`{n}`" in cut for n in missing)


def test_40_campaigns_each_in_the_overview_and_status_batches_split_by_campaign(
    world: World, tmp_path: Path
) -> None:
    d = scale(world, tmp_path, 40, 1, 1)
    plan = world.plan([d])
    md = explain.markdown(plan)
    check_comment(md)
    rows = table(md, "campaign")[1:]
    assert len(rows) == 40
    # Each campaign's spend once: its budget (the enable batches hold 20 campaigns each).
    assert [r[5] for r in rows] == ["+500.00"] * 40
    assert plan.spend_after - plan.spend_before == pytest.approx(20_000)

    world.apply(world.plan([d]), [d])
    tpl = d / "scale.yaml.j2"
    tpl.write_text(
        tpl.read_text().replace("budget: {{ budget }}", "budget: {{ budget }}\noperation_status: DISABLE")
    )
    plan = world.plan([d])
    assert any(len(c.targets) == 20 and c.kind == "campaign" for c in plan.changes)  # TikTok's batch size
    md = explain.markdown(plan)
    check_comment(md)
    rows = table(md, "campaign")[1:]
    assert len(rows) == 40 and all(r[1:4] == ["0", "0", "1"] for r in rows)  # one status change each
    assert dict(table(md, "action")[1:])["set status"] == "40"  # type: ignore[arg-type]
    for n in (1, 21, 40):  # each campaign's fold holds its own target, not the first one's batch
        fold = md.split(f'<summary>campaign["Scale Campaign {n:04d}"]', 1)[1].split("</details>", 1)[0]
        assert f'campaign["Scale Campaign {n:04d}"]' in fold
        assert fold.count('campaign["Scale Campaign') == 1


def test_blocked_plan_markdown_and_text(world: World) -> None:
    world.apply(world.plan())
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(re.sub(r"^budget: .*$", "budget: 650", values.read_text(), flags=re.M))
    plan = world.plan()
    assert plan.blocked
    md = explain.markdown(plan)
    check_comment(md)
    summary = dict(table(md, "action")[1:])  # type: ignore[arg-type]
    assert summary["**blocked**"] == "**1**" and summary["update"] == "1"
    assert table(md, "campaign")[1][4] == "**1**"
    html = GFM.render(md)
    assert "<code>--override 'learning-phase:campaign[&quot;Spring Sale US&quot;]'</code>" in html
    assert md.index("BLOCKED") < 2000

    text = [line for _, line in explain.text_lines(plan)]
    assert text[0] == "Plan: 1 change (1 to update)"
    assert "Summary: 1 to update." in text
    step = explain.next_step(plan, "plan.json")
    assert "smartplus apply plan.json" not in step and "--override" in step and "plan again" in step


def test_text_header_and_summary_count_the_same_objects(world: World) -> None:
    plan = world.plan()
    text = [line for _, line in explain.text_lines(plan)]
    # 7 objects are created (and started: the three status batches start them, not counted again).
    assert text[0] == "Plan: 7 changes (7 to create)"
    assert "Summary: 7 to create." in text
    assert sum(1 for line in text if line.startswith("~ set status ENABLE")) == 3
    assert text.count("    (starts what this plan creates: counted with the creates)") == 3
    assert sum(1 for line in text if "daily spend +" in line) == 1  # the spend shows once, on one change
    assert explain.next_step(plan, "p.json").endswith("smartplus apply p.json")
    md = explain.markdown(plan)
    assert dict(table(md, "action")[1:]) == {  # type: ignore[arg-type]
        "create": "7",
        "update": "0",
        "set status": "0",
        "replace": "0",
        "disable": "0",
        "**blocked**": "0",
    }


def test_no_changes(world: World) -> None:
    world.apply(world.plan())
    plan = world.plan()
    md = explain.markdown(plan)
    assert "**No changes.**" in md and "#### Campaigns" not in md
    assert explain.text_lines(plan)[0][1] == "No changes. The account matches the manifests."
    assert explain.next_step(plan, "p.json") == "Saved the plan to p.json. Nothing to apply."


def test_spend_shows_once_per_real_change_without_cbo(world: World) -> None:
    example = ROOT / "manifests" / "examples" / "per-adgroup-budgets.yaml"
    plan = world.plan([example])
    total = plan.spend_after - plan.spend_before
    assert total > 0
    assert sum(c.spend_delta for c in plan.changes) == pytest.approx(total)
    md = explain.markdown(plan)
    assert sum(float(r[5].replace(",", "")) for r in table(md, "campaign")[1:]) == pytest.approx(total)
