"""Only the reviewed plan is applied: a plan file edited after it was made, or pointed at
another API, is refused before any call, and the account is left as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.adapters.connect import open_client
from reconciler.cli import main

from ..test_pipeline_e2e import set_budget

ADV = "7000000000000000001"


class Account:
    """The demo manifests and an emulator database file, driven through the CLI."""

    def __init__(self, tmp: Path) -> None:
        import shutil

        from ..conftest import DEMO

        self.tmp = tmp
        self.manifests = tmp / "manifests"
        shutil.copytree(DEMO, self.manifests)
        self.db = tmp / "emu.db"
        self.runner = CliRunner()

    def cli(self, *args: str, db: Path | None = None) -> Any:
        conn = ["--emulator", "--emulator-db", str(db or self.db)]
        return self.runner.invoke(main, [*args, *conn], catch_exceptions=False)

    def plan(self, name: str = "plan.json", *extra: str) -> Path:
        out = self.tmp / name
        r = self.cli("plan", str(self.manifests), "-o", str(out), *extra)
        assert r.exit_code == 0, r.output
        return out

    def campaigns(self, db: Path | None = None) -> list[dict[str, Any]]:
        import asyncio

        async def go() -> list[dict[str, Any]]:
            async with open_client(emulator=True, emulator_db=str(db or self.db)) as c:
                return await c.get_all("smart_plus/campaign/get/", {"advertiser_id": ADV}, 1000)

        return asyncio.run(go())


def edit(path: Path, fn: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    fn(data)
    path.write_text(json.dumps(data))


def op_of(data: dict[str, Any], type_name: str) -> dict[str, Any]:
    return next(c for c in data["changes"] if c["type"] == type_name)


@pytest.fixture
def account(tmp_path: Path) -> Account:
    return Account(tmp_path)


def refused(account: Account, plan: Path, *texts: str) -> None:
    r = account.cli("apply", str(plan), "--log", "")
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    for t in texts:
        assert t in r.output, r.output


def test_a_raised_budget_in_a_create_is_refused_and_nothing_is_created(account: Account) -> None:
    plan = account.plan()
    edit(plan, lambda d: op_of(d, "create_campaign")["body"].update(budget=99999))
    refused(account, plan, "changed after it was made", "operation 0001")
    assert [c["campaign_name"] for c in account.campaigns()] == []


def test_a_raised_budget_in_an_update_is_refused(account: Account) -> None:
    assert account.cli("apply", str(account.plan("first.json")), "--log", "").exit_code == 0
    set_budget(account.manifests, 510)
    plan = account.plan("plan.json", "--override", "learning-phase")
    edit(plan, lambda d: op_of(d, "update")["body"].update(budget=60000))
    refused(account, plan, "changed after it was made")
    [campaign] = account.campaigns()
    assert float(campaign["budget"]) == 500


def test_an_operation_rewritten_to_delete_is_refused(account: Account) -> None:
    assert account.cli("apply", str(account.plan("first.json")), "--log", "").exit_code == 0
    set_budget(account.manifests, 510)
    plan = account.plan("plan.json", "--override", "learning-phase")

    def to_delete(d: dict[str, Any]) -> None:
        op = op_of(d, "update")
        campaign_id = op["remote_id"]
        op.clear()
        op.update(
            id="0001",
            type="set_status",
            status="DELETE",
            address_key=f'{ADV}/campaign["Spring Sale US"]',
            targets=[{"address_key": f'{ADV}/campaign["Spring Sale US"]', "live_id": campaign_id}],
        )

    edit(plan, to_delete)
    refused(account, plan, "the plan never deletes")
    [campaign] = account.campaigns()
    assert campaign["operation_status"] == "ENABLE"

    # A type outside the closed set is refused just the same.
    edit(plan, lambda d: d["changes"][0].update(type="delete_campaign"))
    refused(account, plan, "unknown type 'delete_campaign'")
    assert len(account.campaigns()) == 1


def test_a_moved_expiry_is_refused(account: Account) -> None:
    plan = account.plan()
    edit(plan, lambda d: d.update(expires_at="2099-01-01 00:00:00"))
    refused(account, plan, "changed after it was made", "edited: plan")
    assert account.campaigns() == []


def test_a_moved_target_is_refused(account: Account) -> None:
    plan = account.plan()
    edit(plan, lambda d: d.update(target={"base_url": "https://business-api.tiktok.com/open_api/v1.3/"}))
    refused(account, plan, "changed after it was made")
    assert account.campaigns() == []


def test_a_plan_is_applied_only_where_it_was_made(account: Account) -> None:
    """Made against one emulator database, applied against another: refused with a hint."""
    plan = account.plan()
    other = account.tmp / "other.db"
    r = account.cli("apply", str(plan), "--log", "", db=other)
    assert r.exit_code == 1, r.output
    assert "the plan was made against the embedded emulator" in r.output
    assert "Hint:" in r.output
    assert account.campaigns(db=other) == []
    # And on its own target it applies.
    assert account.cli("apply", str(plan), "--log", "").exit_code == 0
    assert [c["campaign_name"] for c in account.campaigns()] == ["Spring Sale US"]


def test_the_plan_holds_its_target_and_no_token(account: Account) -> None:
    plan = account.plan()
    text = plan.read_text()
    assert "demo-token" not in text
    assert json.loads(text)["target"] == {"emulator": str(account.db.resolve())}


def test_plans_journals_and_logs_are_private(account: Account) -> None:
    plan = account.plan()
    log = account.tmp / "log.jsonl"
    assert account.cli("apply", str(plan), "--log", str(log)).exit_code == 0
    journal = plan.with_name(plan.name + ".journal")
    assert journal.stat().st_mode & 0o077 == 0, oct(journal.stat().st_mode)
