"""A fast YAML path for valid manifests: the Rust parser ``yaml_rs`` behind a gate that proves
a text lies where it and the PyYAML path (``manifests._SafeLoader`` + ``_Builder``) give the
same data; anything else returns ``None`` and the caller takes the PyYAML path, which stays
the reference and produces every error, line map and rule id.

Pure: no I/O. ``yaml_rs`` is optional: without it (no wheel for the platform) ``load_fast``
returns ``None`` always.

Where the two parsers differ (found by ``tests/manifests/test_yaml_fast.py``; ``yaml_rs``
0.1.6, whose scalar rules are in its ``src/load/scalar.rs``):

- numbers: ``yaml_rs`` drops ``_`` anywhere in a number (``1_000``, ``_1``, ``1_``, ``1e1_0``,
  ``_.5``), reads ``0X1F``, ``0O17``, ``0b101``, ``+0x1F`` and ``-0o17`` as ints and ``.iNf``/
  ``.nAn`` in any case; ours (YAML 1.2 core) reads all of these as strings;
- tags: a scalar with an unknown tag (``!foo x``, ``!!python/name:os.system x``) is a plain
  string for ``yaml_rs``; ours refuses it. An alias to an undefined anchor is ``None`` there, an
  error here;
- keys: a flow collection as a key is a tuple or frozenset there, an error here; ``1`` and
  ``"1"`` are two keys there, the same key written twice here (we compare key texts);
- depth: ``yaml_rs`` crashes the process (stack overflow) on ~15,000 nested block sequences
  and takes tens of seconds on 100,000 nested flow brackets on one line; ours refuses past
  Python's recursion limit;
- nothing is located there (no line numbers).

The gate, in the order it runs (each is a C-speed scan of the text, and the walk of the result):

1. characters: no tab, CR, BOM, backslash, NEL, U+2028/2029 or anything PyYAML's reader
   refuses; no ``<<`` (merge keys), no ``...`` document end, no line longer than
   ``MAX_LINE`` and no indentation deeper than ``MAX_INDENT`` (which, with no compact nested
   sequences ``- -``, bounds the block nesting: each block level needs a deeper indent or a
   ``- `` of its own on the line);
2. node properties and indicators: none of ``& * ! | > % @ ` ? :`` where a node can start
   (line start after indentation and ``- `` indicators, or after ``- : , [ { ?`` and spaces).
   Inside text this costs nothing: ``"Free shipping!"``, ``"Fish & chips"``, ``?a=1&b=2``
   stay on the fast path; ``"Save, & more"`` (``&`` after ``, ``) does not, harmlessly;
3. scalars: no run of number characters holding ``_`` (``[-+0-9_.a-fA-FxXoObB]``), no
   ``0X``/``0O``/``0b``/``0B`` or signed ``0x``/``0o`` at a token start, no ``.inf``/``.nan``
   spelled in a case YAML 1.2 does not list (searched in the whole text, quoted parts too, where
   a token may start: ``"Sale 1_000"`` also sends the file to PyYAML, which is right, only
   slower; ``"1_000"`` right after its quote does not);
4. documents: the text is split before each ``---`` marker line (always a document start, or an
   error for both parsers) and each part parsed alone, which gives each document its first
   line the way PyYAML (libyaml) counts it;
5. the result: every mapping key a ``str`` (so duplicate keys are the same for both), no
   ``None`` as a mapping value (ours reports it), at most ``MAX_DEPTH`` levels and at most
   ``MAX_NODES`` nodes per document. Any ``yaml_rs`` error sends the text to PyYAML.

Steps 1-3 look at one line at a time, so a large text is gated on its distinct lines only
(``gate``). Step 5 is a walk of the whole result in Python; ``load_unwalked`` leaves it to a
caller that checks the same three things in a pass it makes anyway (the manifest models:
``manifests.load_valid_fast``), and bounds the nodes by the characters instead.
"""

from __future__ import annotations

import re
import threading
from typing import Any

# The gate is fitted to these releases' scalar rules (and tests/manifests/test_yaml_fast.py
# was run against them): another release takes the PyYAML path until it has been checked too.
TESTED_VERSIONS = ("0.1.6",)

_UNSET: Any = object()
_yaml_rs: Any = _UNSET  # imported on first use: `smartplus --help` does not pay for it


def _module() -> Any:
    """yaml_rs, or None: an optional speed-up; where no wheel exists, PyYAML does all the work."""
    global _yaml_rs  # a one-time import, cached
    with _IMPORT_LOCK:
        if _yaml_rs is _UNSET:
            if threading.current_thread() is threading.main_thread():
                _yaml_rs = _import()
            else:
                _yaml_rs = _import_on_keeper()
    return _yaml_rs


def _import() -> Any:
    try:
        import yaml_rs
    except ImportError:
        return None
    return yaml_rs if yaml_rs.__version__ in TESTED_VERSIONS else None


# yaml_rs 0.1.6 crashes the process (SIGSEGV, in its parser) on any use after the thread that
# first imported it has exited: its module state is tied to that thread (it links its own
# allocator, mimalloc). The manifests are parsed in a worker thread (pipeline.load_and_plan),
# so a second parse in another thread of the same process crashed (found by running
# tests/test_ahead.py before tests/test_load_and_plan.py; tests/manifests/test_yaml_fast_threads.py
# keeps it found). Imported from another thread, it is imported by a daemon thread that never
# exits: any thread can then use it.
_IMPORT_LOCK = threading.Lock()


def _import_on_keeper() -> Any:
    got: list[Any] = []
    ready = threading.Event()

    def keep() -> None:
        try:
            got.append(_import())
        except BaseException:  # a broken install: PyYAML does the work, as without the wheel
            got.append(None)
        finally:
            ready.set()
        threading.Event().wait()  # never returns: this thread must outlive every use

    threading.Thread(target=keep, name="yaml_rs keeper", daemon=True).start()
    ready.wait()
    return got[0]


MAX_LINE = 4_000  # characters; longer lines (hostile flow nesting) go to PyYAML
MAX_INDENT = 64  # spaces of indentation; deeper block nesting goes to PyYAML
MAX_DEPTH = 100  # levels of collections; ours refuses at Python's recursion limit (~450)

# 1. Characters outside the subset; any non-ASCII text is checked with this class too.
_BAD_CHARS = re.compile(
    r"[^\n\x20-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_COMPACT = re.compile(r"^[ ]*-[ ]+-(?:[ ]|$)", re.M)
# 2. Indicators and node properties, and what stands before a node: a byte class per character
# (one C pass), so that "an indicator where a node may start" is a two-byte substring search.
_PRE = b" \n-,[{"  # may stand right before a node (with ":" and "?", below)
_RISKY = b"&*!|>%@`"  # may not start a node on the fast path (nor ":" and "?", below)
_TABLE = bytearray(b"x" * 256)
for _c in range(0x20):
    _TABLE[_c] = ord("Z")  # control characters (tab and CR included) and the backslash
_TABLE[0x7F] = _TABLE[ord("\\")] = ord("Z")
for _c in _PRE:
    _TABLE[_c] = ord("A")
for _c in _RISKY:
    _TABLE[_c] = ord("B")
for _c in b":?":
    _TABLE[_c] = ord("C")
_CLASSES = bytes(_TABLE)
_NODE_START_CANDIDATE = re.compile(r"[ \n\-:,\[{?][&*!|>%@`?:]")
# 3. Plain scalars that yaml_rs reads as numbers and YAML 1.2 core does not: found from the
# rare characters they need, then checked where they stand.
_NUM = "-+0-9_.a-fA-FxXoObB"
_UNDERSCORE = re.compile(rf"_[{_NUM}]*(?=[\s\]}},:]|\Z)")
_PREFIX = re.compile(r"0[xXoObB]")
_INF_NAN = re.compile(r"(?i)\.(?:inf|nan)")
_NUM_CHARS = frozenset(_NUM.replace("0-9", "0123456789").replace("a-f", "abcdef").replace("A-F", "ABCDEF"))
_DELIMITERS = frozenset(" \n[{,:")
_MARKER = "\n---"
# What PyYAML's scanner skips before the first token of a document: blanks and comments.
_SKIP_AFTER_MARKER = re.compile(r"---(?:[ ]+(?:#[^\n]*)?)?(?:\n[ ]*(?:#[^\n]*)?)*")
_SKIP_LEADING = re.compile(r"[ ]*(?:#[^\n]*)?(?:\n[ ]*(?:#[^\n]*)?)*")


def _at_node_start(text: str, i: int) -> bool:
    """Could a node start at ``text[i]``? (Conservative: after indentation and ``- `` at a line
    start, or after any of ``- : , [ { ?`` and spaces.)"""
    before = text[text.rfind("\n", 0, i) + 1 : i].rstrip(" ")
    return not before or before[-1] in "-:,[{?"


def _starts_token(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] in _DELIMITERS


# Texts from this size on are gated on their distinct lines (see ``gate``): a 25 KB manifest of
# 40 ads already has four fifths of its lines repeated, and its gate takes a third of the time.
DISTINCT_LINES_FROM = 4 * 1024


def gate(text: str) -> bool:
    """True when the text is in the subset where yaml_rs and the PyYAML path agree (steps 1-3).

    Every check of steps 1-3 looks at one line only (what stands before a character back to its
    line start, a token back to the line start, a line start itself, a line's length; the text's
    start counts as a line start as every line start does), so a text passes exactly when each
    of its distinct lines does, in any order. A rendered template repeats most of its lines (the
    scale manifests: 84,000 lines, 12,000 distinct): a text is gated on its distinct lines
    only, a quarter of the time (issue 15). tests/manifests/test_yaml_fast.py checks the two
    answers agree."""
    if len(text) >= DISTINCT_LINES_FROM:
        text = "\n".join(dict.fromkeys(text.split("\n")))
    return gate_whole(text)


def gate_whole(text: str) -> bool:
    """``gate`` on the text as it stands."""
    if not text.isascii() and _BAD_CHARS.search(text):
        return False
    classes = text.encode("utf-8").translate(_CLASSES)
    if b"Z" in classes or classes[:1] in (b"B", b"C"):
        return False
    if any(pair in classes for pair in (b"AB", b"AC", b"CB", b"CC")) and any(
        _at_node_start(text, m.start() + 1) for m in _NODE_START_CANDIDATE.finditer(text)
    ):
        return False
    if "<<" in text or "\n..." in text or text.startswith("..."):
        return False  # merge keys, document end markers
    indent = " " * (MAX_INDENT + 1)
    if "\n" + indent in text or text.startswith(indent):
        return False
    if ("- -" in text or "-  " in text) and _COMPACT.search(text):
        return False
    for m in _UNDERSCORE.finditer(text):
        i = m.start()
        while i > 0 and text[i - 1] in _NUM_CHARS:
            i -= 1
        if _starts_token(text, i):
            return False
    for m in _PREFIX.finditer(text):
        i = m.start()
        if i > 0 and text[i - 1] in "+-":
            i -= 1
        elif m.group() in ("0x", "0o"):
            continue  # YAML 1.2 core: both read these alike
        if _starts_token(text, i):
            return False
    for m in _INF_NAN.finditer(text):
        if m.group() not in (".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"):
            return False
    return max(map(len, text.split("\n"))) <= MAX_LINE


class _Out(Exception):
    """The result holds something the fast path leaves to PyYAML."""


def available() -> bool:
    return _module() is not None


def _count(node: Any, depth: int, memo: dict[str, str]) -> int:
    """Nodes as ``manifests._Builder`` counts them (values and items, not keys); raises
    ``_Out`` on a non-string key, a null mapping value or too deep a document.

    On the way, equal string values become one object (``memo``): the manifest models keep the
    strings they are given, and an account's manifests repeat the same enums, ids and URLs
    tens of thousands of times (about 20 MB of a 61,000-object plan's peak)."""
    if depth > MAX_DEPTH:
        raise _Out
    n = 1
    if type(node) is dict:
        for k, v in node.items():
            if type(k) is not str or v is None:
                raise _Out
            t = type(v)
            if t is str:
                s = memo.setdefault(v, v)
                if s is not v:
                    node[k] = s  # a value replaced while iterating: allowed (no key added)
                n += 1
            else:
                n += _count(v, depth + 1, memo) if t is dict or t is list else 1
    else:  # a list
        for i, v in enumerate(node):
            t = type(v)
            if t is str:
                s = memo.setdefault(v, v)
                if s is not v:
                    node[i] = s
                n += 1
            else:
                n += _count(v, depth + 1, memo) if t is dict or t is list else 1
    return n


def walked(data: Any, memo: dict[str, str]) -> bool:
    """Step 5 on one document ``load_unwalked`` gave (its node bound aside): True when every key
    is a string, no mapping value is null and it is at most ``MAX_DEPTH`` deep; equal strings
    become one object on the way (``memo``)."""
    t = type(data)
    if t is not dict and t is not list:
        return True
    try:
        _count(data, 0, memo)
    except (_Out, RecursionError):
        return False
    return True


def _is_marker(part: str) -> bool:
    return part.startswith("---") and part[3:4] in ("", " ", "\n")


def load_fast(text: str, max_nodes: int) -> list[tuple[Any, int]] | None:
    """[(data, first line)] per document, exactly as the PyYAML path gives them for this
    valid text; or None: take the PyYAML path (the text is outside the subset, invalid, or
    yaml_rs is not installed)."""
    docs = _load(text, None)
    if docs is None:
        return None
    memo: dict[str, str] = {}
    try:
        for data, _first in docs:
            t = type(data)
            if (t is dict or t is list) and _count(data, 0, memo) > max_nodes:
                return None
    except (_Out, RecursionError):
        return None
    return docs


def load_unwalked(text: str, max_nodes: int) -> list[tuple[Any, int]] | None:
    """``load_fast`` without step 5's walk of the result: the caller must refuse a document
    that holds a non-string key, a null mapping value or more than ``MAX_DEPTH`` levels (the
    manifest models do all three in one pass: ``manifests.load_valid_fast``). The node bound
    holds without counting: every node (value or item) starts at a character of its own (a
    scalar's first, a ``[``, ``{`` or ``-``; a block mapping at its first key, which is no node
    itself; null values are refused), so a document of at most ``max_nodes`` characters has at
    most ``max_nodes`` nodes, and a longer one is left to the PyYAML path."""
    return _load(text, max_nodes)


def _load(text: str, max_chars: int | None) -> list[tuple[Any, int]] | None:
    """Steps 1-4, and yaml_rs on each document (of at most ``max_chars`` characters)."""
    module = _module()
    if module is None or not gate(text):
        return None
    pieces = text.split(_MARKER)
    parts: list[tuple[str, int, bool]] = []  # (text, its first line, starts with a marker)
    line = 1
    for i, piece in enumerate(pieces):
        part = "---" + piece if i else piece
        marked = _is_marker(part)
        if i and not marked:
            return None  # "---" glued to more text at a line start: rare, PyYAML decides
        if max_chars is not None and len(part) > max_chars:
            return None
        parts.append((part, line, marked))
        line += piece.count("\n") + 1
    # libyaml's stream end: a last line without its newline still counts as a line.
    end_line = line - 1 + (1 if text and not text.endswith("\n") else 0)
    loads = module.loads
    out: list[tuple[Any, int]] = []
    try:
        for i, (part, start, marked) in enumerate(parts):
            skip = (_SKIP_AFTER_MARKER if marked else _SKIP_LEADING).match(part)
            at = skip.end() if skip is not None else 0
            if at >= len(part):  # no content: an empty document, or (before any marker) none
                if marked:
                    out.append((None, parts[i + 1][1] if i + 1 < len(parts) else end_line))
                continue
            data = loads(part, parse_datetime=False)
            out.append((data, start + part.count("\n", 0, at)))
    except Exception:  # any refusal of yaml_rs: PyYAML says what is wrong
        return None
    return out
