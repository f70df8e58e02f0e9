"""Drift: the plan's differences seen as a report, each with a stable signature.

Pure. A nightly job alerts only on drift it has not seen: every drifted field
gets a signature that depends on what drifted (address, field, live value,
manifest value) and on nothing else, so the same drift gives the same
signature night after night, and a new value gives a new one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from reconciler.core.operations import (
    CreateAd,
    CreateAdGroup,
    CreateCampaign,
    DisableOrphans,
    PauseManualCampaign,
    Replace,
    SetStatus,
    Update,
)
from reconciler.core.plan import Plan


def _sig(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def drift_items(plan: Plan) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for c in plan.changes:
        match c:
            case Update() | Replace():
                for f in c.fields:
                    items.append(
                        {
                            "type": "changed",
                            "address": str(c.address),
                            "remote_id": c.remote_id,
                            "field": f.path,
                            "live": f.before,
                            "desired": f.after,
                            "signature": _sig(c.address.key(), f.path, f.before, f.after),
                        }
                    )
            case CreateCampaign() | CreateAdGroup() | CreateAd():
                if c.depends_on:
                    continue  # its parent is missing too: one item says it all
                items.append(
                    {
                        "type": "missing",
                        "address": str(c.address),
                        "remote_id": None,
                        "field": None,
                        "live": None,
                        "desired": "exists",
                        "signature": _sig(c.address.key(), "missing"),
                    }
                )
            case SetStatus(batch=batch, to_status=status):
                for t in batch:
                    if t.remote_id is None:
                        continue  # enabling what is missing: covered by "missing"
                    items.append(
                        {
                            "type": "changed",
                            "address": str(t.address),
                            "remote_id": t.remote_id,
                            "field": "operation_status",
                            "live": "DISABLE" if status == "ENABLE" else "ENABLE",
                            "desired": status,
                            "signature": _sig(t.address.key(), "operation_status", status),
                        }
                    )
            case DisableOrphans():
                pass  # reported once, as the orphan notes below
            case PauseManualCampaign(replacement=replacement) if replacement.live_id is not None:
                # Its replacement runs, yet the manual campaign is enabled: re-enabled behind the
                # tool's back (in Ads Manager, or by other automation). The next plan pauses it.
                items.append(
                    {
                        "type": "changed",
                        "address": "manual " + str(c.address),
                        "remote_id": c.manual_id,
                        "field": "operation_status",
                        "live": "ENABLE",
                        "desired": "DISABLE",
                        "signature": _sig(c.address.key(), c.manual_id, "operation_status", "manual"),
                    }
                )
            case PauseManualCampaign():
                pass  # part of a cutover whose replacement is still missing: "missing" says it
    for n in plan.notes:
        if n.kind == "orphan":
            items.append(
                {
                    "type": "orphan",
                    "address": n.address,
                    "remote_id": n.remote_id,
                    "field": None,
                    "live": "exists",
                    "desired": None,
                    "signature": _sig(n.address, n.remote_id, "orphan"),
                }
            )
    return items


def drift_report(plan: Plan, *, include_unmanaged: bool = False) -> dict[str, Any]:
    items = drift_items(plan)
    report: dict[str, Any] = {
        "drift": bool(items),
        "checked_at": plan.created_at,
        "manifest_digest": plan.manifest_digest,
        "advertiser_ids": plan.advertiser_ids,
        "items": items,
        "signature": _sig(sorted(i["signature"] for i in items)) if items else None,
        # Review health is not drift: reported beside it, never in the signature or the exit code.
        "health": [
            {"address": n.address, "remote_id": n.remote_id, "message": n.message}
            for n in plan.notes
            if n.kind == "health"
        ],
        "stats": plan.stats,
    }
    if include_unmanaged:
        report["unmanaged"] = [
            {"address": n.address, "remote_id": n.remote_id} for n in plan.notes if n.kind == "unmanaged"
        ]
    return report


def drift_text(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if not report["items"]:
        lines.append("No drift: the account matches the manifests.")
    else:
        lines.append(f"Drift: {len(report['items'])} difference(s) between the account and the manifests")
        for i in report["items"]:
            rid = f" ({i['remote_id']})" if i["remote_id"] else ""
            if i["type"] == "changed":
                lines.append(
                    f"  ~ {i['address']}{rid}: {i['field']}: live {json.dumps(i['live'])}, "
                    f"manifest {json.dumps(i['desired'])}  [{i['signature']}]"
                )
            elif i["type"] == "missing":
                lines.append(f"  + {i['address']}: missing from the account  [{i['signature']}]")
            else:
                lines.append(f"  ? {i['address']}{rid}: in the account, in no manifest  [{i['signature']}]")
    for u in report.get("unmanaged", []):
        lines.append(f"  unmanaged: {u['address']} ({u['remote_id']})")
    if report.get("health"):
        lines.append(f"Review health (not drift): {len(report['health'])} ad(s)")
        lines.extend(f"  ! {h['address']} ({h['remote_id']}): {h['message']}" for h in report["health"])
    return lines


def drift_markdown(report: dict[str, Any]) -> str:
    if not report["items"]:
        body = "**No drift.** The account matches the manifests."
    else:
        rows = "\n".join(
            f"| {i['type']} | `{i['address']}` | {i['field'] or ''} | `{json.dumps(i['live'])}` | "
            f"`{json.dumps(i['desired'])}` | `{i['signature']}` |"
            for i in report["items"]
        )
        body = "| type | object | field | live | manifest | signature |\n|---|---|---|---|---|---|\n" + rows
    if report.get("health"):
        body += "\n\n**Review health** (not drift):\n\n" + "\n".join(
            f"- `{h['address']}` ({h['remote_id']}): {h['message']}" for h in report["health"]
        )
    return f"### smartplus drift\n\n{body}\n\n<!-- smartplus-drift-signature: {report['signature']} -->\n"
