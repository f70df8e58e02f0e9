"""Step 6, second consumer of the plan: Plan -> text or Markdown lines.

Pure, no colour here: text lines carry a style tag that the console turns
into colour (or not, under NO_COLOR or when not a TTY). Order is stable: the
plan's own order. Unchanged fields are never shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from reconciler.core.plan import Change, Plan

Styled = tuple[str, str]  # (style, text); style in {"", "add", "change", "remove", "warn", "bold", "dim"}

SYMBOL = {"create": "+", "update": "~", "set_status": "~", "replace": "-/+", "disable": "-"}
STYLE = {
    "create": "add",
    "update": "change",
    "set_status": "change",
    "replace": "remove",
    "disable": "remove",
}
GITHUB_LIMIT = 65536
PLAN_MARKER = "<!-- smartplus-plan -->"  # lets a workflow find and update its one comment


def fmt_value(v: Any, limit: int = 120) -> str:
    text = (
        json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
        if not isinstance(v, str)
        else json.dumps(v)
    )
    if v is None:
        text = "(unset)"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def leaves(value: Any, prefix: str) -> list[tuple[str, Any]]:
    """Flatten for display: nested objects become dotted paths, lists of objects get
    indexes; lists of plain values stay one value. So a reviewer sees every leaf that
    is set or changed, never a truncated blob."""
    if isinstance(value, dict):
        if not value:
            return [(prefix, {})]
        return [leaf for k, v in value.items() for leaf in leaves(v, f"{prefix}.{k}" if prefix else k)]
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return [leaf for i, v in enumerate(value) for leaf in leaves(v, f"{prefix}[{i}]")]
    return [(prefix, value)]


def field_lines(c: Change) -> list[str]:
    """``path: value`` for a create; ``path: before -> after`` for the leaves that differ."""
    out: list[str] = []
    for f in c.fields:
        if c.action == "create":
            out.extend(f"{path}: {fmt_value(v)}" for path, v in leaves(f.after, f.path))
            continue
        before = dict(leaves(f.before, f.path)) if f.before is not None else {}
        after = dict(leaves(f.after, f.path)) if f.after is not None else {}
        changed = [p for p in dict.fromkeys([*before, *after]) if before.get(p) != after.get(p)]
        for path in changed or [f.path]:
            out.append(f"{path}: {fmt_value(before.get(path))} -> {fmt_value(after.get(path))}")
    return out


def money(x: float) -> str:
    return f"{x:,.2f}"


def _status_line(c: Change) -> str:
    names = ", ".join(str(t.address) for t in c.targets)
    return f"{c.status} {len(c.targets)} {c.kind}{'s' if len(c.targets) != 1 else ''}: {names}"


def text_lines(plan: Plan) -> list[Styled]:
    out: list[Styled] = []
    if not plan.changes:
        out.append(("bold", "No changes. The account matches the manifests."))
    else:
        out.append(("bold", f"Plan: {len(plan.changes)} change{'s' if len(plan.changes) != 1 else ''}"))
        out.append(("", ""))
    for c in plan.changes:
        sym = SYMBOL[c.action]
        rid = f" ({c.remote_id})" if c.remote_id else ""
        if c.targets:
            count = len(c.targets)
            plural = "s" if count != 1 else ""
            out.append((STYLE[c.action], f"{sym} {c.action} {c.status} {count} {c.kind}{plural}"))
            for t in c.targets:
                out.append(("", f"    {t.address}" + (f" ({t.remote_id})" if t.remote_id else "")))
        else:
            out.append((STYLE[c.action], f"{sym} {c.action} {c.address}{rid}"))
        if c.reason:
            out.append(("dim", f"    # {c.reason}"))
        out.extend(("", f"    {line}") for line in field_lines(c))
        for note in c.notes:
            out.append(("dim", f"    ({note})"))
        if c.spend_delta:
            out.append(("warn" if c.spend_delta > 0 else "", f"    daily spend {c.spend_delta:+,.2f}"))
        for v in c.verdicts:
            tag = "BLOCKED" if v.blocking else ("overridden" if v.overridden else v.level)
            style = "remove" if v.blocking else "warn"
            out.append((style, f"    [{tag}] {v.rule}: {v.message}"))
    notes = [n for n in plan.notes if n.kind != "unmanaged"]
    if notes:
        out.append(("", ""))
        for n in notes:
            rid = f" ({n.remote_id})" if n.remote_id else ""
            out.append(("warn", f"! {n.kind.replace('_', ' ')}: {n.address}{rid}: {n.message}"))
    out.append(("", ""))
    out.extend(("bold" if i == 0 else "", line) for i, line in enumerate(summary_lines(plan)))
    return out


def summary_lines(plan: Plan) -> list[str]:
    s = plan.summary()
    counts = ", ".join(f"{n} to {a.replace('_', ' ')}" for a, n in s["counts"].items() if n)
    lines = [f"Summary: {counts or 'nothing to do'}."]
    lines.append(
        f"Maximum daily spend: {money(plan.spend_before)} -> {money(plan.spend_after)}"
        f" ({plan.spend_after - plan.spend_before:+,.2f})"
    )
    if s["blocked"]:
        lines.append(f"{s['blocked']} change(s) blocked by guardrails: see [BLOCKED] above.")
    if s["orphans"]:
        lines.append(f"{s['orphans']} orphan(s) in managed campaigns.")
    return lines


def markdown(plan: Plan, limit: int = GITHUB_LIMIT) -> str:
    """A pull-request comment: summary table first; blocked and destructive
    changes in the first screen; details folded; under GitHub's limit."""
    s = plan.summary()
    head: list[str] = [PLAN_MARKER, "### smartplus plan", ""]
    if not plan.changes:
        head.append("**No changes.** The account matches the manifests.")
    head += [
        "",
        "| action | count |",
        "|---|---:|",
        *(f"| {a.replace('_', ' ')} | {n} |" for a, n in s["counts"].items()),
        "",
        f"**Maximum daily spend:** {money(plan.spend_before)} → {money(plan.spend_after)} "
        f"({plan.spend_after - plan.spend_before:+,.2f})",
        "",
    ]
    urgent = [c for c in plan.changes if c.blocked or c.action in ("replace", "disable")]
    if urgent:
        head.append("#### ⚠️ Blocked and destructive changes")
        head.append("")
        for c in urgent:
            what = _status_line(c) if c.targets else str(c.address)
            head.append(f"- **{c.action}** `{what}`" + (" — **BLOCKED**" if c.blocked else ""))
            for v in c.verdicts:
                if v.level != "ok":
                    head.append(f"  - `{v.rule}`: {v.message}" + (" (overridden)" if v.overridden else ""))
        head.append("")
    notes = [n for n in plan.notes if n.kind != "unmanaged"]
    if notes:
        head.append("#### Notes")
        head.append("")
        head.extend(f"- {n.kind.replace('_', ' ')}: `{n.address}` {n.message}" for n in notes)
        head.append("")

    sections: list[str] = []
    for campaign, changes in _by_campaign(plan.changes):
        body = ["<details>", f"<summary>{_esc(campaign)}: {len(changes)} change(s)</summary>", "", "```diff"]
        for c in changes:
            body.extend(_diff_lines(c))
        body += ["```", "</details>", ""]
        sections.append("\n".join(body))
    tail = f"\n<sub>plan {plan.plan_id} · manifests {plan.manifest_digest[:19]} · expires {plan.expires_at} UTC</sub>\n"
    return _fit("\n".join(head), sections, tail, limit)


def _fit(head: str, sections: list[str], tail: str, limit: int) -> str:
    full = head + "\n" + "\n".join(sections) + tail
    if len(full) <= limit:
        return full
    # Cut the middle: keep sections from both ends, say what was left out.
    keep_front: list[str] = []
    keep_back: list[str] = []
    budget = limit - len(head) - len(tail) - 400
    i, j = 0, len(sections) - 1
    used = 0
    while i <= j:
        take_front = len(keep_front) <= len(keep_back)
        s = sections[i] if take_front else sections[j]
        if used + len(s) + 1 > budget:
            break
        used += len(s) + 1
        if take_front:
            keep_front.append(s)
            i += 1
        else:
            keep_back.insert(0, s)
            j -= 1
    cut = j - i + 1
    note = (
        f"\n> ✂️ {cut} campaign section(s) cut from the middle to stay under GitHub's "
        f"{limit:,}-character limit. Run `smartplus show PLAN.json` for the whole plan.\n"
    )
    return head + "\n" + "\n".join(keep_front) + note + "\n".join(keep_back) + tail


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _by_campaign(changes: Iterable[Change]) -> list[tuple[str, list[Change]]]:
    groups: dict[str, list[Change]] = {}
    for c in changes:
        key = f"campaign[{json.dumps(c.address.campaign, ensure_ascii=False)}]"
        groups.setdefault(key, []).append(c)
    return list(groups.items())


def _diff_lines(c: Change) -> list[str]:
    sign = {"create": "+", "update": "!", "set_status": "!", "replace": "-", "disable": "-"}[c.action]
    what = _status_line(c) if c.targets else str(c.address)
    lines = [f"{sign} {c.action} {what}" + (f" ({c.remote_id})" if c.remote_id else "")]
    for line in field_lines(c):
        if c.action == "create":
            lines.append(f"+     {line}")
        else:
            path, _, rest = line.partition(": ")
            before, _, after = rest.partition(" -> ")
            lines.append(f"-     {path}: {before}")
            lines.append(f"+     {path}: {after}")
    lines.extend(f"#     {note}" for note in c.notes)
    if c.spend_delta:
        lines.append(f"#     daily spend {c.spend_delta:+,.2f}")
    return lines
