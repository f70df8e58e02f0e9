"""The steps of the smartplus GitHub Action (action.yml), one sub-command per step.

Each sub-command runs in its own step of the composite action so that each secret reaches only the
step that needs it: ``fetch`` and ``report`` hold the GitHub token and never the TikTok token;
``run`` holds the TikTok token and never the GitHub token. Steps talk through files under
``$RUNNER_TEMP/smartplus`` (``state.json``, the Markdown) and through ``$GITHUB_OUTPUT``.

- ``fetch`` (apply only): find the pull request merged into this push, the run of this repository's
  plan workflow for its last head commit, and that run's plan artifact; refuse anything else (a
  fork's run, another workflow, another commit, a failed run); download the plan and check that its
  manifest digest is the digest of the merged tree.
- ``run``: plan (render, validate, then plan when there is a token), apply, or drift; writes the
  Markdown for the pull request or the issue, and the outputs.
- ``report``: post or update the ONE plan comment, comment on the merged pull request after apply,
  or open/update/close the ONE drift issue. A read-only token (pull requests from forks) gets the
  same text in the job summary instead.
- ``finish``: exit with the code the check should have.

Only the standard library and httpx (a dependency of smartplus, installed by the action's first
step) are used. The TikTok token is never printed: smartplus scrubs it, and this script never reads it.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

PLAN_MARKER = "<!-- smartplus-plan -->"
APPLY_MARKER = "<!-- smartplus-apply -->"
DRIFT_LABEL = "smartplus-drift"
COMMENT_LIMIT = 65_536
TAIL = 20_000  # characters of a command's output quoted in a comment


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, "") or default


def state_dir() -> Path:
    d = Path(env("RUNNER_TEMP", "/tmp")) / "smartplus"
    d.mkdir(parents=True, exist_ok=True)
    return d


def load_state() -> dict[str, Any]:
    p = state_dir() / "state.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def save_state(**kv: Any) -> dict[str, Any]:
    s = load_state()
    s.update(kv)
    (state_dir() / "state.json").write_text(json.dumps(s, indent=2), encoding="utf-8")
    return s


def set_output(name: str, value: str) -> None:
    path = env("GITHUB_OUTPUT")
    if not path:
        print(f"{name}={value}")
        return
    with open(path, "a", encoding="utf-8") as fh:
        if "\n" in value:
            delim = f"EOF_{uuid.uuid4().hex}"  # a delimiter the value cannot contain by chance
            fh.write(f"{name}<<{delim}\n{value}\n{delim}\n")
        else:
            fh.write(f"{name}={value}\n")


def summary(text: str) -> None:
    path = env("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")


def annotate(level: str, message: str) -> None:
    """A workflow command (error/warning/notice); newlines are escaped as GitHub requires."""
    message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    print(f"::{level}::{message}", flush=True)


def event() -> dict[str, Any]:
    path = env("GITHUB_EVENT_PATH")
    if path and Path(path).exists():
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    return {}


def split(text: str) -> list[str]:
    """Inputs that hold several arguments: split like a shell would, never run by one."""
    return shlex.split(text)


def fence(text: str) -> str:
    """A code block that the quoted text cannot close."""
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}\n{text.rstrip()}\n{ticks}"


def tail(text: str, limit: int = TAIL) -> str:
    return text if len(text) <= limit else "...\n" + text[-limit:]


def run_url() -> str:
    return f"{env('GITHUB_SERVER_URL', 'https://github.com')}/{env('GITHUB_REPOSITORY')}/actions/runs/{env('GITHUB_RUN_ID')}"


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr).strip()


def smartplus(*argv: str) -> Ran:
    print(f"$ smartplus {shlex.join(argv)}", flush=True)
    p = subprocess.run(["smartplus", *argv], capture_output=True, text=True, check=False)
    sys.stderr.write(p.stderr)  # progress and errors go to the log as they would from a shell step
    return Ran(p.returncode, p.stdout, p.stderr)


# ---- run: the smartplus command ---------------------------------------------------------------


def no_account_reason() -> str:
    """Why this plan has no token: said in the comment, so nobody waits for a plan that cannot come."""
    pr = event().get("pull_request") or {}
    head_repo = ((pr.get("head") or {}).get("repo") or {}).get("full_name")
    user = (pr.get("user") or {}).get("login") or env("GITHUB_ACTOR")
    if user == "dependabot[bot]" or env("GITHUB_ACTOR") == "dependabot[bot]":
        return (
            "this pull request is from Dependabot, and GitHub gives Dependabot's workflows Dependabot "
            "secrets only, not the repository's Actions secrets, so `TIKTOK_ACCESS_TOKEN` is not available"
        )
    if pr and head_repo != env("GITHUB_REPOSITORY"):
        return (
            f"this pull request comes from a fork (`{head_repo or 'deleted repository'}`), and GitHub gives "
            "workflows of fork pull requests no secrets, so `TIKTOK_ACCESS_TOKEN` is not available"
        )
    return "the `TIKTOK_ACCESS_TOKEN` secret is not set for this repository (or not passed to the action)"


def failure_comment(marker: str, title: str, what: str, ran: Ran, hint: str) -> str:
    return "\n".join(
        [
            marker,
            f"### {title}",
            "",
            what,
            "",
            fence(tail(ran.output) or "(no output)"),
            "",
            hint,
        ]
    )


def footer() -> str:
    sha = (event().get("pull_request") or {}).get("head", {}).get("sha") or env("GITHUB_SHA")
    return f"\n\n<sub>smartplus on {sha[:7]} · [workflow run]({run_url()})</sub>\n"


def cmd_run() -> int:
    command = env("SMARTPLUS_COMMAND")
    manifests = split(env("SMARTPLUS_MANIFESTS", "manifests/"))
    margs = split(env("SMARTPLUS_MANIFEST_ARGS"))
    args = split(env("SMARTPLUS_ARGS"))
    has_token = bool(env("TIKTOK_ACCESS_TOKEN"))
    out = state_dir()
    md_path = out / "comment.md"
    plan_path = env("SMARTPLUS_PLAN_FILE", "plan.json")
    code = 0
    account_read = False
    body = ""

    if command == "plan":
        code, body, account_read = run_plan(manifests, margs, args, plan_path, has_token)
    elif command == "apply":
        plan_path = load_state().get("plan_path") or plan_path
        if not has_token:
            code = 1
            body = (
                f"{APPLY_MARKER}\n### smartplus apply did not run\n\nNo TikTok token: {no_account_reason()}."
            )
        else:
            code, body = run_apply(plan_path, margs, args)
            account_read = True
    elif command == "drift":
        if not has_token:
            code, body = 1, f"smartplus drift did not run: {no_account_reason()}."
        else:
            r = smartplus(
                "drift", *manifests, *margs, *args, "--format", "json", "-o", str(out / "drift.json")
            )
            code, account_read = r.code, True
            if r.code in (0, 2):
                body = drift_body(json.loads((out / "drift.json").read_text(encoding="utf-8")))
            else:
                body = failure_comment("", "smartplus drift failed", "The drift check failed:", r, "")
    else:
        annotate("error", f"unknown command {command!r}: use plan, apply or drift")
        return 1

    md_path.write_text(body, encoding="utf-8")
    save_state(command=command, exitcode=code, account_read=account_read, markdown=str(md_path))
    set_output("exitcode", str(code))
    set_output("account-read", "true" if account_read else "false")
    set_output("plan-path", plan_path if command != "drift" else "")
    set_output("markdown-path", str(md_path))
    set_output("markdown", body)
    if command == "drift":
        set_output("drift-path", str(out / "drift.json"))
    return 0


def run_plan(
    manifests: list[str], margs: list[str], args: list[str], plan_path: str, has_token: bool
) -> tuple[int, str, bool]:
    again = (
        "Fix the manifests and push: this comment is updated on every push. "
        "`smartplus validate` shows the same errors locally."
    )
    r = smartplus("render", *manifests, *margs)
    if r.code != 0:
        return (
            1,
            failure_comment(
                PLAN_MARKER,
                "smartplus plan: errors in the manifests",
                "`smartplus render` found:",
                r,
                again,
            ),
            False,
        )
    Path(state_dir() / "rendered.yaml").write_text(r.stdout, encoding="utf-8")
    v = smartplus("validate", *manifests, *margs)
    if v.code != 0:
        return (
            1,
            failure_comment(
                PLAN_MARKER,
                "smartplus plan: errors in the manifests",
                "`smartplus validate` found:",
                v,
                again,
            ),
            False,
        )
    if not has_token:
        why = no_account_reason()
        body = "\n".join(
            [
                PLAN_MARKER,
                "### smartplus plan: no account was read",
                "",
                f"The manifests render and are valid ({v.stdout.strip()}), but no plan was made: {why}.",
                "",
                "Nothing in this pull request can be applied without a plan. A maintainer can plan it from a "
                "branch of this repository (push the same commits to a branch here and open the pull request "
                "from it); the plan comment then appears there.",
            ]
        )
        return 0, body, False
    p = smartplus(
        "plan", *manifests, *margs, *args, "-o", plan_path, "--format", "markdown", "--detailed-exitcode"
    )
    if p.code in (0, 2, 3):
        md = p.stdout.strip()
        if PLAN_MARKER not in md:
            md = PLAN_MARKER + "\n" + md
        return p.code, md, True
    return (
        p.code,
        failure_comment(
            PLAN_MARKER,
            "smartplus plan failed",
            f"The plan could not be made (exit code {p.code}):",
            p,
            "If this is an API error, re-run the workflow; if it is the manifests, fix them and push.",
        ),
        True,
    )


REPLAN = (
    "**To re-plan:** open a new pull request from `main` (an empty commit is enough: "
    '`git commit --allow-empty -m "smartplus: re-plan"`), review its plan comment, and merge it.'
)


def run_apply(plan_path: str, margs: list[str], args: list[str]) -> tuple[int, str]:
    r = smartplus("apply", plan_path, *margs, *args)
    if r.code == 0:
        body = "\n".join(
            [APPLY_MARKER, "### smartplus applied the reviewed plan", "", fence(tail(r.output, 6000))]
        )
    else:
        body = "\n".join(
            [
                APPLY_MARKER,
                "### smartplus apply did not finish",
                "",
                "`smartplus apply` refuses a plan that expired, that was made from other manifests than the "
                "ones merged, or whose objects changed in the account since it was planned; or an API call "
                "failed part-way. Its output:",
                "",
                fence(tail(r.output)),
                "",
                "If the output says it stopped part-way, re-run this workflow. Otherwise: " + REPLAN,
            ]
        )
    return r.code, body


def cell(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False)
    text = text if len(text) <= 200 else text[:197] + "..."
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def drift_body(report: dict[str, Any]) -> str:
    if not report.get("drift"):
        return "No drift: the account matches the manifests."
    rows = [
        f"| {i['type']} | `{i['address']}` | {i.get('field') or ''} | {cell(i.get('live'))} | {cell(i.get('desired'))} |"
        for i in report["items"]
    ]
    table = "\n".join(["| type | object | field | live | manifest |", "|---|---|---|---|---|", *rows])
    if len(table) > 60_000:
        table = table[:60_000].rsplit("\n", 1)[0] + "\n\n_(cut: the whole report is in the run's drift.json)_"
    return "\n".join(
        [
            f"<!-- smartplus-drift-signature: {report['signature']} -->",
            f"The account differs from the manifests in {len(report['items'])} place(s) "
            f"(checked {report.get('checked_at', '')} UTC, [run]({run_url()})).",
            "",
            table,
            "",
            "Either bring Git in line (edit the manifests and merge), or undo the change in the account "
            "(plan and apply the manifests). This issue closes itself when the drift is gone.",
        ]
    )


# ---- GitHub ------------------------------------------------------------------------------------


class GitHub:
    def __init__(self) -> None:
        token = env("GITHUB_TOKEN")
        self.repo = env("GITHUB_REPOSITORY")
        self.http = httpx.Client(
            base_url=env("GITHUB_API_URL", "https://api.github.com"),
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
            timeout=30,
        )

    def call(self, method: str, path: str, **kw: Any) -> Any:
        r = self.http.request(method, path.replace("{repo}", self.repo), **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def pages(self, path: str, key: str | None = None, **params: Any) -> list[Any]:
        out: list[Any] = []
        for page in range(1, 50):
            data = self.call("GET", path, params={**params, "per_page": 100, "page": page})
            items = data[key] if key else data
            out.extend(items)
            if len(items) < 100:
                break
        return out

    def download(self, path: str) -> bytes:
        """An artifact's zip: GitHub answers with a redirect to a signed URL, which must not get the token."""
        r = self.http.get(path.replace("{repo}", self.repo), follow_redirects=False)
        if r.status_code in (301, 302, 303, 307, 308):
            r = httpx.get(str(r.url.join(r.headers["location"])), timeout=120, follow_redirects=True)
        r.raise_for_status()
        return r.content


class Refused(Exception):
    pass


def cmd_fetch() -> int:
    """Find, check and download the reviewed plan of the merged pull request (apply only)."""
    gh = GitHub()
    sha = env("GITHUB_SHA")
    workflow = env("SMARTPLUS_PLAN_WORKFLOW", ".github/workflows/smartplus-plan.yml")
    dest = Path(env("SMARTPLUS_PLAN_FILE", "reviewed-plan/plan.json"))
    pr: dict[str, Any] | None = None
    try:
        prs = gh.call("GET", f"/repos/{{repo}}/commits/{sha}/pulls")
        base = env("GITHUB_REF_NAME")
        pr = next((p for p in prs if p.get("merged_at") and (not base or p["base"]["ref"] == base)), None)
        if pr is None:
            raise Refused(
                f"No merged pull request contains {sha[:12]}: smartplus applies reviewed plans only, so "
                "changes reach the branch through a pull request."
            )
        head = pr["head"]["sha"]
        set_output("pull-request", str(pr["number"]))
        save_state(pull_request=pr["number"])
        run = find_plan_run(gh, workflow, head)
        plan = download_plan(gh, run, head, dest)
        check_digest(plan, dest)
    except Refused as exc:
        body = "\n".join(
            [
                APPLY_MARKER,
                "### smartplus apply refused the plan",
                "",
                str(exc),
                "",
                "Nothing was applied, and the TikTok token was not used. " + REPLAN,
            ]
        )
        annotate("error", str(exc))
        return refuse(body, dest, pr)
    except httpx.HTTPStatusError as exc:
        annotate("error", f"GitHub API: {exc.response.status_code} on {exc.request.url.path}")
        body = (
            f"{APPLY_MARKER}\n### smartplus apply could not read the plan from GitHub\n\n"
            f"GitHub answered {exc.response.status_code} on `{exc.request.url.path}`. Nothing was applied."
        )
        return refuse(body, dest, pr)
    print(f"Reviewed plan of pull request #{pr['number']}, run {run['id']}: {dest}")
    save_state(plan_path=str(dest), pull_request=pr["number"], plan_run=run["id"])
    set_output("plan-run", str(run["id"]))
    return 0


def refuse(body: str, dest: Path, pr: dict[str, Any] | None) -> int:
    """The outputs and state of a refused apply: the `run` step, which holds the TikTok token, is skipped."""
    md = state_dir() / "comment.md"
    md.write_text(body, encoding="utf-8")
    save_state(
        command="apply",
        exitcode=1,
        account_read=False,
        markdown=str(md),
        plan_path=str(dest),
        pull_request=pr["number"] if pr else None,
    )
    for name, value in [
        ("refused", "true"),
        ("exitcode", "1"),
        ("account-read", "false"),
        ("plan-path", ""),
        ("markdown-path", str(md)),
        ("markdown", body),
    ]:
        set_output(name, value)
    return 0


def find_plan_run(gh: GitHub, workflow: str, head: str) -> dict[str, Any]:
    """The newest successful run of THIS repository's plan workflow for the head commit, from a branch of
    this repository (a fork's run has no token, so it cannot have made a plan: an artifact there is forged)."""
    file = workflow.rsplit("/", 1)[-1]
    runs = gh.pages(
        f"/repos/{{repo}}/actions/workflows/{file}/runs", "workflow_runs", head_sha=head, event="pull_request"
    )
    why: list[str] = []
    good: list[dict[str, Any]] = []
    for r in runs:
        problems = []
        if (r.get("repository") or {}).get("full_name") != gh.repo:
            problems.append(f"ran in {(r.get('repository') or {}).get('full_name')}")
        if (r.get("head_repository") or {}).get("full_name") != gh.repo:
            problems.append(f"its branch is in {(r.get('head_repository') or {}).get('full_name')} (a fork)")
        if str(r.get("path", "")).split("@")[0] != workflow:
            problems.append(f"workflow {r.get('path')}, not {workflow}")
        if r.get("head_sha") != head:
            problems.append(f"commit {str(r.get('head_sha'))[:12]}")
        if r.get("event") != "pull_request":
            problems.append(f"event {r.get('event')}")
        if r.get("conclusion") != "success":
            problems.append(f"concluded {r.get('conclusion')}")
        if problems:
            why.append(f"run {r.get('id')}: " + ", ".join(problems))
        else:
            good.append(r)
    if not good:
        detail = ("\n\nRuns looked at and refused:\n" + "\n".join(f"- {w}" for w in why)) if why else ""
        raise Refused(
            f"No successful run of `{workflow}` in this repository planned the merged head commit "
            f"{head[:12]} (a blocked or failed plan, a plan from a fork, or no plan at all).{detail}"
        )
    return max(good, key=lambda r: (r.get("run_attempt", 1), r.get("created_at", ""), r["id"]))


def download_plan(gh: GitHub, run: dict[str, Any], head: str, dest: Path) -> dict[str, Any]:
    name = f"smartplus-plan-{head}"
    arts = gh.pages(f"/repos/{{repo}}/actions/runs/{run['id']}/artifacts", "artifacts", name=name)
    arts = [
        a
        for a in arts
        if a.get("name") == name
        and not a.get("expired")
        and (a.get("workflow_run") or {}).get("id") == run["id"]
        and (a.get("workflow_run") or {}).get("head_sha") == head
    ]
    if not arts:
        raise Refused(
            f"Run {run['id']} has no artifact `{name}` (it expired, or the plan job did not save one)."
        )
    art = max(arts, key=lambda a: (a.get("created_at", ""), a["id"]))
    data = gh.download(f"/repos/{{repo}}/actions/artifacts/{art['id']}/zip")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            raw = z.read("plan.json")  # only this member: nothing else in the zip is written anywhere
    except (zipfile.BadZipFile, KeyError) as exc:
        raise Refused(f"Artifact `{name}` of run {run['id']} holds no plan.json ({exc}).") from exc
    try:
        plan = json.loads(raw)
    except ValueError as exc:
        raise Refused(f"plan.json of run {run['id']} is not JSON ({exc}).") from exc
    if not isinstance(plan, dict) or "manifest_digest" not in plan:
        raise Refused(f"plan.json of run {run['id']} is not a smartplus plan.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(raw)
    return plan


def check_digest(plan: dict[str, Any], dest: Path) -> None:
    """The plan must have been made from the manifests of the merged tree, byte for byte once rendered."""
    from reconciler import load_desired
    from reconciler.errors import SmartplusError

    inputs = plan.get("inputs") or {}
    try:
        loaded = load_desired(
            inputs.get("paths") or ["manifests/"],
            inputs.get("values", []),
            inputs.get("sets", []),
            inputs.get("advertisers", []),
        )
    except SmartplusError as exc:
        raise Refused(f"The merged manifests do not load: {exc.summary}") from exc
    if loaded.digest != plan["manifest_digest"]:
        raise Refused(
            "The reviewed plan was made from other manifests than the ones merged (another pull request "
            f"merged first, or the branch was not up to date).\n\nplan: `{plan['manifest_digest']}`\n"
            f"merged tree: `{loaded.digest}`"
        )


# ---- report: comments and issues ---------------------------------------------------------------


def read_only(exc: httpx.HTTPStatusError, body: str, where: str) -> None:
    """GitHub hands fork pull requests a read-only token: say so, and put the text in the job summary."""
    annotate(
        "warning",
        f"Could not write the {where} (GitHub answered {exc.response.status_code}: a pull request from a fork "
        "gets a read-only token). The text is in the job summary.",
    )
    summary(body)


def upsert_comment(gh: GitHub, number: int, marker: str, body: str) -> None:
    comments = gh.pages(f"/repos/{{repo}}/issues/{number}/comments")
    mine = next(
        (
            c
            for c in comments
            if (c.get("body") or "").startswith(marker) and (c.get("user") or {}).get("type") == "Bot"
        ),
        None,
    )
    if mine:
        gh.call("PATCH", f"/repos/{{repo}}/issues/comments/{mine['id']}", json={"body": body})
        print(f"Updated comment {mine['id']} on #{number}.")
    else:
        made = gh.call("POST", f"/repos/{{repo}}/issues/{number}/comments", json={"body": body})
        print(f"Commented on #{number} ({made['id']}).")


def fit(body: str) -> str:
    if len(body) <= COMMENT_LIMIT:
        return body
    return (
        body[: COMMENT_LIMIT - 200]
        + "\n\n_(cut to GitHub's comment limit: the whole text is in the job log)_\n"
    )


def cmd_report() -> int:
    state = load_state()
    command = state.get("command")
    body = Path(state["markdown"]).read_text(encoding="utf-8") if state.get("markdown") else ""
    gh = GitHub()
    summary(body)
    if command == "plan":
        pr = event().get("pull_request") or {}
        if not pr:
            print("Not a pull request: the plan is in the job summary only.")
            return 0
        try:
            upsert_comment(gh, int(pr["number"]), PLAN_MARKER, fit(body + footer()))
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 403:
                raise
            read_only(exc, body, "plan comment")
    elif command == "apply":
        number = state.get("pull_request")
        if number:
            gh.call("POST", f"/repos/{{repo}}/issues/{number}/comments", json={"body": fit(body + footer())})
            print(f"Commented on #{number}.")
    elif command == "drift" and state.get("exitcode") in (0, 2):
        report = json.loads((state_dir() / "drift.json").read_text(encoding="utf-8"))
        drift_issue(gh, report, body)
    return 0


def drift_issue(gh: GitHub, report: dict[str, Any], body: str) -> None:
    issues = gh.pages("/repos/{repo}/issues", state="open", labels=DRIFT_LABEL)
    issue = next((i for i in issues if "pull_request" not in i), None)
    if not report["drift"]:
        if issue:
            gh.call(
                "POST",
                f"/repos/{{repo}}/issues/{issue['number']}/comments",
                json={"body": f"The account matches the manifests again ([run]({run_url()})). Closing."},
            )
            gh.call("PATCH", f"/repos/{{repo}}/issues/{issue['number']}", json={"state": "closed"})
            print(f"No drift: closed #{issue['number']}.")
        else:
            print("No drift.")
        return
    marker = f"<!-- smartplus-drift-signature: {report['signature']} -->"
    if issue and marker in (issue.get("body") or ""):
        print(f"Drift {report['signature']} is already reported in #{issue['number']}.")
        return
    title = f"smartplus drift: {len(report['items'])} difference(s) between the account and Git"
    if issue:
        gh.call(
            "PATCH", f"/repos/{{repo}}/issues/{issue['number']}", json={"title": title, "body": fit(body)}
        )
        gh.call(
            "POST",
            f"/repos/{{repo}}/issues/{issue['number']}/comments",
            json={
                "body": f"The drift changed (signature `{report['signature']}`); the description is updated."
            },
        )
        print(f"Drift changed: updated #{issue['number']}.")
        return
    try:
        gh.call(
            "POST",
            "/repos/{repo}/labels",
            json={
                "name": DRIFT_LABEL,
                "color": "d93f0b",
                "description": "The account differs from the manifests",
            },
        )
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code != 422:  # 422: the label exists
            raise
    made = gh.call(
        "POST", "/repos/{repo}/issues", json={"title": title, "body": fit(body), "labels": [DRIFT_LABEL]}
    )
    print(f"Drift: opened #{made['number']}.")


# ---- finish -------------------------------------------------------------------------------------


def cmd_finish() -> int:
    """The code of the check: 0 no changes, 2 changes or drift (both fine), else a failure."""
    s = load_state()
    code = int(s.get("exitcode", 1))
    command = s.get("command")
    if command == "plan" and not s.get("account_read") and code == 0:
        annotate("error", "No plan was made: no account was read (see the plan comment for why).")
        return 1
    if code in (0, 2):
        return 0
    if command == "plan" and code == 3:
        annotate("error", "The plan has changes that guardrails block (exit 3): see the plan comment.")
    else:
        annotate("error", f"smartplus {command} failed (exit {code}): see the comment or the log above.")
    return 1


def main(argv: list[str]) -> int:
    commands = {"run": cmd_run, "fetch": cmd_fetch, "report": cmd_report, "finish": cmd_finish}
    if len(argv) != 2 or argv[1] not in commands:
        print(f"usage: {argv[0]} {{{','.join(commands)}}}", file=sys.stderr)
        return 2
    return commands[argv[1]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
