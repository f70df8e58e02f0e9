"""Health of the managed ads: TikTok's review, reported apart from configuration drift.

Pure. An ad pending review, re-reviewed after an edit, or rejected (with TikTok's reasons,
read from ``/smart_plus/ad/review_info/`` by the adapter) is not a difference between the
account and the manifests: nothing to apply fixes it except editing the creative. So plan and
drift show it as a ``health`` note, and it never changes an exit code or a verdict.

Statuses: shared/reference/smart-plus-current.md section 5 (D:1843317390059522,
D:1843317378982914, D:1843317465695233). Which statuses count as "in review" is a reading of
that table: those whose meaning is a review still running.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from reconciler.core.addresses import Address
from reconciler.core.live import Matching
from reconciler.core.plan import Note

IN_REVIEW = {
    "AD_STATUS_AUDIT": "in review",
    "AD_STATUS_REAUDIT": "in review again after an edit",
    "AD_STATUS_DELIVERY_AND_REAUDIT": "delivering, its edits in review",
    "AD_STATUS_PRIVACY_POLICY_AUDIT": "in privacy-policy review",
}
REJECTED = {
    "AD_STATUS_AUDIT_DENY": "rejected in review",
    "AD_STATUS_PRIVACY_POLICY_REJECTED": "rejected for its privacy policy",
    "AD_STATUS_REVIEW_PARTIALLY_APPROVED": "partly rejected (some creatives approved; it delivers)",
    "AD_STATUS_DELIVERY_AND_TRANSCODING_FAIL": "a video failed transcoding",
}


def rejected_ids(matching: Matching) -> list[str]:
    """Managed ads whose review found something: their reasons are worth a read."""
    return sorted(
        o.id for o in matching.matched.values() if o.kind == "ad" and o.get("secondary_status") in REJECTED
    )


def reasons_of(review_infos: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """``smart_plus_ad_review_infos`` (and their ``material_review_infos``) -> ad id -> reasons."""
    out: dict[str, list[str]] = {}
    for info in review_infos:
        ad = str(info.get("smart_plus_ad_id", ""))
        for reject in info.get("reject_info") or []:
            for reason in reject.get("reasons") or []:
                out.setdefault(ad, []).append(str(reason))
            if reject.get("suggestion"):
                out.setdefault(ad, []).append(f"suggestion: {reject['suggestion']}")
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


IN_REVIEW_NAMED = 5  # in-review ads named per campaign; the rest counted


def notes(matching: Matching, reasons: Mapping[str, list[str]]) -> list[Note]:
    """Rejected ads one by one, with TikTok's reasons; ads in review one note per campaign
    (a new campaign has all its ads in review for a while: a line each would drown the plan)."""
    rejected: list[tuple[Address, str, str]] = []
    reviewing: dict[Address, list[tuple[Address, str, str]]] = {}
    for addr, obj in matching.matched.items():
        if obj.kind != "ad":
            continue
        status = str(obj.get("secondary_status") or "")  # one field: the row is not built
        if status in IN_REVIEW:
            reviewing.setdefault(addr.campaign_address(), []).append((addr, obj.id, status))
        elif status in REJECTED:
            why = reasons.get(obj.id)
            text = f"ad {REJECTED[status]} ({status})"
            text += ": " + "; ".join(why) if why else ": see its review in Ads Manager"
            rejected.append(
                (addr, obj.id, text + ". Fix the creative or text in the manifest to send it to review again")
            )
    out = [Note("health", str(addr), rid, text) for addr, rid, text in sorted(rejected)]
    for campaign, ads in sorted(reviewing.items()):
        ads.sort(key=lambda t: t[0].sort_key())  # addresses are unique: the same order, one key each
        if len(ads) == 1:
            addr, rid, status = ads[0]
            out.append(
                Note(
                    "health",
                    str(addr),
                    rid,
                    f"ad {IN_REVIEW[status]} ({status}): it delivers once TikTok approves it",
                )
            )
            continue
        named = ", ".join(f"{a.adgroup}/{a.ad}" for a, _, _ in ads[:IN_REVIEW_NAMED])
        more = f" and {len(ads) - IN_REVIEW_NAMED} more" if len(ads) > IN_REVIEW_NAMED else ""
        out.append(
            Note(
                "health",
                str(campaign),
                None,
                f"{len(ads)} ads in review ({named}{more}): they deliver once TikTok approves them",
            )
        )
    return out
