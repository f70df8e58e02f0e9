"""The GitHub Actions workflows of docs/github-actions/, end to end without GitHub.

The `smartplus` command lines are read out of the workflow files themselves and run through the CLI
against a file-backed emulator (`--emulator --emulator-db` instead of a token), in a directory laid
out like a user's repository (`manifests/`). What GitHub would do around them (comments, artifacts,
issues) is checked on the files the commands leave: the comment body, the plan, the drift report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.emulator import create_app

from ..conftest import ADVERTISER, DEMO, World
from ..importer.seed import admin

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "docs" / "github-actions"
PLAN_MARKER = "<!-- smartplus-plan -->"
COMMENT_LIMIT = 65_536
REDIRECTS = {">", "2>", "2>&1", "|", "&&", ";"}


def workflow(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(wf: dict[str, Any]) -> Any:
    raw: dict[Any, Any] = dict(wf)
    return raw.get("on", raw.get(True))  # YAML 1.1 reads a bare `on` key as true


def steps(wf: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for job in wf["jobs"].values() for s in job["steps"]]


def commands(name: str) -> list[list[str]]:
    """Every `smartplus ...` invocation in the workflow's run scripts, without shell redirections."""
    out: list[list[str]] = []
    for step in steps(workflow(name)):
        for line in str(step.get("run", "")).splitlines():
            line = line.strip()
            if not line.startswith("smartplus "):
                continue
            argv: list[str] = []
            for token in shlex.split(line)[1:]:
                if token in REDIRECTS:
                    break
                argv.append(token)
            out.append(argv)
    return out


def command(name: str, verb: str) -> list[str]:
    found = [c for c in commands(name) if c[0] == verb]
    assert len(found) == 1, (name, verb, found)
    return found[0]


# ---- the files ---------------------------------------------------------------------------------


def test_workflows_parse_and_run_the_right_commands() -> None:
    plan_wf, apply_wf, drift_wf = workflow("plan.yml"), workflow("apply.yml"), workflow("drift.yml")

    assert "pull_request" in triggers(plan_wf)
    assert commands("plan.yml") == [
        ["render", "manifests/"],
        ["validate", "manifests/"],
        ["plan", "manifests/", "-o", "plan.json", "--format", "markdown", "--detailed-exitcode"],
    ]
    plan_text = (WORKFLOWS / "plan.yml").read_text()
    assert PLAN_MARKER in plan_text
    upload = next(s for s in steps(plan_wf) if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["with"]["name"] == (
        "smartplus-plan-pr${{ github.event.pull_request.number }}-${{ github.event.pull_request.head.sha }}"
    )
    assert "plan.json" in upload["with"]["path"]

    assert triggers(apply_wf) == {"push": {"branches": ["main"]}}
    assert commands("apply.yml") == [["apply", "reviewed-plan/plan.json"]]
    assert apply_wf["concurrency"]["cancel-in-progress"] is False
    assert apply_wf["concurrency"]["group"]
    apply_text = (WORKFLOWS / "apply.yml").read_text()
    assert "smartplus-plan-pr${pr.number}-${pr.head.sha}" in apply_text  # the name plan.yml uploads
    assert "listPullRequestsAssociatedWithCommit" in apply_text
    assert ".smartplus/apply-log.jsonl" in apply_text and "plan.json.journal" in apply_text

    assert "schedule" in triggers(drift_wf)
    assert commands("drift.yml") == [["drift", "manifests/", "--format", "json", "-o", "drift.json"]]
    drift_text = (WORKFLOWS / "drift.yml").read_text()
    assert "smartplus-drift" in drift_text and "<!-- smartplus-drift-signature: ${sig} -->" in drift_text

    for wf in (plan_wf, apply_wf, drift_wf):
        env = wf["env"]
        assert env["TIKTOK_ACCESS_TOKEN"] == "${{ secrets.TIKTOK_ACCESS_TOKEN }}"
        assert env["TIKTOK_API_BASE_URL"].startswith("${{ vars.TIKTOK_API_BASE_URL || ")

    readme = (WORKFLOWS / "README.md").read_text()
    for name in ("plan.yml", "apply.yml", "drift.yml", "TIKTOK_ACCESS_TOKEN", "TIKTOK_API_BASE_URL"):
        assert name in readme


# ---- end to end --------------------------------------------------------------------------------


class Repo:
    """A user's repository checkout with the emulator standing in for TikTok."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = str(root / "emulator.db")
        self.world = World(app=create_app(db=self.db, seed="demo"), tmp=root)
        self.runner = CliRunner()

    def run(self, argv: list[str], *, connect: bool = True) -> Result:
        # In place of the token: the emulator, without the client-side pacing meant for TikTok.
        extra = ["--emulator", "--emulator-db", self.db, "--rate-limit", "1000"] if connect else []
        return self.runner.invoke(main, [*argv, *extra])

    def campaign_id(self) -> str:
        return str(self.world.get("smart_plus/campaign/get/")["list"][0]["campaign_id"])


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    shutil.copytree(DEMO, tmp_path / "manifests")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TIKTOK_ACCESS_TOKEN", raising=False)
    return Repo(tmp_path)


def comment_body(plan_md: str) -> str:
    """What plan.yml posts: the Markdown plan, with the marker first (added if missing)."""
    return plan_md if PLAN_MARKER in plan_md else PLAN_MARKER + "\n" + plan_md


def pr_plan(repo: Repo) -> tuple[int, str]:
    """The plan job: render, validate, plan; -> (plan exit code, comment body)."""
    for verb in ("render", "validate"):
        r = repo.run(command("plan.yml", verb), connect=False)
        assert r.exit_code == 0, r.output
    r = repo.run(command("plan.yml", "plan"))
    return r.exit_code, comment_body(r.stdout)


def merge_and_apply(repo: Repo) -> Result:
    """The apply job: the reviewed plan artifact is downloaded to reviewed-plan/, then applied."""
    shutil.rmtree(repo.root / "reviewed-plan", ignore_errors=True)  # each apply run is a fresh checkout
    (repo.root / "reviewed-plan").mkdir()
    shutil.copy(repo.root / "plan.json", repo.root / "reviewed-plan" / "plan.json")
    return repo.run(command("apply.yml", "apply"))


def drift(repo: Repo) -> tuple[int, dict[str, Any]]:
    r = repo.run(command("drift.yml", "drift"))
    report = json.loads((repo.root / "drift.json").read_text())
    assert json.loads(r.stdout) == report
    return r.exit_code, report


def issue_is_new(issue_body: str | None, report: dict[str, Any]) -> bool:
    """drift.yml's rule: raise (or update) the issue only when the signature is not in its body."""
    return (
        issue_body is None or f"<!-- smartplus-drift-signature: {report['signature']} -->" not in issue_body
    )


def test_pull_request_plan_merge_apply_and_nightly_drift(repo: Repo) -> None:
    # Pull request: the plan comment.
    code, body = pr_plan(repo)
    assert code == 2  # changes: a success for the check
    assert body.startswith(PLAN_MARKER + "\n### smartplus plan\n")
    assert len(body) < COMMENT_LIMIT
    table = re.search(r"\| action \| count \|\n\|---\|---:\|\n((?:\|.*\|\n)+)", body)
    assert table is not None
    assert table.group(1).splitlines() == [
        "| create | 7 |",
        "| update | 0 |",
        "| set status | 0 |",
        "| replace | 0 |",
        "| disable | 0 |",
    ]
    assert "**Maximum daily spend:** 0.00 → 500.00 (+500.00)" in body
    assert body.index("| action | count |") < body.index("<details>")  # summary first, details folded
    assert '<summary>campaign["Spring Sale US"]: ' in body and "</details>" in body
    assert '+ create campaign["Spring Sale US"]' in body
    assert "demo-token" not in body
    saved = json.loads((repo.root / "plan.json").read_text())
    assert saved["advertiser_ids"] == [ADVERTISER] and "demo-token" not in json.dumps(saved)

    # Merge: the reviewed plan is applied; a re-plan is empty.
    r = merge_and_apply(repo)
    assert r.exit_code == 0, r.output
    assert "Apply complete" in r.output
    assert (repo.root / "reviewed-plan" / "plan.json.journal").exists()
    code, body = pr_plan(repo)
    assert code == 0
    assert "**No changes.**" in body and "| create | 0 |" in body

    # Nightly drift: nothing yet.
    code, report = drift(repo)
    assert (code, report["drift"], report["signature"]) == (0, False, None)

    # A change behind the tool's back.
    campaign_id = repo.campaign_id()
    repo.world.post("smart_plus/campaign/update/", {"campaign_id": campaign_id, "budget": 650})
    code, first = drift(repo)
    assert code == 2 and first["drift"] is True and first["signature"]
    assert [(i["type"], i["field"], i["live"], i["desired"]) for i in first["items"]] == [
        ("changed", "budget", 650, 500)
    ]
    assert first["items"][0]["remote_id"] == campaign_id
    assert issue_is_new(None, first)
    issue_body = f"<!-- smartplus-drift-signature: {first['signature']} -->\n..."

    # The same drift the next night: the same signature, so the issue is left alone.
    code, second = drift(repo)
    assert code == 2 and second["signature"] == first["signature"]
    assert not issue_is_new(issue_body, second)

    # A different change: a different signature, so the issue is updated.
    repo.world.post("smart_plus/campaign/update/", {"campaign_id": campaign_id, "budget": 700})
    code, third = drift(repo)
    assert code == 2 and third["signature"] != first["signature"]
    assert issue_is_new(issue_body, third)

    # Undone: no drift, so the workflow closes the issue.
    repo.world.post("smart_plus/campaign/update/", {"campaign_id": campaign_id, "budget": 500})
    code, report = drift(repo)
    assert (code, report["drift"]) == (0, False)

    # A budget edit in the campaign's first week: blocked (exit 3), so plan.yml comments, then fails.
    set_budget(repo, 650)
    code, body = pr_plan(repo)
    assert code == 3
    assert body.startswith(PLAN_MARKER) and "learning-phase" in body
    assert body.index("learning-phase") < 4000  # blocked changes are in the first screen


def set_budget(repo: Repo, budget: int) -> None:
    values = repo.root / "manifests" / "spring-sale.values.yaml"
    values.write_text(re.sub(r"^budget: .*$", f"budget: {budget}", values.read_text(), flags=re.M))


def test_a_stale_plan_is_refused_on_merge(repo: Repo) -> None:
    # The campaign was launched 10 days ago (past the learning phase, so a budget edit is not blocked).
    launched = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    admin(repo.world, "/_emulator/clock", {"now": launched.strftime("%Y-%m-%d %H:%M:%S")})
    code, _ = pr_plan(repo)
    assert code == 2
    assert merge_and_apply(repo).exit_code == 0
    # Ten days pass on the API's clock (guardrails read "now" from its Date header).
    admin(repo.world, "/_emulator/clock", {"advance_days": 10})

    # Another pull request plans a budget change...
    set_budget(repo, 650)
    code, body = pr_plan(repo)
    assert code == 2 and "| update | 1 |" in body
    # ...then somebody edits the campaign in Ads Manager before the merge.
    repo.world.post("smart_plus/campaign/update/", {"campaign_id": repo.campaign_id(), "budget": 600})
    r = merge_and_apply(repo)
    assert r.exit_code == 1
    assert "stale" in r.output
    assert "Traceback" not in r.output
    live = repo.world.get("smart_plus/campaign/get/")["list"][0]
    assert live["budget"] == 600  # nothing applied


def test_a_failed_plan_is_reported_not_crashed(repo: Repo) -> None:
    (repo.root / "manifests" / "broken.yaml").write_text(
        f'advertiser_id: "{ADVERTISER}"\ncampaign_name: Broken\nobjective_type: TRAFFIC\n'
    )
    r = repo.run(command("plan.yml", "validate"), connect=False)
    assert r.exit_code == 1
    r = repo.run(command("plan.yml", "plan"))
    assert r.exit_code == 1 and "broken.yaml" in r.output and "Traceback" not in r.output
