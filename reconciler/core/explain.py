"""Step 6, second consumer of the plan: Plan -> text or Markdown lines.

Pure, no colour here: text lines carry a style tag that the console turns
into colour (or not, under NO_COLOR or when not a TTY). Order is stable: the
plan's own order. Unchanged fields are never shown.

One tally (``tally``) feeds every count shown: the text header, the text
summary, the Markdown summary table and the per-campaign overview, so they
never disagree. It counts objects, once: a status batch that enables objects
this plan creates is part of those creates (a create is "create and start"),
not a second count of them. Only the operations' display attributes are read
(id, action, kind, address, remote_id, fields, targets, status, reason,
spend_delta, verdicts, notes, blocked, depends_on), and an action label this
module does not know is rendered generically, so new operation types show up
without a change here.

The Markdown is a pull-request comment at any size: a summary table (with a
blocked row), the blocked and destructive changes, then an overview table of
EVERY campaign, then the details folded per campaign; details that do not fit
GitHub's 65,536-character limit are cut and listed by name; no line is longer
than about 300 characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
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
KNOWN = ("create", "update", "set_status", "replace", "disable")  # always shown in the summary table
GITHUB_LIMIT = 65536
PLAN_MARKER = "<!-- smartplus-plan -->"  # lets a workflow find and update its one comment
LINE = 300  # longest Markdown line we write (outside quoted values cut at 120)


def fmt_value(v: Any, limit: int = 120) -> str:
    text = (
        json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
        if not isinstance(v, str)
        else json.dumps(v, ensure_ascii=False)
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


def label(action: str) -> str:
    return action.replace("_", " ")


# ---- the one tally ------------------------------------------------------------------------------


def created_addresses(changes: Iterable[Change]) -> set[str]:
    return {str(c.address) for c in changes if c.action == "create"}


def objects(c: Change, created: set[str]) -> list[Any]:
    """The objects a change counts for: its targets (a batch), or its own address. Status targets
    that this plan creates are not counted again: their create already says they will exist and run."""
    if not c.targets:
        return [c.address]
    if c.action == "set_status":
        return [t.address for t in c.targets if t.remote_id is not None and str(t.address) not in created]
    return [t.address for t in c.targets]


def is_start_of_created(c: Change, created: set[str]) -> bool:
    """A status batch that only starts objects created in this plan (counted with their creates)."""
    return bool(c.targets) and c.action == "set_status" and not objects(c, created)


def tally(changes: Sequence[Change]) -> dict[str, int]:
    """Objects per action label: the five known labels always, then any other label present."""
    created = created_addresses(changes)
    out: dict[str, int] = dict.fromkeys(KNOWN, 0)
    for c in changes:
        out[c.action] = out.get(c.action, 0) + len(objects(c, created))
    return out


def blocked_count(changes: Sequence[Change]) -> int:
    """Blocked objects, counted like the tally (a blocked batch of 20 is 20)."""
    created = created_addresses(changes)
    return sum(max(1, len(objects(c, created))) for c in changes if c.blocked)


def counts_phrase(t: dict[str, int]) -> str:
    return ", ".join(f"{n} to {label(a)}" for a, n in t.items() if n) or "nothing to do"


def total(t: dict[str, int]) -> int:
    return sum(t.values())


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def next_step(plan: Plan, path: str) -> str:
    """What to do with a saved plan: apply it, or (blocked) what to do instead."""
    if plan.blocked:
        return (
            f"Saved the plan to {path}. It has changes that guardrails block, so smartplus apply "
            "would refuse it: fix the manifests, or accept the risk with the --override shown at each "
            "[BLOCKED] change, and plan again."
        )
    if not plan.changes:
        return f"Saved the plan to {path}. Nothing to apply."
    return f"Saved the plan to {path}. Review it, then: smartplus apply {path}"


# ---- text ---------------------------------------------------------------------------------------


def text_lines(plan: Plan) -> list[Styled]:
    return list(iter_text_lines(plan))


def iter_text_lines(plan: Plan) -> Iterator[Styled]:
    """The plan as (style, text) lines, one operation at a time (``Console.out_lines`` writes
    them in batches: a plan of 50,000 changes is never held as lines, nor as one text)."""
    t = tally(plan.changes)
    created = created_addresses(plan.changes)
    if not plan.changes:
        yield "bold", "No changes. The account matches the manifests."
    else:
        yield "bold", f"Plan: {plural(total(t), 'change')} ({counts_phrase(t)})"
        yield "", ""
    for c in plan.changes:
        sym = SYMBOL.get(c.action, "*")
        style = STYLE.get(c.action, "change")
        rid = f" ({c.remote_id})" if c.remote_id else ""
        if c.targets:
            count = len(c.targets)
            status = f" {c.status}" if c.status else ""
            yield (style, f"{sym} {label(c.action)}{status} {count} {c.kind}{'s' if count != 1 else ''}")
            for tg in c.targets:
                yield "", f"    {tg.address}" + (f" ({tg.remote_id})" if tg.remote_id else "")
            if is_start_of_created(c, created):
                yield "dim", "    (starts what this plan creates: counted with the creates)"
        else:
            yield style, f"{sym} {label(c.action)} {c.address}{rid}"
        if c.reason:
            yield "dim", f"    # {c.reason}"
        yield from (("", f"    {line}") for line in field_lines(c))
        for note in c.notes:
            yield "dim", f"    ({note})"
        if c.spend_delta:
            yield "warn" if c.spend_delta > 0 else "", f"    daily spend {c.spend_delta:+,.2f}"
        for v in c.verdicts:
            tag = "BLOCKED" if v.blocking else ("overridden" if v.overridden else v.level)
            yield "remove" if v.blocking else "warn", f"    [{tag}] {v.rule}: {v.message}"
    notes = [n for n in plan.notes if n.kind != "unmanaged"]
    if notes:
        yield "", ""
        for n in notes:
            rid = f" ({n.remote_id})" if n.remote_id else ""
            yield "warn", f"! {label(n.kind)}: {n.address}{rid}: {n.message}"
    yield "", ""
    yield from (("bold" if i == 0 else "", line) for i, line in enumerate(summary_lines(plan)))


def summary_lines(plan: Plan) -> list[str]:
    s = plan.summary()
    t = tally(plan.changes)
    lines = [f"Summary: {counts_phrase(t)}."]
    lines.append(
        f"Maximum daily spend: {money(plan.spend_before)} -> {money(plan.spend_after)}"
        f" ({plan.spend_after - plan.spend_before:+,.2f})"
    )
    if plan.blocked:
        lines.append(
            f"{len(plan.blocked)} change(s) blocked by guardrails (see [BLOCKED] above): this plan cannot be "
            "applied. Fix the manifests, or plan again with the --override each one names."
        )
    if s.get("orphans"):
        lines.append(f"{s['orphans']} orphan(s) in managed campaigns.")
    return lines


# ---- Markdown -----------------------------------------------------------------------------------


def code(text: str) -> str:
    """A code span that the text cannot close (names may hold backticks)."""
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or run else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def clip(text: str, limit: int = 150) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


OVERRIDE = re.compile(r"--override ('(?:[^']|'\"'\"')*'|\S+?)(?=,|\s|$)")


def verdict_md(message: str) -> str:
    """A verdict's message with its commands as code spans, ready to copy."""
    parts: list[str] = []
    pos = 0
    for m in OVERRIDE.finditer(message):
        parts.append(esc(message[pos : m.start()]))
        parts.append(code(m.group(0)))
        pos = m.end()
    parts.append(esc(message[pos:]))
    text = "".join(parts)
    return re.sub(r"\bguardrails\.overrides\b", "`guardrails.overrides`", text)


def wrap(items: Sequence[str], indent: str = "", width: int = LINE) -> list[str]:
    """Comma-separated items on as many lines as it takes, none over ``width``."""
    lines: list[str] = []
    cur = ""
    for item in items:
        piece = item if not cur else f", {item}"
        if cur and len(indent) + len(cur) + len(piece) > width:
            lines.append(indent + cur + ",")
            cur = item
        else:
            cur += piece
    if cur:
        lines.append(indent + cur)
    return lines


SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def wrap_text(text: str, indent: str, width: int = LINE) -> list[str]:
    """Long prose on several lines (a Markdown paragraph goes on across them), breaking only at
    spaces outside code spans, so a command in a code span is never cut in two."""
    lead = text[: len(text) - len(text.lstrip(" "))]
    text = text.lstrip(" ")
    protected = [m.span() for m in SPAN.finditer(text)]
    words: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == " " and not any(a < i < b for a, b in protected):
            words.append(text[start:i])
            start = i + 1
    words.append(text[start:])
    lines: list[str] = []
    cur = ""
    for w in words:
        if not w:
            continue
        if cur and len(indent) + len(lead) + len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    lines.append(cur)
    return [lead + lines[0], *(indent + line for line in lines[1:])]


@dataclass
class Group:
    """One campaign's share of the plan (status batches split by the campaign of each target)."""

    key: str  # display address
    changes: list[Change] = field(default_factory=list)
    targets: dict[str, list[Any]] = field(default_factory=dict)  # change id -> this campaign's targets
    counts: dict[str, int] = field(default_factory=dict)
    blocked: int = 0
    spend: float = 0.0
    split: bool = False  # holds a share of a status batch that spans several campaigns

    def tally_phrase(self) -> str:
        return counts_phrase({a: n for a, n in self.counts.items()})


def campaign_key(address: Any, many_advertisers: bool) -> str:
    key = f"campaign[{json.dumps(address.campaign, ensure_ascii=False)}]"
    return f"{address.advertiser_id}/{key}" if many_advertisers else key


def groups(plan: Plan) -> list[Group]:
    many = len({c.address.advertiser_id for c in plan.changes}) > 1
    created = created_addresses(plan.changes)
    out: dict[str, Group] = {}

    def get(address: Any) -> Group:
        k = campaign_key(address, many)
        return out.setdefault(k, Group(k))

    for c in plan.changes:
        counted = {str(a) for a in objects(c, created)}
        if c.targets:
            by: dict[str, list[Any]] = {}
            for tg in c.targets:
                by.setdefault(campaign_key(tg.address, many), []).append(tg)
            for tgs in by.values():
                g = get(tgs[0].address)
                g.changes.append(c)
                g.targets[c.id] = tgs
                n = sum(1 for tg in tgs if str(tg.address) in counted)
                g.counts[c.action] = g.counts.get(c.action, 0) + n
                if c.blocked:
                    g.blocked += max(1, n)
                # One batch, one spend effect: each campaign gets the share of its targets (exact
                # when the targets' budgets are equal; the total is exact either way).
                g.spend += c.spend_delta * len(tgs) / len(c.targets)
                if len(by) > 1 and c.spend_delta:
                    g.split = True
        else:
            g = get(c.address)
            g.changes.append(c)
            g.counts[c.action] = g.counts.get(c.action, 0) + 1
            g.blocked += 1 if c.blocked else 0
            g.spend += c.spend_delta
    return list(out.values())


UPDATES = ("update", "replace")
STATUS = ("set_status", "disable")


def overview_rows(gs: Sequence[Group]) -> list[str]:
    others = any(a not in ("create", *UPDATES, *STATUS) and n for g in gs for a, n in g.counts.items())
    head = "| campaign | creates | updates | status changes |" + (" other |" if others else "")
    rows = [
        head + " blocked | spend delta |",
        "|---|---:|---:|---:|" + ("---:|" if others else "") + "---:|---:|",
    ]
    for g in gs:
        c = g.counts
        other = sum(n for a, n in c.items() if a not in ("create", *UPDATES, *STATUS))
        rows.append(
            f"| {cell(code(clip(g.key)))} | {c.get('create', 0)} | {sum(c.get(a, 0) for a in UPDATES)} | "
            f"{sum(c.get(a, 0) for a in STATUS)} |"
            + (f" {other} |" if others else "")
            + f" {('**' + str(g.blocked) + '**') if g.blocked else 0} | {g.spend:+,.2f} |"
        )
    if any(g.split for g in gs):
        rows += [
            "",
            "_The spend of a status batch that spans several campaigns is split among them by the "
            "number of their objects in it._",
        ]
    return rows


def markdown(plan: Plan, limit: int = GITHUB_LIMIT) -> str:
    """A pull-request comment: summary table first; blocked and destructive changes in the first
    screen; an overview row per campaign; details folded per campaign; under GitHub's limit."""
    t = tally(plan.changes)
    blocked = blocked_count(plan.changes)
    gs = groups(plan)
    head: list[str] = [PLAN_MARKER, "### smartplus plan", ""]
    if not plan.changes:
        head.append("**No changes.** The account matches the manifests.")
    else:
        head.append(
            f"**{plural(total(t), 'change')}** in {plural(len(gs), 'campaign')}: {counts_phrase(t)}."
            + (
                f" **{blocked} blocked by guardrails**: this plan cannot be applied as it is."
                if blocked
                else ""
            )
        )
    head += [
        "",
        "| action | count |",
        "|---|---:|",
        *(f"| {label(a)} | {n} |" for a, n in t.items()),
        f"| **blocked** | {('**' + str(blocked) + '**') if blocked else 0} |",
        "",
        f"**Maximum daily spend:** {money(plan.spend_before)} → {money(plan.spend_after)} "
        f"({plan.spend_after - plan.spend_before:+,.2f})",
        "",
    ]
    urgent = [c for c in plan.changes if c.blocked or c.action in ("replace", "disable")]
    if urgent:
        head += ["#### ⚠️ Blocked and destructive changes", ""]
        for shown, c in enumerate(urgent):
            if shown >= 50:
                head.append(f"- … and {len(urgent) - shown} more: see the campaigns below.")
                break
            what = (
                f"{c.status + ' ' if c.status else ''}{plural(len(c.targets), c.kind)}" if c.targets else ""
            )
            head.append(
                f"- **{label(c.action)}** {what or code(clip(str(c.address)))}"
                + (" — **BLOCKED**" if c.blocked else "")
            )
            if c.targets:
                head += wrap([code(clip(str(tg.address), 120)) for tg in c.targets[:40]], "  ")
                if len(c.targets) > 40:
                    head.append(f"  … and {len(c.targets) - 40} more")
            for v in c.verdicts:
                if v.level != "ok":
                    msg = verdict_md(v.message) + (" (overridden)" if v.overridden else "")
                    head += wrap_text(f"  - {code(v.rule)}: {msg}", "    ")
        head.append("")
    notes = [n for n in plan.notes if n.kind != "unmanaged"]
    note_lines = [f"- {label(n.kind)}: {code(clip(n.address))} {esc(clip(n.message, 250))}" for n in notes]

    tail = (
        f"\n<sub>plan {getattr(plan, 'plan_id', '')} · manifests {str(getattr(plan, 'manifest_digest', ''))[:19]}"
        f" · expires {getattr(plan, 'expires_at', '')} UTC</sub>\n"
    )
    return fit(head, overview_rows(gs) if gs else [], note_lines, gs, tail, limit)


def section(g: Group) -> str:
    body = [
        "<details>",
        f"<summary>{esc(clip(g.key))}: {esc(g.tally_phrase())}"
        + (f" · <b>{g.blocked} blocked</b>" if g.blocked else "")
        + "</summary>",
        "",
        "```diff",
    ]
    for c in g.changes:
        body.extend(diff_lines(c, g.targets.get(c.id)))
    body += ["```", "</details>", ""]
    return "\n".join(body)


def diff_lines(c: Change, targets: list[Any] | None = None) -> list[str]:
    sign = {"create": "+", "update": "!", "set_status": "!", "replace": "-", "disable": "-"}.get(
        c.action, "!"
    )
    if c.targets:
        tgs = targets if targets is not None else list(c.targets)
        status = f"{c.status} " if c.status else ""
        lines = [f"{sign} {label(c.action)} {status}{plural(len(tgs), c.kind)}"]
        lines += [f"{sign}     {clip(str(tg.address), LINE - 10)}" for tg in tgs]
    else:
        rid = f" ({c.remote_id})" if c.remote_id else ""
        lines = [f"{sign} {label(c.action)} {clip(str(c.address), LINE - 40)}{rid}"]
    for line in field_lines(c):
        if c.action == "create":
            lines.append(f"+     {line}")
        else:
            path, _, rest = line.partition(": ")
            before, _, after = rest.partition(" -> ")
            lines.append(f"-     {path}: {before}")
            lines.append(f"+     {path}: {after}")
    lines.extend(f"#     {clip(note, LINE - 10)}" for note in c.notes)
    if c.spend_delta:
        if targets is not None and c.targets and len(targets) != len(c.targets):
            share = c.spend_delta * len(targets) / len(c.targets)
            lines.append(
                f"#     daily spend {share:+,.2f} (its share of {c.spend_delta:+,.2f} for the batch of "
                f"{len(c.targets)})"
            )
        else:
            lines.append(f"#     daily spend {c.spend_delta:+,.2f}")
    for v in c.verdicts:
        if v.level != "ok":
            tag = "BLOCKED" if v.blocking else ("overridden" if v.overridden else v.level)
            lines.append(clip(f"#     [{tag}] {v.rule}: {v.message}", LINE))
    return lines


def fit(
    head: list[str],
    overview: list[str],
    notes: list[str],
    gs: list[Group],
    tail: str,
    limit: int,
) -> str:
    """Everything if it fits; else the head, the whole overview, the notes, as many campaign details
    as fit (in plan order), and the list of the campaigns whose details were cut. When even the
    overview does not fit (thousands of campaigns), its last rows are cut and counted instead."""
    reserve = 2_000  # the cut notice and the footer
    top = "\n".join(head)
    over = "\n".join(["#### Campaigns", "", *overview, ""]) if overview else ""
    note = "\n".join(["#### Notes", "", *notes, ""]) if notes else ""
    # Sections are rendered only while they can still fit: a plan of 12,200 creates has ~150,000
    # detail lines, of which a comment shows a few thousand.
    sections: list[str] = []
    size = len(top) + len(over) + len(note) + len(tail) + 1
    for g in gs:
        sections.append(section(g))
        size += len(sections[-1])
        if size > limit:
            break
    else:
        return "\n".join(p for p in (top, over, note) if p) + "\n" + "".join(sections) + tail
    budget = limit - reserve - len(tail)
    if len(top) + len(over) + len(note) > budget * 3 // 5:
        # Too many campaigns for one comment even without details: keep the overview rows that
        # fit in three fifths of the budget, and say how many more there are.
        room = budget * 3 // 5 - len(top) - min(len(note), budget // 5) - 400
        rows = overview[:2]
        size = sum(len(r) + 1 for r in rows)
        for r in overview[2:]:
            if size + len(r) + 1 > room:
                break
            rows.append(r)
            size += len(r) + 1
        more = len(overview) - len(rows)
        over = "\n".join(
            [
                "#### Campaigns",
                "",
                *rows,
                "",
                f"> ✂️ {plural(more, 'more campaign')} not in this table (GitHub's comment limit): "
                "run `smartplus show PLAN.json` for all of them.",
                "",
            ]
        )
    if len(note) > budget // 4:
        keep = []
        used = 0
        for n in notes:
            if used + len(n) > budget // 4:
                break
            keep.append(n)
            used += len(n) + 1
        note = "\n".join(["#### Notes", "", *keep, f"- … and {len(notes) - len(keep)} more notes", ""])
    used = len(top) + len(over) + len(note) + 2
    kept: list[str] = []
    cut: list[str] = []
    # What naming the campaigns after i would take (each ", `name`" plus the quote marks of its
    # wrapped line): a section is kept only if every campaign cut after it can still be named.
    listing = [len(code(clip(g.key, 120))) + 4 for g in gs]
    after = [0] * (len(gs) + 1)
    for i in range(len(gs) - 1, -1, -1):
        after[i] = after[i + 1] + listing[i]
    for i, g in enumerate(gs):
        if cut:
            cut.append(g.key)
            continue
        s = sections[i] if i < len(sections) else section(g)
        if used + len(s) + after[i + 1] <= budget:
            kept.append(s)
            used += len(s)
        else:
            cut.append(g.key)
    names = [code(clip(k, 120)) for k in cut]
    listed: list[str] = []
    size = 0
    for n in names:
        if size + len(n) + 2 > max(0, limit - used - len(tail) - 400):
            break
        listed.append(n)
        size += len(n) + 2
    rest = len(names) - len(listed)
    notice = [
        "",
        f"> ✂️ Details of {plural(len(cut), 'campaign')} cut to stay under GitHub's {limit:,}-character "
        "limit (their counts are in the table above). Run `smartplus show PLAN.json` for the whole plan. Cut:",
        *(">" + " " + line for line in wrap(listed)),
    ]
    if rest:
        notice.append(f"> … and {rest} more.")
    out = (
        "\n".join(p for p in (top, over, note) if p) + "\n" + "".join(kept) + "\n".join(notice) + "\n" + tail
    )
    if len(out) > limit:  # the last guard: never over the limit, whatever the names weigh
        out = out[: limit - len(tail) - 60].rsplit("\n", 1)[0] + "\n\n> ✂️ (cut)\n" + tail
    return out
