"""The GitHub workflows of docs/github-actions/ and the action (action.yml), run step by step.

Every step is read out of the YAML files (tests/workflows/runner.py runs them as GitHub would), so
a change to a workflow changes what runs here. TikTok is the HTTP emulator (`smartplus emulator
serve` in a subprocess on a free loopback port); GitHub is a fake REST API (fake_github.py) on
another. Each test is one story a repository lives through: a plan with changes, a blocked plan, a
bad manifest, a fork without the token, a stale and a foreign plan artifact at merge time, drift
that is new and drift that is known.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from reconciler.emulator import BackgroundServer

from ..conftest import DEMO
from .fake_github import READ_TOKEN, WRITE_TOKEN, FakeGitHub
from .runner import ROOT, Runner, RunResult, venv_path, zip_bytes

WORKFLOWS = ROOT / "docs" / "github-actions"
TOKEN = "demo-token"  # the emulator's seeded token, standing in for the TIKTOK_ACCESS_TOKEN secret
PLAN_MARKER = "<!-- smartplus-plan -->"
APPLY_MARKER = "<!-- smartplus-apply -->"
SMARTPLUS = str(Path(sys.executable).parent / "smartplus")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[str]:
    """`smartplus emulator serve` on a free loopback port, as another project's CI would run it."""
    port = free_port()
    proc = subprocess.Popen(
        [SMARTPLUS, "emulator", "serve", "--port", str(port), "--db", str(tmp_path / "emulator.db")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the emulator did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/open_api/v1.3/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class World:
    """A repository on the fake GitHub, its checkout, and the account behind the emulator."""

    root: Path
    api: str  # the emulator's base URL
    gh: FakeGitHub
    gh_url: str
    shas: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    results: list[RunResult] = field(default_factory=list)

    @property
    def checkout(self) -> Path:
        return self.root / "checkout"

    def sha(self) -> str:
        return hashlib.sha1(str(next(self.shas)).encode()).hexdigest()

    def tiktok(self, path: str, body: dict[str, Any] | None = None) -> Any:
        url = self.api + path
        headers = {"Access-Token": TOKEN}
        r = (
            httpx.post(url, json=body, headers=headers)
            if body is not None
            else httpx.get(url, headers=headers)
        )
        r.raise_for_status()
        data = r.json()
        assert data["code"] == 0, data
        return data["data"]

    def campaign(self) -> dict[str, Any]:
        data = self.tiktok("smart_plus/campaign/get/?advertiser_id=7000000000000000001")
        return dict(data["list"][0])

    def set_budget(self, budget: int) -> None:
        values = self.checkout / "manifests" / "spring-sale.values.yaml"
        values.write_text(re.sub(r"^budget: .*$", f"budget: {budget}", values.read_text(), flags=re.M))

    def run(
        self,
        workflow: str,
        event_name: str,
        payload: dict[str, Any],
        sha: str,
        *,
        secrets: dict[str, str] | None = None,
        github_token: str = WRITE_TOKEN,
        run: dict[str, Any] | None = None,
    ) -> RunResult:
        if run is None:  # every run is recorded on the fake GitHub, with the path GitHub would give it
            run = self.gh.add_run(
                head_sha=sha, path=f".github/workflows/smartplus-{workflow}", event=event_name
            )
        temp = self.root / f"runner-temp-{len(self.results)}"
        temp.mkdir()
        event_path = temp / "event.json"
        event_path.write_text(json.dumps(payload))
        run_id = str(run["id"])
        github = {
            "event_name": event_name,
            "event": payload,
            "sha": sha,
            "ref_name": "main" if event_name != "pull_request" else f"{payload['number']}/merge",
            "repository": self.gh.repo,
            "token": github_token,
            "run_id": run_id,
            "run_attempt": "1",
            "actor": (payload.get("pull_request") or {}).get("user", {}).get("login", "alice"),
        }
        base_env = {
            "PATH": venv_path(),
            "HOME": str(self.root),
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": self.gh.repo,
            "GITHUB_SHA": sha,
            "GITHUB_REF_NAME": str(github["ref_name"]),
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_API_URL": self.gh_url,
            "GITHUB_SERVER_URL": "https://github.example",
            "GITHUB_RUN_ID": run_id,
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_ACTOR": str(github["actor"]),
            "GITHUB_WORKSPACE": str(self.checkout),
            "GITHUB_STEP_SUMMARY": str(temp / "summary.md"),
            "RUNNER_TEMP": str(temp),
        }

        def upload(name: str, files: dict[str, bytes]) -> None:
            self.gh.add_artifact(run, name, zip_bytes(files))

        runner = Runner(
            workdir=self.checkout,
            github=github,
            secrets=secrets if secrets is not None else {"TIKTOK_ACCESS_TOKEN": TOKEN},
            vars={"TIKTOK_API_BASE_URL": self.api},
            base_env=base_env,
            upload=upload,
        )
        result = runner.run_workflow(WORKFLOWS / workflow)
        result.summary = (temp / "summary.md").read_text() if (temp / "summary.md").exists() else ""  # type: ignore[attr-defined]
        check_secrets_stay_in_their_steps(runner)
        run["conclusion"] = result.conclusion
        self.results.append(result)
        return result

    def plan_pr(
        self, number: int, sha: str, *, fork: str | None = None, user: str = "alice", **kw: Any
    ) -> RunResult:
        pr = self.gh.pulls.get(number) or self.gh.add_pull(number, sha, fork=fork, user=user)
        pr["head"]["sha"] = sha
        run = self.gh.add_run(head_sha=sha, head_repo=fork)
        return self.run(
            "plan.yml", "pull_request", {"number": number, "pull_request": pr}, sha, run=run, **kw
        )

    def merge_and_apply(self, number: int) -> RunResult:
        merge_sha = self.sha()
        self.gh.merge(number, merge_sha)
        shutil.rmtree(self.checkout / "reviewed-plan", ignore_errors=True)  # a fresh runner
        return self.run("apply.yml", "push", {"ref": "refs/heads/main", "after": merge_sha}, merge_sha)

    def comment(self, number: int) -> str:
        (body,) = self.gh.comments_on(number)  # ONE comment per pull request, updated in place
        return body


def check_secrets_stay_in_their_steps(runner: Runner) -> None:
    """The TikTok token only in the step that runs smartplus; the GitHub token only where GitHub is called."""
    for step in getattr(runner, "inner_steps", []):
        holds_tiktok = TOKEN in step.env.values()
        holds_github = any(v in (WRITE_TOKEN, READ_TOKEN) for v in step.env.values())
        assert not holds_tiktok or step.id == "run", step.id
        assert not holds_github or step.id in ("fetch", "report"), step.id
        assert TOKEN not in step.stdout, f"the TikTok token was printed by {step.id}"


@pytest.fixture
def world(tmp_path: Path, emulator: str) -> Iterator[World]:
    gh = FakeGitHub()
    checkout = tmp_path / "checkout"
    shutil.copytree(DEMO, checkout / "manifests")
    with BackgroundServer(gh.app()) as url:
        w = World(tmp_path, emulator, gh, url)
        yield w
        everything = json.dumps([gh.comments, gh.issues])
        assert TOKEN not in everything and WRITE_TOKEN not in everything


def overview_rows(body: str) -> list[str]:
    m = re.search(r"\| campaign \|.*\n\|[-:| ]+\|\n((?:\|.*\|\n)+)", body)
    assert m, body[:3000]
    return m.group(1).splitlines()


# ---- the files ------------------------------------------------------------------------------------


def test_workflows_use_the_action_least_privilege_and_no_token_at_workflow_level() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    install = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    assert 'pip install --disable-pip-version-check --quiet "$GITHUB_ACTION_PATH"' in install["run"]
    for step in action["runs"]["steps"]:
        env = json.dumps(step.get("env", {}))
        assert ("inputs.token" in env) == (step["id"] == "run"), step["id"]
        assert ("inputs.github-token" in env) == (step["id"] in ("fetch", "report")), step["id"]
    for name in ("plan.yml", "apply.yml", "drift.yml"):
        wf = yaml.safe_load((WORKFLOWS / name).read_text())
        assert wf["permissions"] == {}, name  # nothing at workflow level; each job asks for its own
        assert "env" not in wf, name
        (job,) = wf["jobs"].values()
        assert "write-all" not in json.dumps(job["permissions"]) and job["permissions"]["contents"] == "read"
        uses = [s for s in job["steps"] if "OWNER/REPO@" in str(s.get("uses", ""))]
        assert len(uses) == 1 and uses[0]["with"]["token"] == "${{ secrets.TIKTOK_ACCESS_TOKEN }}"
        assert all("secrets." not in json.dumps(s) for s in job["steps"] if s is not uses[0]), name
    apply = yaml.safe_load((WORKFLOWS / "apply.yml").read_text())
    assert apply["concurrency"] == {"group": "smartplus-apply", "cancel-in-progress": False}


# ---- plan ------------------------------------------------------------------------------------------


def test_plan_with_changes_comments_once_and_keeps_the_plan(world: World) -> None:
    sha = world.sha()
    r = world.plan_pr(1, sha)
    assert r.conclusion == "success", r.log
    assert r.step("smartplus").outputs["exitcode"] == "2"
    assert r.step("smartplus").outputs["account-read"] == "true"
    body = world.comment(1)
    assert body.startswith(PLAN_MARKER + "\n")
    assert '`campaign["Spring Sale US"]`' in body
    assert r.step("smartplus").outputs["markdown"].strip() in body
    (art,) = world.gh.artifacts
    assert art["name"] == f"smartplus-plan-{sha}"
    with zipfile.ZipFile(__import__("io").BytesIO(world.gh.blobs[str(art["id"])])) as z:
        plan = json.loads(z.read("plan.json"))
    assert plan["summary"]["counts"]["create"] == 7 and TOKEN not in json.dumps(plan)

    # A second push to the pull request: the same comment, updated.
    sha2 = world.sha()
    assert world.plan_pr(1, sha2).conclusion == "success"
    assert sha2[:7] in world.comment(1) and sha[:7] not in world.comment(1)


def test_merge_applies_the_reviewed_plan_then_a_blocked_plan_fails_after_commenting(world: World) -> None:
    assert world.plan_pr(1, world.sha()).conclusion == "success"
    r = world.merge_and_apply(1)
    assert r.conclusion == "success", r.log
    (done,) = world.gh.comments_on(1)[1:]
    assert done.startswith(APPLY_MARKER) and "Apply complete" in done
    assert world.campaign()["budget"] == 500

    world.set_budget(650)  # in the campaign's first week: the learning-phase guardrail blocks it
    r = world.plan_pr(2, world.sha())
    assert r.conclusion == "failure"
    assert r.step("smartplus").outputs["exitcode"] == "3"
    body = world.comment(2)
    assert "learning-phase" in body and "| blocked |" in body
    # The override is a code span, ready to copy.
    assert """`--override 'learning-phase:campaign["Spring Sale US"]'`""" in body
    assert body.index("learning-phase") < 4000
    assert "::error::The plan has changes that guardrails block" in r.log
    plans = [a for a in world.gh.artifacts if a["name"].startswith("smartplus-plan-")]
    assert len(plans) == 1  # no reviewed plan is kept from a blocked plan


def test_bad_manifest_gets_its_located_errors_in_the_same_comment(world: World) -> None:
    broken = world.checkout / "manifests" / "broken.yaml"
    broken.write_text(
        'advertiser_id: "7000000000000000001"\ncampaign_name: Broken\nobjective_type: TRAFFIC\n'
    )
    r = world.plan_pr(1, world.sha())
    assert r.conclusion == "failure"
    body = world.comment(1)
    assert "errors in the manifests" in body and "Traceback" not in body
    assert "broken.yaml:3: objective_type: enum: 'TRAFFIC' is not one of" in body
    assert not world.gh.artifacts

    broken.write_text("campaign_name: {{ unclosed\n")
    broken.rename(broken.with_suffix(".yaml.j2"))
    r = world.plan_pr(1, world.sha())
    assert r.conclusion == "failure"
    body = world.comment(1)  # still one comment
    assert (
        "errors in the manifests" in body
        and "`smartplus render` found" in body
        and "broken.yaml.j2:1" in body
    )

    broken.with_suffix(".yaml.j2").unlink()
    world.set_budget(5)  # renders, but `validate` refuses it: the errors of validate, located
    r = world.plan_pr(1, world.sha())
    assert r.conclusion == "failure"
    body = world.comment(1)
    assert "`smartplus validate` found" in body, body
    assert "spring-sale.yaml.j2:10: budget: min-budget: campaign budget 5 is below the minimum 50" in body

    world.set_budget(500)
    assert world.plan_pr(1, world.sha()).conclusion == "success"
    assert '`campaign["Spring Sale US"]`' in world.comment(1)


def test_fork_without_token_validates_and_says_why_no_account_was_read(world: World) -> None:
    # GitHub gives a fork's run no secrets and a read-only token: the comment cannot be posted, so
    # the same text goes to the job summary, with a warning saying why.
    r = world.plan_pr(1, world.sha(), fork="mallory/ads", secrets={}, github_token=READ_TOKEN)
    assert r.conclusion == "failure"
    assert r.step("smartplus").outputs["account-read"] == "false"
    assert not world.gh.comments and not world.gh.artifacts
    summary = r.summary  # type: ignore[attr-defined]
    assert (
        "no account was read" in summary
        and "fork (`mallory/ads`)" in summary
        and "Valid: 1 campaign" in summary
    )
    assert "::warning::Could not write the plan comment (GitHub answered 403" in r.log
    assert not any(p.startswith("/open_api") for _, p, _ in world.gh.requests)

    # Dependabot: the workflow's permissions hold, so the comment is posted; still no secrets.
    r = world.plan_pr(2, world.sha(), user="dependabot[bot]", secrets={})
    assert r.conclusion == "failure"
    assert "no account was read" in world.comment(2) and "Dependabot" in world.comment(2)


# ---- apply -----------------------------------------------------------------------------------------


def ten_days_pass(world: World) -> None:
    """The API's clock moves on to today: guardrails take "now" from its Date header."""
    r = httpx.post(world.api.split("/open_api")[0] + "/_emulator/clock", json={"advance_days": 10})
    r.raise_for_status()


def launched_ten_days_ago(world: World) -> None:
    """Past the learning phase, so a budget edit is not blocked."""
    import datetime as dt

    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    r = httpx.post(
        world.api.split("/open_api")[0] + "/_emulator/clock", json={"now": then.strftime("%Y-%m-%d %H:%M:%S")}
    )
    r.raise_for_status()


def test_apply_refuses_a_stale_plan(world: World) -> None:
    launched_ten_days_ago(world)
    assert world.plan_pr(1, world.sha()).conclusion == "success"
    assert world.merge_and_apply(1).conclusion == "success"
    ten_days_pass(world)

    # Pull request 2 plans a budget of 650; pull request 3 (budget 700) merges first.
    world.set_budget(650)
    assert world.plan_pr(2, world.sha()).conclusion == "success"
    world.set_budget(700)
    r = world.merge_and_apply(2)
    assert r.conclusion == "failure"
    body = world.gh.comments_on(2)[-1]
    assert body.startswith(APPLY_MARKER) and "other manifests than the ones merged" in body
    # Refused by the action before smartplus ran: the step that holds the TikTok token was skipped.
    assert "merged tree: `sha256:" in body and "the TikTok token was not used" in body
    assert r.step("smartplus").inner["run"].outcome == "skipped"
    assert "To re-plan" in body
    assert r.step("smartplus").outputs["exitcode"] == "1"
    assert world.campaign()["budget"] == 500  # nothing applied

    # The same plan, merged as planned, but the campaign was edited in Ads Manager since: apply refuses.
    world.set_budget(650)
    world.tiktok(
        "smart_plus/campaign/update/",
        {
            "advertiser_id": "7000000000000000001",
            "campaign_id": world.campaign()["campaign_id"],
            "budget": 600,
        },
    )
    r = world.merge_and_apply(2)
    assert r.conclusion == "failure"
    assert "stale" in world.gh.comments_on(2)[-1] and world.campaign()["budget"] == 600


def test_apply_refuses_a_foreign_artifact(world: World) -> None:
    launched_ten_days_ago(world)
    assert world.plan_pr(1, world.sha()).conclusion == "success"
    assert world.merge_and_apply(1).conclusion == "success"
    ten_days_pass(world)

    # A fork's pull request changed the plan workflow in its branch to upload a plan of its own
    # for its head commit: the run is of the same workflow file, but from a fork.
    head = world.sha()
    world.set_budget(5000)
    forged = json.loads((world.checkout / "plan.json").read_text())  # any plan: the digest may even match
    world.gh.add_pull(4, head, fork="mallory/ads")
    run = world.gh.add_run(head_sha=head, head_repo="mallory/ads")
    world.gh.add_artifact(
        run, f"smartplus-plan-{head}", zip_bytes({"plan.json": json.dumps(forged).encode()})
    )
    r = world.merge_and_apply(4)
    assert r.conclusion == "failure"
    assert r.step("smartplus").outputs["exitcode"] == "1"
    body = world.gh.comments_on(4)[-1]
    assert "its branch is in mallory/ads (a fork)" in body
    assert world.campaign()["budget"] == 500

    # A plan of this repository's workflow, but for another commit than the merged head.
    world.set_budget(650)
    planned = world.sha()
    assert world.plan_pr(5, planned).conclusion == "success"
    world.gh.pulls[5]["head"]["sha"] = world.sha()  # one more push after the plan, never planned
    r = world.merge_and_apply(5)
    assert r.conclusion == "failure"
    assert "planned the merged head commit" in world.gh.comments_on(5)[-1]
    assert world.campaign()["budget"] == 500
    # The artifact zip was fetched from storage without the GitHub token, every time.
    assert all(auth is None for _, path, auth in world.gh.requests if path.startswith("/blob/"))


# ---- drift -----------------------------------------------------------------------------------------


def test_drift_opens_one_issue_leaves_known_drift_alone_and_closes_it(world: World) -> None:
    assert world.plan_pr(1, world.sha()).conclusion == "success"
    assert world.merge_and_apply(1).conclusion == "success"

    def nightly() -> RunResult:
        return world.run("drift.yml", "schedule", {"schedule": "23 4 * * *"}, world.sha())

    r = nightly()
    assert r.conclusion == "success" and not world.gh.issues

    cid = world.campaign()["campaign_id"]
    world.tiktok(
        "smart_plus/campaign/update/",
        {"advertiser_id": "7000000000000000001", "campaign_id": cid, "budget": 650},
    )
    r = nightly()
    assert r.conclusion == "success" and r.step("smartplus").outputs["exitcode"] == "2"
    (issue,) = world.gh.issues
    assert (
        issue["labels"] == ["smartplus-drift"] and "| changed |" in issue["body"] and "`650`" in issue["body"]
    )
    first = dict(issue)

    # The same drift the next night: known, so nothing is written.
    writes = sum(1 for m, *_ in world.gh.requests if m != "GET")
    nightly()
    assert world.gh.issues == [first] and sum(1 for m, *_ in world.gh.requests if m != "GET") == writes

    # New drift: the issue is updated, with a comment.
    world.tiktok(
        "smart_plus/campaign/update/",
        {"advertiser_id": "7000000000000000001", "campaign_id": cid, "budget": 700},
    )
    nightly()
    assert len(world.gh.issues) == 1 and "`700`" in issue["body"] and issue["body"] != first["body"]
    assert "The drift changed" in world.gh.comments_on(issue["number"])[-1]

    # Undone: the issue is closed.
    world.tiktok(
        "smart_plus/campaign/update/",
        {"advertiser_id": "7000000000000000001", "campaign_id": cid, "budget": 500},
    )
    nightly()
    assert issue["state"] == "closed"
