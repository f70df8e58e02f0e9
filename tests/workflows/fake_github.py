"""A fake GitHub REST API for the workflow tests: the few endpoints the action calls, over real HTTP.

It keeps pull requests, comments, issues, labels, workflow runs and artifacts in memory, and acts as
GitHub does where it matters to the action: a read-only token (pull requests from forks) gets 403 on
every write; an artifact's zip is a redirect to a signed URL that must be fetched WITHOUT the token;
workflow runs are listed per workflow file and filtered by head commit and event.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

WRITE_TOKEN = "ghs_write_token_for_tests"
READ_TOKEN = "ghs_read_only_token_for_tests"


@dataclass
class FakeGitHub:
    repo: str = "acme/ads"
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    commit_pulls: dict[str, list[int]] = field(default_factory=dict)  # merge commit -> pull numbers
    comments: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    runs: list[dict[str, Any]] = field(default_factory=list)
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    blobs: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, auth
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    # ---- what a test sets up ------------------------------------------------------------------

    def add_pull(
        self, number: int, head_sha: str, *, fork: str | None = None, user: str = "alice"
    ) -> dict[str, Any]:
        pr = {
            "number": number,
            "head": {"sha": head_sha, "ref": f"branch-{number}", "repo": {"full_name": fork or self.repo}},
            "base": {"ref": "main", "repo": {"full_name": self.repo}},
            "user": {"login": user, "type": "Bot" if user.endswith("[bot]") else "User"},
            "merged_at": None,
        }
        self.pulls[number] = pr
        return pr

    def merge(self, number: int, merge_sha: str) -> None:
        self.pulls[number]["merged_at"] = "2026-12-01T08:00:00Z"
        self.commit_pulls.setdefault(merge_sha, []).append(number)

    def add_run(
        self,
        *,
        head_sha: str,
        head_repo: str | None = None,
        path: str = ".github/workflows/smartplus-plan.yml",
        event: str = "pull_request",
        conclusion: str = "success",
    ) -> dict[str, Any]:
        run = {
            "id": next(self.ids),
            "path": path,
            "head_sha": head_sha,
            "event": event,
            "status": "completed",
            "conclusion": conclusion,
            "run_attempt": 1,
            "created_at": f"2026-12-01T07:{len(self.runs):02d}:00Z",
            "repository": {"full_name": self.repo},
            "head_repository": {"full_name": head_repo or self.repo},
        }
        self.runs.append(run)
        return run

    def add_artifact(
        self, run: dict[str, Any], name: str, zipped: bytes, *, head_sha: str | None = None
    ) -> None:
        aid = next(self.ids)
        self.artifacts.append(
            {
                "id": aid,
                "name": name,
                "expired": False,
                "created_at": run["created_at"],
                "workflow_run": {"id": run["id"], "head_sha": head_sha or run["head_sha"]},
            }
        )
        self.blobs[str(aid)] = zipped

    def comments_on(self, number: int) -> list[str]:
        return [c["body"] for c in self.comments if c["issue"] == number]

    # ---- the API --------------------------------------------------------------------------------

    def app(self) -> Starlette:
        def auth(request: Request, write: bool) -> Response | None:
            header = request.headers.get("authorization")
            self.requests.append((request.method, request.url.path, header))
            if header not in (f"Bearer {WRITE_TOKEN}", f"Bearer {READ_TOKEN}"):
                return JSONResponse({"message": "Bad credentials"}, 401)
            if write and header != f"Bearer {WRITE_TOKEN}":
                return JSONResponse({"message": "Resource not accessible by integration"}, 403)
            return None

        def page(request: Request, items: list[Any]) -> list[Any]:
            n, size = int(request.query_params.get("page", 1)), int(request.query_params.get("per_page", 30))
            return items[(n - 1) * size : n * size]

        async def commit_pulls(request: Request) -> Response:
            if (denied := auth(request, False)) is not None:
                return denied
            numbers = self.commit_pulls.get(request.path_params["sha"], [])
            return JSONResponse([self.pulls[n] for n in numbers])

        async def runs(request: Request) -> Response:
            if (denied := auth(request, False)) is not None:
                return denied
            file = request.path_params["file"]
            q = request.query_params
            found = [
                r
                for r in self.runs
                if r["path"].rsplit("/", 1)[-1] == file or r.get("listed_under") == file
                if ("head_sha" not in q or r["head_sha"] == q["head_sha"])
                and ("event" not in q or r["event"] == q["event"])
            ]
            return JSONResponse({"total_count": len(found), "workflow_runs": page(request, found)})

        async def run_artifacts(request: Request) -> Response:
            if (denied := auth(request, False)) is not None:
                return denied
            rid = int(request.path_params["run"])
            name = request.query_params.get("name")
            found = [
                a
                for a in self.artifacts
                if a["workflow_run"]["id"] == rid and (name is None or a["name"] == name)
            ]
            return JSONResponse({"total_count": len(found), "artifacts": page(request, found)})

        async def artifact_zip(request: Request) -> Response:
            if (denied := auth(request, False)) is not None:
                return denied
            return RedirectResponse(f"/blob/{request.path_params['id']}?sig=signed", 302)

        async def blob(request: Request) -> Response:
            header = request.headers.get("authorization")
            self.requests.append((request.method, request.url.path, header))
            if header is not None:  # signed storage URLs refuse (and must never see) the token
                return JSONResponse({"message": "token sent to storage"}, 400)
            return Response(self.blobs[request.path_params["id"]], media_type="application/zip")

        async def issue_comments(request: Request) -> Response:
            number = int(request.path_params["number"])
            if request.method == "GET":
                if (denied := auth(request, False)) is not None:
                    return denied
                return JSONResponse(page(request, [c for c in self.comments if c["issue"] == number]))
            if (denied := auth(request, True)) is not None:
                return denied
            c = {
                "id": next(self.ids),
                "issue": number,
                "body": (await request.json())["body"],
                "user": {"login": "github-actions[bot]", "type": "Bot"},
            }
            self.comments.append(c)
            return JSONResponse(c, 201)

        async def edit_comment(request: Request) -> Response:
            if (denied := auth(request, True)) is not None:
                return denied
            c = next(c for c in self.comments if c["id"] == int(request.path_params["id"]))
            c["body"] = (await request.json())["body"]
            return JSONResponse(c)

        async def issues(request: Request) -> Response:
            if request.method == "GET":
                if (denied := auth(request, False)) is not None:
                    return denied
                q = request.query_params
                found = [
                    i
                    for i in self.issues
                    if i["state"] == q.get("state", "open")
                    and (not q.get("labels") or q["labels"] in i["labels"])
                ]
                return JSONResponse(page(request, found))
            if (denied := auth(request, True)) is not None:
                return denied
            body = await request.json()
            issue = {
                "number": next(self.ids),
                "state": "open",
                "title": body["title"],
                "body": body["body"],
                "labels": list(body.get("labels", [])),
            }
            self.issues.append(issue)
            return JSONResponse(issue, 201)

        async def edit_issue(request: Request) -> Response:
            if (denied := auth(request, True)) is not None:
                return denied
            issue = next(i for i in self.issues if i["number"] == int(request.path_params["number"]))
            issue.update(await request.json())
            return JSONResponse(issue)

        async def labels(request: Request) -> Response:
            if (denied := auth(request, True)) is not None:
                return denied
            name = (await request.json())["name"]
            if name in self.labels:
                return JSONResponse({"message": "Validation Failed"}, 422)
            self.labels.add(name)
            return JSONResponse({"name": name}, 201)

        r = "/repos/{owner}/{name}"
        return Starlette(
            routes=[
                Route(r + "/commits/{sha}/pulls", commit_pulls),
                Route(r + "/actions/workflows/{file}/runs", runs),
                Route(r + "/actions/runs/{run}/artifacts", run_artifacts),
                Route(r + "/actions/artifacts/{id}/zip", artifact_zip),
                Route("/blob/{id}", blob),
                Route(r + "/issues/{number:int}/comments", issue_comments, methods=["GET", "POST"]),
                Route(r + "/issues/comments/{id:int}", edit_comment, methods=["PATCH"]),
                Route(r + "/issues", issues, methods=["GET", "POST"]),
                Route(r + "/issues/{number:int}", edit_issue, methods=["PATCH"]),
                Route(r + "/labels", labels, methods=["POST"]),
            ]
        )
