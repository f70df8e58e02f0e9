"""The apply log: one JSON line per apply, for a workflow to keep as an artifact.

I/O edge. Who (the CI actor or the local user), when, which plan (its id and
manifest digest), every change with its outcome, and the totals. Appended,
never rewritten, so a log kept across runs is the history of the account's
changes made through smartplus. It holds no token, but it names the account's
objects, so it is created 0600 (``files.open_private``).
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from reconciler import __version__
from reconciler.adapters import files
from reconciler.adapters.apply import ApplyResult
from reconciler.core.plan import Plan

DEFAULT_LOG = ".smartplus/apply-log.jsonl"


def actor() -> str:
    for var in ("GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILDKITE_BUILD_CREATOR", "USER"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record(
    plan: Plan, result: ApplyResult | None, *, started: datetime, finished: datetime, error: str | None
) -> dict[str, Any]:
    failed = dict(result.failed) if result else {}
    skipped = set(result.skipped) if result else set()
    done = set(result.done) if result else set()
    not_attempted = set(result.not_attempted) if result else set()
    changes = []
    for c in plan.changes:
        if c.id in skipped:
            outcome = "already_done"
        elif c.id in failed:
            outcome = "failed"
        elif c.id in done:
            outcome = "done"
        elif c.id in not_attempted:
            outcome = "not_attempted"
        else:
            outcome = "not_run"
        entry: dict[str, Any] = {
            "id": c.id,
            "action": c.action,
            "address": str(c.address),
            "outcome": outcome,
        }
        rid = (result.ids.get(c.address.key()) if result else None) or c.remote_id
        if rid:
            entry["remote_id"] = rid
        if c.targets:
            entry["targets"] = len(c.targets)
        if c.id in failed:
            entry["error"] = failed[c.id]
        changes.append(entry)
    return {
        "event": "apply",
        "who": actor(),
        "started_at": started.strftime("%Y-%m-%d %H:%M:%S"),
        "finished_at": finished.strftime("%Y-%m-%d %H:%M:%S"),
        "tool_version": __version__,
        "plan_id": plan.plan_id,
        "manifest_digest": plan.manifest_digest,
        "advertiser_ids": plan.advertiser_ids,
        "ok": bool(result and result.ok) and error is None,
        "error": error,
        "verify_problems": list(result.verify_problems) if result else [],
        "summary": plan.summary(),
        "run": os.environ.get("GITHUB_RUN_ID"),
        "changes": changes,
    }


def append(path: str | Path, entry: dict[str, Any]) -> None:
    with files.open_private(Path(path), "a") as fh:
        fh.write(json.dumps(entry, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
