"""Step 6: the plan as data: typed operations (``core.operations``), notes, and what
the plan was computed against; to_json / from_json.

Pure. The saved plan carries what it was computed against (manifest digest, live
fingerprints of every object it touches, the API endpoint and advertisers), so that
apply can refuse a stale plan or one meant for another account, and a content hash
over everything that drives apply, so that apply can refuse a plan edited after
review. It never holds a token or any secret.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.core import operations
from reconciler.core.addresses import Kind
from reconciler.core.operations import Op, Ref, Target, Verdict

# 2: typed operations (one per TikTok mutation), parents as refs, a content hash and a target.
# 3: the content hash is taken over the section hashes (each section serialized once).
# 4: the guardrails' verdicts in one table ("verdicts"), named by the operations by index: the ads
#    of one ad group share a verdict (a third of a plan of 10,000 changed ads was their copies).
FORMAT_VERSION = 4

Change = Op  # what explain, drift and the guardrails call an operation of the plan
ACTIONS: tuple[str, ...] = ("create", "update", "set_status", "replace", "disable")

__all__ = ["ACTIONS", "FORMAT_VERSION", "Change", "LiveRecord", "Note", "Plan", "Ref", "Target", "Verdict"]


@dataclass(frozen=True, slots=True, init=False)
class LiveRecord:
    """What the plan saw of one object it touches: apply re-reads and compares.

    ``fields`` (the values that word a stale message) is held as a tuple of values beside a
    tuple of names that the records of one shape share, and made a dict when read: a plan of
    50,000 changes held 50,000 small dicts, about 270 bytes each more than the tuples."""

    kind: Kind
    remote_id: str
    fingerprint: str
    _names: tuple[str, ...]
    _values: tuple[Any, ...]

    def __init__(self, kind: Kind, remote_id: str, fingerprint: str, fields: Mapping[str, Any]) -> None:
        names = tuple(fields)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "remote_id", remote_id)
        object.__setattr__(self, "fingerprint", fingerprint)
        object.__setattr__(self, "_names", _NAMES.setdefault(names, names))
        object.__setattr__(self, "_values", tuple(fields.values()))

    @property
    def fields(self) -> dict[str, Any]:
        return dict(zip(self._names, self._values, strict=True))


_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}  # the shapes of LiveRecord.fields, shared


@dataclass(frozen=True)
class Note:
    """Something the plan reports without acting on it (orphans, unmanaged, manual steps)."""

    kind: NoteKind
    address: str
    remote_id: str | None
    message: str


NOTE_KINDS = ("orphan", "unmanaged", "manual_step", "warning", "health")
NoteKind = Literal["orphan", "unmanaged", "manual_step", "warning", "health"]

# What does not drive apply and so is not covered by the content hash: figures about the
# read, and what is derived from the rest.
_UNHASHED = frozenset({"plan_id", "content_hash", "section_hashes", "stats", "summary"})


@dataclass
class Plan:
    changes: list[Change]
    manifest_digest: str
    advertiser_ids: list[str]
    created_at: str  # "YYYY-MM-DD HH:MM:SS" UTC, by the API server's clock
    expires_at: str
    tool_version: str
    live: dict[str, LiveRecord] = field(default_factory=dict)  # address key -> record
    notes: list[Note] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    replace: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)  # paths, values, sets the plan was made from
    stats: dict[str, Any] = field(default_factory=dict)
    target: dict[str, Any] = field(default_factory=dict)  # the API endpoint it was made against
    spend_before: float = 0.0
    spend_after: float = 0.0
    plan_id: str = ""
    content_hash: str = ""
    format_version: int = FORMAT_VERSION

    @property
    def blocked(self) -> list[Change]:
        return [c for c in self.changes if c.blocked]

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        """Objects per action. Enabling what this plan creates is part of its create, not a
        second count; a status batch counts the live objects it switches."""
        out: dict[str, int] = {a: 0 for a in ACTIONS}
        for c in self.changes:
            if c.targets:
                out[c.action] = out.get(c.action, 0) + sum(1 for t in c.targets if t.ref.live_id is not None)
            else:
                out[c.action] = out.get(c.action, 0) + 1
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "counts": self.counts(),
            "blocked": len(self.blocked),
            "daily_spend_before": round(self.spend_before, 2),
            "daily_spend_after": round(self.spend_after, 2),
            "orphans": sum(1 for n in self.notes if n.kind == "orphan"),
            "manual_steps": sum(1 for n in self.notes if n.kind == "manual_step"),
        }

    # -- integrity --

    def _content(self, *, live: bool = True) -> dict[str, Any]:
        """What the content hash covers, but the operations (each its own section); its hash is
        ``_content_hash``."""
        content = {k: v for k, v in self._head().items() if k not in _UNHASHED}
        # The verdicts decide what is blocked: hashed with the plan (the operations name them).
        # (Their numbers' integral floats are made ints by ``_hash_text``, as everywhere.)
        content["verdicts"] = [v.to_json() for v in self.verdict_table()]
        content["notes"] = self._notes_json()
        # A live record's `fields` only word the stale message ("budget was 500, is now 600");
        # its fingerprint decides staleness and is hashed. Hashing the fields too walked every
        # touched object's whole row: most of the cost of sealing 10,000 changes.
        if live:
            content["live"] = {k: _live_hashed(r) for k, r in sorted(self.live.items())}
        content["spend"] = self._spend_json()
        return content

    def _content_hash(self) -> str:
        """``_hash(self._content())``, with the live records fed to the hash a thousand at a time:
        at 50,000 changes the content was 50,000 dicts and one text of them, made at the
        process's peak (the seal). The same text, so the same hash: json's ``sort_keys`` puts the
        keys in ``sorted`` order, and ``_canonical`` changes only the pieces that need it."""
        content = self._content(live=False)
        h = hashlib.sha256(b"{")
        for i, key in enumerate(sorted([*content, "live"])):
            h.update((("," if i else "") + _SORTED.encode(key) + ":").encode())
            if key != "live":
                h.update(_hash_text(content[key]).encode())
                continue
            h.update(b"{")
            items = sorted(self.live.items())
            for start in range(0, len(items), 1000):
                batch = {k: _live_hashed(r) for k, r in items[start : start + 1000]}
                h.update((("," if start else "") + _hash_text(batch)[1:-1]).encode())
            h.update(b"}")
        h.update(b"}")
        return h.hexdigest()

    def section_hashes(self) -> dict[str, str]:
        """One hash per operation and one for the rest: names what was edited. Operations are
        serialized one at a time (a plan of 50,000 changes never holds them all as JSON)."""
        return dict(self._sections())

    def _sections(self) -> Iterator[tuple[str, str]]:
        """The sections, in their order: sealed, or computed one at a time."""
        if self._sealed_sections is not None:
            plan_hash, op_hashes = self._sealed_sections
            yield "plan", plan_hash
            for op, h in zip(self.changes, op_hashes, strict=True):
                yield f"operation {op.id}", h
            return
        yield "plan", self._content_hash()
        index = self._verdict_index()
        for op in self.changes:
            yield f"operation {op.id}", _hash(op.to_json(index))

    def compute_hash(self) -> str:
        return _over_sections(self.section_hashes().items())

    def seal(self) -> None:
        """Set the content hash (and the plan id, its short form) over what drives apply.

        The content hash is the hash of the section hashes, so each section is serialized once;
        the sections are kept for ``to_json``. A plan changed after ``seal`` without sealing it
        again writes hashes that do not match it, and apply refuses it: it fails closed."""
        # Kept as the hashes alone, in the operations' order: their names ("operation 0001")
        # are made again when written (50,000 names and a dict of them, held for nothing).
        self._sealed_sections = None
        self._sealed_texts = None
        plan_hash = self._content_hash()
        index = self._verdict_index()
        op_hashes: list[str] = []
        # Each operation's text is also what the saved plan holds for it (sorted keys): kept, up
        # to a bound, so that writing the plan does not serialize every operation again (a
        # plan of 10,000 changed ads spent a third of its writing time on that). Past the
        # bound, or for an operation whose hashed text is not its exact JSON, it is made again.
        texts: list[str | None] | None = []
        room = _KEEP_TEXTS
        for op in self.changes:
            text, exact = _op_text(op.to_json(index))
            op_hashes.append(hashlib.sha256(text.encode()).hexdigest())
            if texts is None:
                continue
            if room < len(text):
                texts = None  # over the bound: none kept (memory stays flat at any size)
                continue
            texts.append(text if exact else None)
            room -= len(text) if exact else 0
        self._sealed_sections = (plan_hash, op_hashes)
        if texts is not None:
            self._sealed_texts = (list(self.changes), texts)
        self.content_hash = _over_sections(self._sections())
        self.plan_id = self.content_hash[:16]

    def _head(self) -> dict[str, Any]:
        """The saved plan's keys before ``changes``, in their order."""
        return {
            "format_version": self.format_version,
            "tool_version": self.tool_version,
            "plan_id": self.plan_id,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "manifest_digest": self.manifest_digest,
            "advertiser_ids": self.advertiser_ids,
            "target": self.target,
            "inputs": self.inputs,
            "overrides": self.overrides,
            "replace": self.replace,
            "summary": self.summary(),
        }

    def _notes_json(self) -> list[dict[str, Any]]:
        return [
            {"kind": n.kind, "address": n.address, "remote_id": n.remote_id, "message": n.message}
            for n in self.notes
        ]

    def _spend_json(self) -> dict[str, float]:
        return {"before": float(round(self.spend_before, 2)), "after": float(round(self.spend_after, 2))}

    def verdict_table(self) -> list[Verdict]:
        """The distinct verdicts of the operations, in the order they first appear."""
        return self._verdict_index().table

    def _verdict_index(self) -> _VerdictIndex:
        """The operations' table of verdicts, built once for these very operations (the seal, the
        content hash and the write each need it: 65 ms apiece at 10,000 distinct verdicts)."""
        index = self._verdicts
        if index is None or not _same_ops(index.ops, self.changes):
            index = self._verdicts = _VerdictIndex(self.changes)
        return index

    def _kept_texts(self) -> list[str | None] | None:
        """The operations' texts kept by ``seal``, if the plan still has the operations it sealed."""
        kept = self._sealed_texts
        if kept is None or not _same_ops(kept[0], self.changes):
            return None
        return kept[1]

    def to_json(self, *, hashes: bool = True) -> dict[str, Any]:
        """The saved plan as data (``json_chunks`` writes the same as text, in pieces)."""
        d = self._head()
        index = self._verdict_index()
        d["verdicts"] = [v.to_json() for v in index.table]
        d["changes"] = [c.to_json(index) for c in self.changes]
        d["notes"] = self._notes_json()
        d["live"] = {k: _live_json(r) for k, r in sorted(self.live.items())}
        d["spend"] = self._spend_json()
        d["stats"] = self.stats
        if hashes:
            d["content_hash"] = self.content_hash
            d["section_hashes"] = self.section_hashes()
        return d

    def json_chunks(self) -> Iterator[str]:
        """The saved plan's compact JSON text (what ``json.dumps(to_json(), separators=(",", ":"),
        ensure_ascii=False)`` writes, but each operation with sorted keys: the text its section
        hash is over, kept by ``seal``), in pieces of about 64 KiB: the operations, notes, live
        records and section hashes one at a time, so that writing a plan of 50,000 changes never
        holds them all as dicts, nor the plan (or any large part of it) as one string. (The
        head was one string of the live records and section hashes: 48 MB at 50,000 changes,
        copied twice more when it was split around the operations: the process's peak.)"""
        out = _Chunks()
        head = _dumps(self._head())
        out.add(head[:-1])  # without its closing brace
        index = self._verdict_index()
        kept = self._kept_texts()
        out.add(',"verdicts":' + _dumps([v.to_json() for v in index.table]) + ',"changes":[')
        for i, op in enumerate(self.changes):
            text = kept[i] if kept is not None else None
            if text is None:
                text = _SORTED_EXACT.encode(op.to_json(index))
            out.add("," + text if i else text)
            yield from out.full()
        out.add('],"notes":[')
        for i, n in enumerate(self._notes_json()):
            out.add("," + _dumps(n) if i else _dumps(n))
            yield from out.full()
        out.add('],"live":{')
        for i, (k, r) in enumerate(sorted(self.live.items())):
            out.add(("," if i else "") + _dumps(k) + ":" + _dumps(_live_json(r)))
            yield from out.full()
        out.add('},"spend":' + _dumps(self._spend_json()) + ',"stats":' + _dumps(self.stats))
        out.add(',"content_hash":' + _dumps(self.content_hash) + ',"section_hashes":{')
        for i, (k, h) in enumerate(self._sections()):
            out.add(("," if i else "") + _dumps(k) + ":" + _dumps(h))
            yield from out.full()
        out.add("}}")
        yield from out.rest()

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Plan:
        """Read a saved plan; raises ValueError (or KeyError/TypeError) on anything malformed,
        including an operation outside the closed set."""
        version = int(d["format_version"])
        if version != FORMAT_VERSION:
            return cls(
                changes=[], manifest_digest="", advertiser_ids=[], created_at="", expires_at="",
                tool_version=str(d.get("tool_version", "")), format_version=version,
            )  # fmt: skip
        spend = d.get("spend") or {}
        plan = cls(
            format_version=version,
            tool_version=str(d.get("tool_version", "")),
            plan_id=str(d.get("plan_id", "")),
            content_hash=str(d.get("content_hash", "")),
            created_at=str(d["created_at"]),
            expires_at=str(d["expires_at"]),
            manifest_digest=str(d["manifest_digest"]),
            advertiser_ids=[str(a) for a in d.get("advertiser_ids", [])],
            target=dict(d.get("target") or {}),
            inputs=dict(d.get("inputs", {})),
            overrides=[str(o) for o in d.get("overrides", [])],
            replace=[str(r) for r in d.get("replace", [])],
            changes=_operations(d),
            notes=[
                Note(_note_kind(n["kind"]), str(n["address"]), n.get("remote_id"), str(n["message"]))
                for n in d.get("notes", [])
            ],
            live={
                str(k): LiveRecord(
                    v["kind"], str(v["remote_id"]), str(v["fingerprint"]), dict(v.get("fields", {}))
                )
                for k, v in d.get("live", {}).items()
            },
            stats=dict(d.get("stats", {})),
            spend_before=float(spend.get("before", 0.0)),
            spend_after=float(spend.get("after", 0.0)),
        )
        plan.saved_section_hashes = dict(d.get("section_hashes") or {})
        return plan

    saved_section_hashes: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _sealed_sections: tuple[str, list[str]] | None = field(default=None, repr=False, compare=False)
    # The operations ``seal`` serialized, and their texts (None: made again when written).
    _sealed_texts: tuple[list[Op], list[str | None]] | None = field(default=None, repr=False, compare=False)
    _verdicts: _VerdictIndex | None = field(default=None, repr=False, compare=False)


def _same_ops(a: list[Op], b: list[Op]) -> bool:
    """The very same operations, in the same order (operations are frozen: the same objects
    serialize to the same text)."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _canonical(value: Any) -> Any:
    """500 and 500.0 hash alike: a number's JSON spelling must not change the hash.
    (Exact type tests first: strings are most of a plan, and this walk runs over all of it.)"""
    t = type(value)
    if t is str or t is int or t is bool or value is None:
        return value
    if t is dict:
        return {k: _canonical(v) for k, v in value.items()}
    if t is list or t is tuple:
        return [_canonical(v) for v in value]
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


class _VerdictIndex:
    """The plan's table of verdicts: each distinct verdict once, in the order the operations
    first name it; ``index(v)`` is its place. Verdicts are compared by content (a plan read back
    has equal verdicts, not the same objects); the operations that share one object (the ads of
    one ad group) are looked up by identity first."""

    def __init__(self, ops: Iterable[Op]) -> None:
        self.ops = list(ops)  # what it was built from (Plan._verdict_index)
        self.table: list[Verdict] = []
        self._by_content: dict[str, int] = {}
        self._by_id: dict[int, tuple[Verdict, int]] = {}  # the verdict kept: its id stays its own
        for op in self.ops:
            for v in op.verdicts:
                self(v)

    def __call__(self, v: Verdict) -> int:
        known = self._by_id.get(id(v))
        if known is not None and known[0] is v:
            return known[1]
        key = _SORTED.encode(v.to_json())
        i = self._by_content.get(key)
        if i is None:
            i = self._by_content[key] = len(self.table)
            self.table.append(v)
        self._by_id[id(v)] = (v, i)
        return i


class _Chunks:
    """Pieces of text gathered into chunks of about 64 KiB: one write per chunk, not per piece."""

    SIZE = 1 << 16

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def full(self) -> Iterator[str]:
        if self.size >= self.SIZE:
            yield from self.rest()

    def rest(self) -> Iterator[str]:
        if self.parts:
            yield "".join(self.parts)
        self.parts, self.size = [], 0


def _dumps(value: Any) -> str:
    return _COMPACT.encode(value)


# Built once: json.dumps with any option builds an encoder per call (a fifth of the time of
# encoding an operation; a plan of 10,000 changes encodes 40,000 values).
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_SORTED = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
# An operation as the saved plan holds it: sorted keys (the text its section hash is over), and
# no ``default``: a value JSON cannot hold is an error, never its str().
_SORTED_EXACT = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# Characters of operation text ``seal`` keeps for the write: a plan of 10,000 changed ads has
# 6 MB of them; at 50,000 (31 MB) they are made again instead, to keep the peak memory flat
# (the texts of the first 8 MiB are held while the rest are made, then dropped).
_KEEP_TEXTS = 8 << 20


def _live_json(r: LiveRecord) -> dict[str, Any]:
    return {"kind": r.kind, "remote_id": r.remote_id, "fingerprint": r.fingerprint, "fields": r.fields}


def _operations(d: dict[str, Any]) -> list[Op]:
    """The operations of a saved plan, each naming its verdicts by their place in the table."""
    table = [Verdict.from_json(v) for v in d.get("verdicts") or []]
    out: list[Op] = []
    for c in d.get("changes", []):
        named = c.get("verdicts") or []
        if any(type(i) is not int or not 0 <= i < len(table) for i in named):
            raise ValueError(f"operation {c.get('id')!r}: verdicts {named!r} are not in the plan's table")
        out.append(operations.from_json({**c, "verdicts": [table[i] for i in named]}))
    return out


def _note_kind(kind: Any) -> NoteKind:
    if kind not in NOTE_KINDS:
        raise ValueError(f"unknown note kind {kind!r}")
    return kind  # type: ignore[no-any-return]


def _over_sections(sections: Iterable[tuple[str, str]]) -> str:
    """The content hash: one over the section hashes, in their order (the plan, then operations),
    fed to the hash one at a time (not joined into one text first)."""
    h = hashlib.sha256()
    for k, v in sections:
        h.update(f"{k}={v}\n".encode())
    return h.hexdigest()


def _live_hashed(r: LiveRecord) -> dict[str, Any]:
    return {"kind": r.kind, "remote_id": r.remote_id, "fingerprint": r.fingerprint}


def _hash(value: Any) -> str:
    return hashlib.sha256(_hash_text(value).encode()).hexdigest()


def _op_text(value: Any) -> tuple[str, bool]:
    """``_hash_text(value)``, and whether it is also the value's exact JSON (``_SORTED_EXACT``)."""
    try:
        text = _SORTED_EXACT.encode(value)
    except TypeError:
        return _hash_text(value), False
    if _maybe_integral(text):
        canon = _SORTED.encode(_canonical(value))
        return canon, canon == text
    return text, True


def _hash_text(value: Any) -> str:
    """The text ``_hash`` hashes: sorted keys, integral floats as ints (see ``_canonical``)."""
    text = _SORTED.encode(value)
    if _maybe_integral(text):
        text = _SORTED.encode(_canonical(value))
    return text


def _maybe_integral(text: str) -> bool:
    """Whether compact JSON text may hold an integral float, which ``_canonical`` changes. json
    writes one as "500.0" (then a comma, a closing bracket or brace, or the end of the text), or
    "1e+20" from 1e16 up; anything else (by chance, in a string) costs a walk, never a wrong
    hash. The walk runs for those texts alone: substring tests are cheaper than the walk (a
    regex is not), and ".0" alone took the walk over every verdict whose numbers held 0.05."""
    return (
        "e+" in text
        or text.endswith(".0")
        or (".0" in text and (".0," in text or ".0}" in text or ".0]" in text))
    )
