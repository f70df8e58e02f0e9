"""Step 2: rendered YAML text -> validated campaign models, with located errors.

Pure. YAML is loaded with the safe loader (no arbitrary tags; the C one when
libyaml is there, for speed) and YAML 1.2 core-schema scalars: ``yes``/``no``/
``on``/``off`` are strings, as the JSON Schema reads them (``_SafeLoader``).
A ``null`` mapping value is refused (no field is nullable; leaving a key out is
how a field stays unmanaged). While loading, the line of every mapping key and
sequence item is recorded, so that a pydantic error or a rule broken at
``adgroups[1].budget`` points at the line of the rendered document where that
value stands. A key written twice in one mapping is an error (YAML would keep
the last silently), and aliases that expand into a huge or recursive document
are refused before anything walks them.

Valid manifests take a fast path (``load_valid_fast``): the Rust YAML parser behind
``yaml_fast``'s gate, and each distinct sub-value (a creative, an ad configuration, a
targeting spec ...) validated once and its models shared by every object that holds an equal
one. Anything else, a text outside the gate or any document with a problem, takes the
reference path (``load_campaigns_reference``), which gives every problem with its line.

Pydantic's errors are turned into the tool's ``Problem``s: a stable rule id
(``unknown-field``, ``required``, ``enum``, ``type``, ``value`` or the rule id a
field validator raised), and a message for people: the nearest field name for a
typo at any nesting level, the nearest enum value, why a create-body field is
not part of the web surface, and a hint to quote values YAML turned into
numbers, booleans or dates.
"""

from __future__ import annotations

import datetime as dt
import difflib
import marshal
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from reconciler.core import yaml_fast
from reconciler.core.resources import (
    _FORBIDDEN_RE,
    FIELD_RULES,
    NOT_FOR_WEB,
    PLAIN_REGEX,
    Ad,
    AdGroup,
    Campaign,
)
from reconciler.errors import Location, Problem

if TYPE_CHECKING:
    from reconciler.core.templates import SourceMap

PathT = tuple[str | int, ...]

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLoader(_BaseLoader):  # type: ignore[misc]
    """The safe loader with YAML 1.2 core-schema scalars and a memo on implicit tag resolution.

    YAML 1.2 (issue 16): only ``true``/``false`` are booleans, so ``yes``, ``no``, ``on``, ``off``
    (any case) are strings, as the JSON Schema and the YAML language server read them; ``1_000``
    and ``1:30`` are strings, ``017`` is decimal, ``0o17`` octal, ``1e3`` a float; there are no
    implicit timestamps (``2027-12-01 00:00:00`` is a string). PyYAML reads YAML 1.1, so the
    implicit resolvers are replaced by the 1.2 core ones, and ints get a 1.2 constructor.

    The memo: manifests repeat the same keys and enum values thousands of times, and resolving
    each one with regexes is a third of the parse time."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}
    _memo: ClassVar[dict[tuple[Any, ...], str]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode:
            return str(super().resolve(kind, value, implicit))
        key = (value, implicit)
        tag = self._memo.get(key)
        if tag is None:
            tag = str(super().resolve(kind, value, implicit))
            if len(self._memo) > 200_000:
                self._memo.clear()
            self._memo[key] = tag
        return tag


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)  # YAML 1.2: a leading zero is still decimal


for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
):
    _SafeLoader.add_implicit_resolver(_tag, re.compile(_regexp), list(_first))
_SafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)

# YAML 1.1 booleans that YAML 1.2 reads as strings: said in the error of a boolean field.
YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})


def safe_load(text: str) -> Any:
    """One YAML document with the manifests' YAML 1.2 semantics (for values files and --set)."""
    loader = _SafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


MAX_NODES = 2_000_000  # after alias expansion; 10,000 objects are about 200,000


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


@dataclass(frozen=True)
class Manifest:
    """One campaign document and where it stands."""

    campaign: Campaign
    file: str
    document: int  # 0-based index of the document in its file
    lines: Mapping[PathT, int] = field(default_factory=dict, compare=False, repr=False)
    source: SourceMap | None = field(default=None, compare=False, repr=False)

    def locate(self, path: PathT) -> Location:
        loc = Location(file=self.file, line=_line_for(self.lines, path), path=format_path(path) or None)
        return self.source.annotate(loc) if self.source is not None else loc


class LazyLines(Mapping[PathT, int]):
    """The line map of one document, built from its text on first use (errors only)."""

    def __init__(self, text: str, file: str, index: int) -> None:
        self._args = (text, file, index)
        self._map: dict[PathT, int] | None = None

    def _get(self) -> dict[PathT, int]:
        if self._map is None:
            text, file, index = self._args
            docs, _ = parse_documents(text, file, lines=True)
            self._map = docs[index][1] if index < len(docs) else {}
        return self._map

    def __getitem__(self, key: PathT) -> int:
        return self._get()[key]

    def __iter__(self) -> Iterator[PathT]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def _line_for(lines: Mapping[PathT, int], path: PathT) -> int | None:
    p = tuple(path)
    while True:
        if p in lines:
            return lines[p]
        if not p:
            return None
        p = p[:-1]


class _TooBig(Exception):
    pass


def _expanded_size(node: yaml.Node, memo: dict[int, int], stack: set[int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    if key in stack:
        raise _TooBig("a YAML alias refers to itself (recursive document)")
    stack.add(key)
    n = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            n += _expanded_size(k, memo, stack) + _expanded_size(v, memo, stack)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            n += _expanded_size(item, memo, stack)
    stack.discard(key)
    if n > MAX_NODES:
        raise _TooBig(f"the document expands to more than {MAX_NODES:,} YAML nodes (aliases?)")
    memo[key] = n
    return n


def _record_lines(
    node: yaml.Node,
    path: PathT,
    lines: dict[PathT, int],
    dups: list[tuple[PathT, int]],
    nulls: list[tuple[PathT, int]],
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = str(key_node.value)
                sub = (*path, key)
                if key in seen:
                    dups.append((sub, key_node.start_mark.line + 1))
                seen.add(key)
                lines[sub] = key_node.start_mark.line + 1
                if value_node.tag == _NULL and isinstance(value_node, yaml.ScalarNode):
                    nulls.append((sub, value_node.start_mark.line + 1))
                _record_lines(value_node, sub, lines, dups, nulls)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, i)
            lines[sub] = item.start_mark.line + 1
            _record_lines(item, sub, lines, dups, nulls)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_NULL = "tag:yaml.org,2002:null"


class _NeedLines(Exception):
    """A document built without its line map needs one after all (a duplicate key)."""


class _Fallback(Exception):
    """A document uses a YAML feature the fast builder leaves to PyYAML (merge keys ``<<``)."""


class _Builder:
    """One pass over a composed document: builds the Python data, records the line of every
    path, finds keys written twice, and counts nodes (aliases expanded) so that a huge or
    recursive document is refused. Plain strings, mappings and sequences are built here;
    every other scalar (int, float, bool, null, timestamp ...) and any other tag goes through
    PyYAML's safe constructor, so the result is what ``yaml.safe_load`` would give."""

    def __init__(self, loader: Any, track: bool = True) -> None:
        self.loader = loader
        self.track = track  # without: no line map (built again, lazily, only if an error needs it)
        self.lines: dict[PathT, int] = {}
        self.dups: list[tuple[PathT, int]] = []
        self.nulls: list[tuple[PathT, int]] = []
        self.count = 0
        self.active: set[int] = set()

    def build(self, node: yaml.Node, path: PathT) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"the document expands to more than {MAX_NODES:,} YAML nodes (aliases?)")
        lines = self.lines
        track = self.track
        if track and path not in lines:
            lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else self.loader.construct_object(node, deep=True)
        key = id(node)
        if key in self.active:
            raise _TooBig("a YAML alias refers to itself (recursive document)")
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            self.active.add(key)
            out: dict[Any, Any] = {}
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    raise _Fallback
                if isinstance(key_node, yaml.ScalarNode):
                    name = str(key_node.value)
                    k = (
                        key_node.value
                        if key_node.tag == _STR
                        else self.loader.construct_object(key_node, deep=True)
                    )
                    if name in seen and not track:
                        raise _NeedLines  # a duplicate key: say where, with the line map
                    sub = (*path, name) if track else path
                    if name in seen:
                        self.dups.append((sub, key_node.start_mark.line + 1))
                    seen.add(name)
                    if track:
                        lines[sub] = key_node.start_mark.line + 1
                else:
                    k = self.loader.construct_object(key_node, deep=True)
                    sub = (*path, str(k)) if track else path
                if value_node.tag == _NULL and isinstance(value_node, yaml.ScalarNode):
                    if not track:
                        raise _NeedLines  # a null: say where, with the line map
                    self.nulls.append((sub, value_node.start_mark.line + 1))
                try:
                    out[k] = self.build(value_node, sub)
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    ) from None
            self.active.discard(key)
            return out
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            self.active.add(key)
            items = []
            for i, item in enumerate(node.value):
                if track:
                    sub = (*path, i)
                    lines[sub] = item.start_mark.line + 1
                    items.append(self.build(item, sub))
                else:
                    items.append(self.build(item, path))
            self.active.discard(key)
            return items
        return self.loader.construct_object(node, deep=True)  # !!set, !!omap, unknown tags (refused)


_Found = list[tuple[PathT, int]]


def _slow_document(loader: Any, node: yaml.Node) -> tuple[Any, dict[PathT, int], _Found, _Found]:
    _expanded_size(node, {}, set())
    lines: dict[PathT, int] = {}
    dups: _Found = []
    nulls: _Found = []
    _record_lines(node, (), lines, dups, nulls)
    return loader.construct_document(node), lines, dups, nulls


def parse_documents(
    text: str, file: str, *, lines: bool = True
) -> tuple[list[tuple[Any, dict[PathT, int], int]], list[Problem]]:
    """YAML text -> [(data, line map, first line)], or the YAML problems.

    With ``lines=False`` the line maps are left empty (a document's map is built only
    when it has an error to place): recording the line of all 200,000 paths of a large
    account costs a fifth of the parse, and valid manifests never need them. Then a text
    that ``yaml_fast`` proves is in the subset where the Rust parser and this one agree is
    parsed there (a third of the time); anything else, and every error, comes from PyYAML."""
    if not lines:
        fast = yaml_fast.load_fast(text, MAX_NODES)
        if fast is not None:
            return [(data, {}, first) for data, first in fast], []
    return parse_documents_pyyaml(text, file, lines=lines)


def parse_documents_pyyaml(
    text: str, file: str, *, lines: bool = True
) -> tuple[list[tuple[Any, dict[PathT, int], int]], list[Problem]]:
    """``parse_documents`` on PyYAML alone: the reference path, and the one that places errors."""
    track = lines
    docs: list[tuple[Any, dict[PathT, int], int]] = []
    problems: list[Problem] = []
    loader = _SafeLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                break
            first = node.start_mark.line + 1
            try:
                builder = _Builder(loader, track)
                try:
                    try:
                        data = builder.build(node, ())
                    except _NeedLines:
                        loader.constructed_objects = {}
                        builder = _Builder(loader, True)
                        data = builder.build(node, ())
                    line_map, dups, nulls = builder.lines, builder.dups, builder.nulls
                finally:
                    loader.constructed_objects = {}
                    loader.recursive_objects = {}
                    loader.state_generators = []
            except _Fallback:
                data, line_map, dups, nulls = _slow_document(loader, node)
            except _TooBig as exc:
                problems.append(Problem(Location(file=file, line=first), "yaml-size", str(exc)))
                continue
            for path, line in dups:
                problems.append(
                    Problem(
                        Location(file=file, line=line, path=format_path(path)),
                        "duplicate-key",
                        f"key {path[-1]!r} appears twice in the same mapping",
                    )
                )
            for path, line in nulls:
                # The JSON Schema makes no optional field nullable: a null is refused here too, so
                # that the tool and the schema agree; leaving the field out is how to leave it alone.
                problems.append(
                    Problem(
                        Location(file=file, line=line, path=format_path(path)),
                        "type",
                        f"{path[-1]!r} is null (empty): give it a value, or leave the key out",
                    )
                )
            docs.append((data, line_map, first))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = mark.line + 1 if mark is not None else None
        msg = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        problems.append(Problem(Location(file=file, line=at), "yaml-syntax", msg))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        # ValueError & co: the constructor on odd scalars (a date like 2026-13-45, a huge exponent).
        problems.append(Problem(Location(file=file), "yaml-syntax", f"{type(exc).__name__}: {exc}"))
    finally:
        loader.dispose()
    return docs, problems


# ---- pydantic errors -> problems -----------------------------------------------------------------

_TYPE_RULES = {
    "extra_forbidden": "unknown-field",
    "missing": "required",
    "literal_error": "enum",
    "enum": "enum",
}
_VALUE_TYPES = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "finite_number",
    "string_too_short",
    "string_too_long",
    "too_short",
    "too_long",
    "string_pattern_mismatch",
    "recursion_loop",
}


def _rule_for(etype: str) -> str:
    if etype in _TYPE_RULES:
        return _TYPE_RULES[etype]
    if etype in _VALUE_TYPES:
        return "value"
    if etype in FIELD_RULES:
        return etype  # a rule id raised by a validator in resources.py
    return "type"


def _model_at(loc: tuple[Any, ...]) -> Any:
    """The model class that holds the field at ``loc`` (None if the path leaves the models)."""
    model: Any = Campaign
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return None
        model = _inner_model(info.annotation)
        if model is None:
            return None
    return model


def _nested_fields(loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(loc)
    return list(getattr(model, "model_fields", {}).keys()) if model is not None else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _quote_hint(value: Any) -> str:
    if isinstance(value, bool):
        return "; YAML read it as a boolean: quote it"
    if isinstance(value, int | float):
        return "; YAML read it as a number: quote it (ids are strings)"
    if isinstance(value, dt.date | dt.datetime):
        return "; YAML read it as a date: quote it"  # only with an explicit !!timestamp tag
    return ""


def _message(err: Any, loc: tuple[Any, ...]) -> str:
    etype = err["type"]
    msg = str(err["msg"])
    value = err.get("input")
    if etype == "extra_forbidden" and loc and isinstance(loc[-1], str):
        name = loc[-1]
        model = _model_at(loc)
        why = NOT_FOR_WEB.get(getattr(model, "__name__", ""), {}).get(name)
        if why is not None:
            return f"{name!r} is not a field of a Smart+ Web Conversions manifest ({why})"
        close = difflib.get_close_matches(name, _nested_fields(loc), n=1, cutoff=0.6)
        return f"unknown field {name!r}" + (f"; did you mean {close[0]!r}?" if close else "")
    if etype == "missing":
        return f"required field {loc[-1]!r} is missing" if loc else "required field missing"
    if etype == "literal_error":
        expected = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        close = difflib.get_close_matches(str(value), expected, n=1, cutoff=0.6) if expected else []
        head = f"{_shown(value)} is not one of TikTok's values"
        if close:
            return f"{head}; did you mean {close[0]!r}?{_quote_hint(value)}"
        if len(expected) <= 8:
            return f"{head} ({', '.join(expected)}){_quote_hint(value)}"
        return f"{head} ({', '.join(expected[:8])}, ...){_quote_hint(value)}"
    if etype in (
        "string_type",
        "model_type",
        "model_attributes_type",
        "list_type",
        "dict_type",
    ) or etype.endswith(("_type", "_parsing")):
        want = {
            "string_type": "a string",
            "list_type": "a list",
            "dict_type": "a mapping",
            "model_type": "a mapping",
            "model_attributes_type": "a mapping",
            "bool_type": "a boolean",
            "bool_parsing": "a boolean",
            "int_type": "an integer",
            "int_parsing": "an integer",
            "float_type": "a number",
            "float_parsing": "a number",
        }.get(etype)
        if want is not None:
            hint = _quote_hint(value) if want == "a string" else ""
            if want == "a boolean" and isinstance(value, str) and value.lower() in YAML11_BOOLS:
                hint = (
                    f"; {value!r} is a YAML 1.1 boolean, which is not a boolean here (manifests are read "
                    "as YAML 1.2, like the JSON Schema): write true or false"
                )
            return f"expected {want}, got {type(value).__name__} {_shown(value)}{hint}"
    if "input" in err:
        return f"{msg} (got {_shown(value)})"
    return msg


def _plain_string_problem(err: Any) -> tuple[str, str] | None:
    """The length and one-line checks that pydantic-core runs on strings (resources.Text ...), as
    the rules ``text-length`` and ``control-character``."""
    etype = err["type"]
    value = err.get("input")
    if etype == "string_too_long":
        most = err.get("ctx", {}).get("max_length")
        n = len(value) if isinstance(value, str) else "more"
        return "text-length", f"at most {most} characters, this one has {n} (got {_shown(value)})"
    if etype == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == PLAIN_REGEX:
        m = _FORBIDDEN_RE.search(value) if isinstance(value, str) else None
        where = f" (U+{ord(m.group()):04X} at position {m.start()})" if m else ""
        return "control-character", (
            f"control characters and line breaks are not allowed here{where} (got {_shown(value)})"
        )
    return None


def validation_problems(exc: ValidationError, lines: Mapping[PathT, int], file: str) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path = format_path(loc)
        line = _line_for(lines, loc)
        plain = _plain_string_problem(err)
        rule, message = plain if plain is not None else (_rule_for(err["type"]), _message(err, loc))
        problems.append(Problem(Location(file=file, line=line, path=path or None), rule, message))
    return problems


def load_campaigns(text: str, file: str) -> tuple[list[Manifest], list[Problem]]:
    """Parse and validate the campaign documents of one rendered file."""
    manifests, _partial, problems = load_campaigns_and_partials(text, file)
    return manifests, problems


@dataclass(frozen=True)
class Partial:
    """A campaign whose fields failed validation, rebuilt without the failing values so that
    the cross-object rules can run on the rest of it (every error at once, not field errors
    first and the rules in a later run). Never planned: a manifest with errors is refused."""

    manifest: Manifest
    removed: tuple[str, ...]  # the paths taken out; problems at or under them are not reported

    def covers(self, problem: Problem) -> bool:
        """A problem the removal itself may have caused: at or under a removed path, or one
        that names a removed field (a rule complaining that it is missing)."""
        path = problem.location.path or ""
        for r in self.removed:
            if path == r or path.startswith((r + ".", r + "[")):
                return True
            leaf = re.split(r"[.\[]", r)[-1] if "." in r or "[" in r else r
            if leaf and leaf in problem.message:
                return True
        return False


REPAIR_ROUNDS = 5


def _without(data: Any, loc: tuple[str | int, ...]) -> bool:
    """Delete the value at ``loc`` (a key of a mapping); False when there is none to delete."""
    cur = data
    for part in loc[:-1]:
        if isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
            continue
        if not (isinstance(cur, dict) and isinstance(part, str) and part in cur):
            return False
        cur = cur[part]
    last = loc[-1] if loc else None
    if isinstance(cur, dict) and isinstance(last, str) and last in cur:
        del cur[last]
        return True
    return False


def repair(data: dict[str, Any], exc: ValidationError) -> tuple[Campaign, tuple[str, ...]] | None:
    """The campaign without the values that failed (a few rounds: a removal may uncover another
    error); None when a required field failed, or the shape is broken beyond a field."""
    import copy

    work = copy.deepcopy(data)
    removed: list[str] = []
    error: ValidationError = exc
    for _round in range(REPAIR_ROUNDS):
        for err in error.errors(include_url=False):
            loc = tuple(err["loc"])
            if err["type"] == "missing" or not _without(work, loc):
                return None
            removed.append(format_path(loc))
        try:
            return Campaign.model_validate(work), tuple(dict.fromkeys(removed))
        except ValidationError as again:
            error = again
        except (RecursionError, ValueError, TypeError):
            return None
    return None


# ---- the fast path of valid manifests ------------------------------------------------------------
#
# A valid account repeats the same creative, ad configuration, landing page and targeting in
# thousands of ads and ad groups. The models are frozen, and validating a value is a function of
# the value alone (no validator looks at its context), so the models built for one value serve
# every equal value: each distinct sub-value of an ad, ad group or campaign is validated once
# (keyed by its exact bytes: ``marshal`` tells 1 from 1.0 from True), and each ad, ad group and
# campaign around them once. 84,000 model instances of a 10,000-ad account become about 12,200
# and a dozen shared ones (issue 15: validation 0.21 s -> 0.08 s, and less memory).


def _sub_fields(model: type[BaseModel], nesting: str) -> tuple[tuple[str, TypeAdapter[Any]], ...]:
    """The fields of ``model`` that hold models (but the nesting key), each with its validator."""
    out = []
    for name, info in model.model_fields.items():
        if name != nesting and info.annotation is not None and _inner_model(info.annotation) is not None:
            out.append((name, TypeAdapter(info.annotation)))
    return tuple(out)


# Distinct values kept per model and kind: an account whose every ad has its own creative starts
# over every 20,000 ads, so the keys (the values' bytes, about 1 KB an ad) stay under ~20 MB.
_SHARED_MAX = 20_000


class _Shared:
    """The model-holding fields of one model, and the validated values seen for them: by the
    exact bytes of all of an object's values together (``combos``: a few dozen combinations in
    10,000 ads), and of each value alone (``values``)."""

    __slots__ = ("adapters", "combos", "names", "reused", "validated", "values")

    def __init__(self, model: type[BaseModel], nesting: str) -> None:
        fields = _sub_fields(model, nesting)
        self.names = tuple(n for n, _ in fields)
        self.adapters = tuple(a for _, a in fields)
        self.combos: dict[bytes, dict[str, Any]] = {}
        self.values: dict[tuple[str, bytes], Any] = {}
        # Whether sharing pays in this load: values taken from the shared ones, values validated.
        self.reused = self.validated = 0


_SHARED: dict[type[BaseModel], _Shared] = {}


def forget_shared() -> None:
    """Drop the shared values (``adapters.files.parse`` does at the end of each load: the
    manifests keep what they use, and a process that loads again starts afresh)."""
    _SHARED.clear()


def _shared_of(model: type[BaseModel]) -> _Shared:
    found = _SHARED.get(model)
    if found is None:
        found = _SHARED[model] = _Shared(model, {Campaign: "adgroups", AdGroup: "ads"}.get(model, ""))
    return found


class _NotFast(Exception):
    """The document leaves the fast path: ``load_campaigns_and_partials`` reads the file the
    reference way, which gives every problem with its line."""


def _no_null(value: Any, depth: int = 0) -> None:
    """Refuses a null mapping value anywhere in ``value`` (the PyYAML path reports it; the
    models would take it for a field left out) and a value deeper than ``yaml_fast.MAX_DEPTH``."""
    if depth > yaml_fast.MAX_DEPTH:
        raise _NotFast
    if type(value) is dict:
        if None in value.values():
            raise _NotFast
        for v in value.values():
            if type(v) is dict or type(v) is list:
                _no_null(v, depth + 1)
    elif type(value) is list:
        for v in value:
            if type(v) is dict or type(v) is list:
                _no_null(v, depth + 1)


def _shared(spec: _Shared, data: Any) -> dict[str, Any]:
    """``data`` (one object's mapping) with its model-holding fields replaced by their shared,
    validated values; raises ``_NotFast`` where the data is not a clean mapping. A value seen
    for the first time stays as it is (checked for nulls), validated with its object."""
    if type(data) is not dict or None in data.values():
        raise _NotFast
    values = tuple(map(data.get, spec.names))
    try:
        key = marshal.dumps(values, 2)
    except ValueError:  # a value marshal cannot write (none that YAML gives): the slow path
        raise _NotFast from None
    replace = spec.combos.get(key)
    if replace is not None:
        spec.reused += len(replace)
    else:
        replace = {}
        complete = True
        for name, adapter, value in zip(spec.names, spec.adapters, values, strict=True):
            if value is not None:
                found = _shared_value(spec, name, adapter, value)
                if found is _FIRST:
                    complete = False
                else:
                    replace[name] = found
        if complete:  # (a combination with a value seen once is looked up value by value again)
            if len(spec.combos) >= _SHARED_MAX:
                spec.combos.clear()
            spec.combos[key] = replace
    return {**data, **replace} if replace else data


# A value seen once so far: left in its object (a value no other object holds costs less
# validated with its object than on its own), validated and shared from its second sighting on.
_FIRST: Any = object()


def _shared_value(spec: _Shared, name: str, adapter: TypeAdapter[Any], value: Any) -> Any:
    key = (name, marshal.dumps(value, 2))
    found = spec.values.get(key)
    if found is not None and found is not _FIRST:
        spec.reused += 1
        return found
    spec.validated += 1
    if found is None:
        _no_null(value)  # (the models would take a null for a field left out)
        found = _FIRST
    else:
        try:
            found = adapter.validate_python(value)
        except (ValidationError, RecursionError, ValueError, TypeError):
            raise _NotFast from None
    if len(spec.values) >= _SHARED_MAX:
        spec.values.clear()
    spec.values[key] = found
    return found


def _valid_campaign(data: Any) -> Campaign:
    """The campaign of one document, sharing equal sub-values; ``_NotFast`` unless it is valid
    and holds no null mapping value (then nothing about it differs from the reference path)."""
    work = _shared(_shared_of(Campaign), data)
    group_spec, ad_spec = _shared_of(AdGroup), _shared_of(Ad)
    groups = data.get("adgroups")
    if groups is not None:
        if type(groups) is not list:
            raise _NotFast
        built = []
        for g in groups:
            gw = _shared(group_spec, g)
            ads = g.get("ads")
            if ads is not None:
                if type(ads) is not list:
                    raise _NotFast
                if gw is g:
                    gw = dict(g)
                gw["ads"] = [_shared(ad_spec, ad) for ad in ads]
            built.append(gw)
        if work is data:
            work = dict(data)
        work["adgroups"] = built
    try:
        return Campaign.model_validate(work)
    except (ValidationError, RecursionError, ValueError, TypeError):
        raise _NotFast from None


# Sharing costs a key per object (the bytes of its values) and a validation per distinct value:
# in an account whose every ad has its own creative, texts and landing page it costs more than
# it saves (parse 0.72 s against 0.62 s at 1x). Once the ads' values seen pass this many, if
# fewer than half of them were shared, the rest of the load validates each campaign whole.
SHARING_TRIAL = 1_000


def _sharing_pays() -> bool:
    spec = _SHARED.get(Ad)
    if spec is None or spec.reused + spec.validated < SHARING_TRIAL:
        return True
    return spec.reused >= spec.validated


def _valid_whole(data: dict[str, Any], memo: dict[str, str]) -> Campaign:
    """The campaign of one document validated whole, after ``yaml_fast``'s walk of it (keys,
    nulls, depth; equal strings made one object): what ``load_fast`` and the reference path do."""
    if not yaml_fast.walked(data, memo):
        raise _NotFast
    try:
        return Campaign.model_validate(data)
    except (ValidationError, RecursionError, ValueError, TypeError):
        raise _NotFast from None


def load_valid_fast(text: str, file: str) -> list[Manifest] | None:
    """The campaigns of a text that parses on ``yaml_fast``'s path and whose every document is
    a valid campaign; None otherwise (the caller takes the reference path, which says why).

    ``yaml_fast.load_unwalked`` leaves three checks to its caller, all done here: a non-string
    key is refused by the models (``invalid_key``), a null mapping value by ``_shared`` /
    ``_no_null``, and a valid campaign is a few levels deep."""
    docs = yaml_fast.load_unwalked(text, MAX_NODES)
    if docs is None:
        return None
    out: list[Manifest] = []
    memo: dict[str, str] = {}
    try:
        for index, (data, _first) in enumerate(docs):
            if data is None:
                continue  # an empty document (a template's trailing '---')
            if type(data) is not dict:
                return None
            campaign = _valid_campaign(data) if _sharing_pays() else _valid_whole(data, memo)
            out.append(
                Manifest(campaign=campaign, file=file, document=index, lines=LazyLines(text, file, index))
            )
    except _NotFast:
        return None
    return out


def load_campaigns_and_partials(text: str, file: str) -> tuple[list[Manifest], list[Partial], list[Problem]]:
    """Parse and validate the campaign documents of one rendered file; campaigns that failed
    on fields come back as partials too, for the cross-object rules."""
    fast = load_valid_fast(text, file)
    if fast is not None:
        return fast, [], []
    return load_campaigns_reference(text, file)


def load_campaigns_reference(text: str, file: str) -> tuple[list[Manifest], list[Partial], list[Problem]]:
    """``load_campaigns_and_partials`` without ``load_valid_fast``: the path of every text with
    a problem, which places each one."""
    docs, problems = parse_documents(text, file, lines=False)
    partials: list[Partial] = []
    manifests: list[Manifest] = []
    for index, (data, built_lines, first_line) in enumerate(docs):
        lines: Mapping[PathT, int] = built_lines or LazyLines(text, file, index)
        if data is None:
            continue  # an empty document (a template's trailing '---'), or one refused above
        if not isinstance(data, dict):
            problems.append(
                Problem(
                    Location(file=file, line=first_line),
                    "document-shape",
                    f"a manifest document is a mapping (one campaign), got {type(data).__name__}",
                )
            )
            continue
        try:
            campaign = Campaign.model_validate(data)
        except ValidationError as exc:
            problems.extend(validation_problems(exc, lines, file))
            fixed = repair(data, exc)
            if fixed is not None:
                partials.append(
                    Partial(Manifest(campaign=fixed[0], file=file, document=index, lines=lines), fixed[1])
                )
            continue
        except (RecursionError, ValueError, TypeError) as exc:
            problems.append(
                Problem(
                    Location(file=file, line=first_line), "document-shape", f"{type(exc).__name__}: {exc}"
                )
            )
            continue
        manifests.append(Manifest(campaign=campaign, file=file, document=index, lines=lines))
    return manifests, partials, problems
