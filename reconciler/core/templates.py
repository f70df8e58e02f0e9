"""Step 1: template text + values -> YAML text, and rendered lines -> template lines.

Pure: the caller (``adapters.files``) reads every file under the manifest
directories and hands their text in; Jinja2's loader is a dict of those files,
so ``{% include %}`` and ``{% import %}`` can only reach files inside the
manifest directories (a ``../`` that leaves them finds nothing). Names that
start with ``./`` or ``../`` resolve against the including template's folder;
other names are tried beside the including template first, then from the
manifest root. The environment is sandboxed (no attribute access to Python
internals) and undefined variables are errors that name the template file,
line and variable.

Source map. An error found in a rendered file names the rendered line; where
it came from a template it also names the template file and line. The map is
built only when an error needs it (never on the happy path): the template is
rendered a second time from an instrumented copy of its syntax tree, in which
every piece of literal text carries an invisible marker of its template line
after each newline, and every ``{{ expression }}`` is preceded by a marker of
its own line. A rendered line then maps to the last marker before its first
visible character; lines with no marker (the second line of a multi-line
value) keep the line of the expression that printed them. Included templates
and macros are instrumented too, so their lines point into their own files.
The map is used only if the instrumented output, markers removed, equals the
real output byte for byte; otherwise (a template that inspects its own
captured text, say) no template line is given rather than a wrong one.

Bounds. A template is code from a pull request, so rendering is bounded inside
the sandbox, with no watchdog thread: the operators that can build huge values
(``*``, ``**``, ``%``, ``+``) are intercepted and refuse a result over the
limits *before* computing it; every filter, method call and ``str.format`` is
checked the same way (arguments that set a size, such as ``center(width)``,
before the call; the result after); every ``{% for %}`` iterable (and a
recursive ``loop(...)``) is wrapped so that iterations are counted; every
``{{ ... }}`` and ``~`` is checked and the text a render produces is counted,
literal text included (an expression whose value the intercepted operator
already counted, ``'%04d' % n`` or ``n + 1``, is not counted a second time).
The checks also look at the clock (the value checks on every 16th value), so a
render that runs past ``max_seconds`` stops within a few bounded operations. The clock is the caller's (``Limits.clock``; core reads
none): ``adapters.files`` passes ``time.monotonic``. Going over a limit is a ``template-limit`` problem
naming the template file and line (see ``Limits``).
"""

from __future__ import annotations

import functools
import math
import posixpath
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.sandbox
import yaml
from jinja2 import nodes

from reconciler.errors import Location, ManifestError, Problem

_MARK_OPEN = "\ue000"
_MARK_CLOSE = "\ue001"
_MARK_RE = re.compile(f"{_MARK_OPEN}([0-9]+){_MARK_CLOSE}")


class SourceMap:
    """Rendered line -> (template file, template line), computed on first use."""

    def __init__(self, compute: Callable[[], list[tuple[str, int] | None] | None]) -> None:
        self._compute = compute
        self._lines: list[tuple[str, int] | None] | None = None
        self._done = False

    def lookup(self, line: int) -> tuple[str, int] | None:
        if not self._done:
            try:
                self._lines = self._compute()
            except Exception:  # the map is a convenience: never let it hide the real error
                self._lines = None
            self._done = True
        if self._lines is None or not 1 <= line <= len(self._lines):
            return None
        return self._lines[line - 1]

    def annotate(self, location: Location) -> Location:
        """The location with ``template``/``template_line`` filled in, when known."""
        if location.line is None or location.template is not None:
            return location
        found = self.lookup(location.line)
        if found is None:
            return location
        return replace(location, template=found[0], template_line=found[1])


@dataclass(frozen=True)
class Rendered:
    """One rendered manifest file: its YAML text and where it came from."""

    file: str  # the manifest (or template) file, as the user named it
    text: str
    template: bool
    source_map: SourceMap | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Limits:
    """What one render may do. Generous for real manifests (``bench/scale.yaml.j2`` at
    1000x10x5, 50,000 ads, renders about 30 MB in about 300,000 iterations), small
    enough that a hostile template stops in seconds with bounded memory."""

    max_value_chars: int = 10_000_000  # one string, or the items of one list, built while rendering
    max_output_chars: int = 100_000_000  # all the text one render produces (literal text included)
    max_iterations: int = 2_000_000  # loop iterations, over all loops of one render
    max_int_bits: int = 16_384  # about 4,900 digits; Python refuses to print more than 4,300
    max_seconds: float = 60.0
    # The clock for max_seconds (seconds, monotonic), given by the caller; None: no time limit.
    clock: Callable[[], float] | None = field(default=None, compare=False)


DEFAULT_LIMITS = Limits()


def _no_clock() -> float:
    return 0.0


class RenderLimitError(jinja2.TemplateError):
    """A render went over one of its ``Limits``."""


class _Budget:
    """The running count of one render against its limits."""

    __slots__ = ("chars", "clock", "deadline", "iterations", "limits", "values")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.iterations = 0
        self.values = 0
        self.chars = 0
        self.clock = limits.clock or _no_clock
        self.deadline = self.clock() + limits.max_seconds

    def tick(self) -> None:
        if self.clock() > self.deadline:
            raise RenderLimitError(f"rendering took longer than {self.limits.max_seconds:g} s")

    def iterate(self, n: int = 1) -> None:
        self.iterations += n
        if self.iterations > self.limits.max_iterations:
            raise RenderLimitError(f"more than {self.limits.max_iterations:,} loop iterations in one render")
        self.values += 1  # the clock on every 16th step, as in value()
        if not self.values & 15:
            self.tick()

    def charge(self, n: int) -> None:
        self.chars += n
        if self.chars > self.limits.max_output_chars:
            raise RenderLimitError(
                f"the template produces more than {self.limits.max_output_chars:,} characters of text"
            )

    def want_chars(self, n: int, what: str = "a string") -> None:
        """Refuse, before building it, a string of ``n`` characters."""
        if n > self.limits.max_value_chars:
            raise RenderLimitError(
                f"{what} of {n:,} characters, over the limit of {self.limits.max_value_chars:,}"
            )

    def want_items(self, n: int) -> None:
        if n > self.limits.max_value_chars:
            raise RenderLimitError(
                f"a list of {n:,} items, over the limit of {self.limits.max_value_chars:,}"
            )

    def want_bits(self, bits: float) -> None:
        if bits > self.limits.max_int_bits:
            raise RenderLimitError(
                f"a number of about {int(bits * 0.30103):,} digits, over the limit of "
                f"{int(self.limits.max_int_bits * 0.30103):,}"
            )

    def value(self, v: Any) -> Any:
        """Check a value built while rendering (after the fact: the operations that could
        build a huge one are refused before they run); strings are counted as produced.
        The clock is read on every 16th value (each one is bounded in size, and loops and
        calls read it each time): reading it on each of a large render's 150,000 values
        was a tenth of the render (issue 15)."""
        self.values += 1
        if not self.values & 15 and self.clock() > self.deadline:
            self.tick()
        if type(v) is str:
            n = len(v)
            if n > self.limits.max_value_chars:
                self.want_chars(n)
            self.chars += n
            if self.chars > self.limits.max_output_chars:
                self.charge(0)
        elif type(v) is int:
            if v.bit_length() > self.limits.max_int_bits:
                self.want_bits(v.bit_length())
        elif type(v) is float:
            pass
        elif isinstance(v, str):
            self.want_chars(len(v))
            self.charge(len(v))
        elif isinstance(v, (list, tuple, dict, set, frozenset)):
            self.want_items(len(v))
        elif isinstance(v, int) and not isinstance(v, bool):
            self.want_bits(v.bit_length())
        return v


def _str_chars(seq: Any) -> int:
    """The characters of the strings directly in a list (what joining or printing it costs)."""
    return sum(len(x) for x in seq if isinstance(x, str)) if isinstance(seq, (list, tuple)) else 0


_CONTAINERS = (list, tuple, dict, set, frozenset)


def _printed_chars(value: Any, cap: int) -> int:
    """About how many characters ``str(value)`` of a container is, counted without building
    it: nested lists repeat the same big string by reference (``[[s] * 10] * 10`` is 100
    copies once printed). The walk stops as soon as the count passes ``cap``."""
    total = 0
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            total += len(v) + 2
        elif isinstance(v, dict):
            total += 2 + 4 * len(v)
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, _CONTAINERS):
            total += 2 + 2 * len(v)
            stack.extend(v)
        elif isinstance(v, int):
            total += v.bit_length() // 3 + 1
        else:
            total += 8
        if total > cap:
            break
    return total


def _check_printed(budget: _Budget, value: Any) -> None:
    if isinstance(value, _CONTAINERS):
        cap = budget.limits.max_value_chars
        budget.want_chars(_printed_chars(value, cap), "a list or mapping, printed,")


# Filters that do not turn their value into text: no need to size a container given to them
# (sizing it on each call would cost a walk of the whole list, in loops).
_NON_TEXT_FILTERS = frozenset(
    [
        "abs",
        "attr",
        "batch",
        "count",
        "d",
        "default",
        "dictsort",
        "first",
        "float",
        "groupby",
        "int",
        "items",
        "last",
        "length",
        "list",
        "map",
        "max",
        "min",
        "random",
        "reject",
        "rejectattr",
        "reverse",
        "round",
        "select",
        "selectattr",
        "slice",
        "sort",
        "sum",
        "unique",
    ]
)


# printf-style conversions: %[(key)][flags][width][.precision]type; a width or precision
# is where a tiny template asks for a huge string ('%999999999d').
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")
# str.format fields: a width or precision in a format spec, or a nested {} one.
_FORMAT_SPEC = re.compile(r"\{[^{}]*:([^{}]*)")


def _numbers_in(args: Any) -> list[int]:
    if isinstance(args, Mapping):
        args = list(args.values())
    elif not isinstance(args, (list, tuple)):
        args = [args]
    return [a for a in args if isinstance(a, int) and not isinstance(a, bool)]


@functools.lru_cache(maxsize=1024)
def _printf_fields(fmt: str) -> tuple[int, bool]:
    """(the largest width or precision written in a printf format, whether one is ``*``)."""
    widest, star = 0, False
    for m in _PRINTF.finditer(fmt):
        for g in m.groups():
            if g == "*":
                star = True
            elif g:
                widest = max(widest, int(g))
    return widest, star


def _check_printf(budget: _Budget, fmt: str, args: Any) -> None:
    if "%" not in fmt:
        return
    widest, star = _printf_fields(fmt) if len(fmt) <= 256 else _printf_fields.__wrapped__(fmt)
    if widest:
        budget.want_chars(widest, "a formatted field")
    if star:
        for n in _numbers_in(args):
            budget.want_chars(abs(n), "a formatted field")


def _check_format(budget: _Budget, fmt: str, args: Any, kwargs: Any) -> None:
    nested = False
    for m in _FORMAT_SPEC.finditer(fmt):
        spec = m.group(1)
        for digits in re.findall(r"\d+", spec):
            budget.want_chars(int(digits), "a formatted field")
        nested = nested or "{" in fmt[m.end() : m.end() + 1] or spec.endswith("{")
    if nested or "{:{" in fmt or ":{" in fmt:
        for n in [*_numbers_in(args), *_numbers_in(kwargs)]:
            budget.want_chars(abs(n), "a formatted field")


def _int_bits(n: int) -> int:
    return max(abs(n).bit_length(), 1)


def _check_binop(budget: _Budget, op: str, a: Any, b: Any) -> None:
    """Refuse, before computing it, an operation whose result would be over the limits."""
    num = (int, float)
    if op == "**":
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
            budget.want_bits(b * math.log2(abs(a)))
    elif op == "*":
        if isinstance(a, int) and isinstance(b, int):
            budget.want_bits(_int_bits(a) + _int_bits(b))
        elif isinstance(b, int) and isinstance(a, (str, list, tuple)):
            _check_repeat(budget, a, b)
        elif isinstance(a, int) and isinstance(b, (str, list, tuple)):
            _check_repeat(budget, b, a)
    elif op == "+":
        if isinstance(a, str) and isinstance(b, str):
            budget.want_chars(len(a) + len(b))
        elif isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            budget.want_items(len(a) + len(b))
    elif op == "%" and isinstance(a, str) and not isinstance(b, num):
        _check_printf(budget, a, b)
    elif op == "%" and isinstance(a, str):
        _check_printf(budget, a, (b,))


def _check_repeat(budget: _Budget, seq: str | list[Any] | tuple[Any, ...], n: int) -> None:
    if n <= 0:
        return
    if isinstance(seq, str):
        budget.want_chars(len(seq) * n)
    else:
        budget.want_items(len(seq) * n)
        budget.want_chars(_str_chars(seq) * n, "a list with strings")


def _check_str_method(budget: _Budget, s: str, name: str, args: tuple[Any, ...], kwargs: Any) -> None:
    if name in ("center", "ljust", "rjust", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        if isinstance(width, int):
            budget.want_chars(width)
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            budget.want_chars(len(s) + s.count("\t") * max(size, 0))
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        _check_replace(budget, s, args[0], args[1])
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple)):
            budget.want_chars(_str_chars(items) + len(s) * max(len(items) - 1, 0))
            _check_printed(budget, items)


def _check_replace(budget: _Budget, s: str, old: str, new: str) -> None:
    hits = s.count(old) if old else len(s) + 1
    budget.want_chars(len(s) + hits * max(len(new) - len(old), 0))


def _precheck_filter(budget: _Budget, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Filter arguments that set the size of the result (``args[0]`` is the value)."""
    value = args[0] if args else None
    rest = args[1:]

    def arg(i: int, key: str, default: Any) -> Any:
        return rest[i] if len(rest) > i else kwargs.get(key, default)

    if name == "center":
        width = arg(0, "width", 80)
        if isinstance(width, int):
            budget.want_chars(width)
    elif name == "indent":
        width = arg(0, "width", 4)
        per_line = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
        text = str(value) if isinstance(value, str) else ""
        budget.want_chars(len(text) + (text.count("\n") + 1) * max(per_line, 0))
    elif name == "replace":
        old, new = arg(0, "old", ""), arg(1, "new", "")
        if isinstance(value, str) and isinstance(old, str) and isinstance(new, str):
            _check_replace(budget, value, old, new)
    elif name in ("batch", "slice"):
        n = arg(0, "linecount" if name == "batch" else "slices", 1)
        if isinstance(n, int):
            budget.want_items(n)
    elif name == "format" and isinstance(value, str):
        _check_printf(budget, value, rest or dict(kwargs))
    elif name == "join" and isinstance(value, (list, tuple)):
        sep = arg(0, "d", "")
        budget.want_chars(
            _str_chars(value) + (len(sep) if isinstance(sep, str) else 0) * max(len(value) - 1, 0)
        )


def _bounded_filter(env: _Environment, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    skip = 1 if getattr(fn, "jinja_pass_arg", None) is not None else 0
    check_value = name not in _NON_TEXT_FILTERS

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        budget = env.budget
        budget.tick()
        _precheck_filter(budget, name, args[skip:], kwargs)
        if check_value and len(args) > skip:
            _check_printed(budget, args[skip])
        out = fn(*args, **kwargs)
        return budget.value(out)

    return wrapper


class _Loader(jinja2.BaseLoader):
    """A dict of files. The file name doubles as Jinja's ``filename`` so that compiled
    templates and tracebacks carry it."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = files  # may read lazily (adapters.files.Sources): never copied

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.files:
            raise jinja2.TemplateNotFound(template)
        return self.files[template], template, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.files)


class _Environment(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The sandbox, with the bounds of the module docstring."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.limits = DEFAULT_LIMITS
        self.budget = _Budget(self.limits)
        # lipsum(n) writes n paragraphs: nothing a manifest needs, and a size it cannot bound.
        self.globals.pop("lipsum", None)
        self.filters = {name: _bounded_filter(self, name, fn) for name, fn in self.filters.items()}
        self.filters[_ITER] = _bounded_iter
        self.filters[_VALUE] = _bounded_value
        self.filters[_CHARGE] = _charge

    def start(self, limits: Limits | None = None) -> None:
        """A new render: a fresh budget."""
        if limits is not None:
            self.limits = limits
        self.budget = _Budget(self.limits)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        budget = self.budget
        tl, tr = type(left), type(right)
        if tl is int and tr is int and (operator == "%" or operator == "+"):
            # (a - 1) % 9 + 1: no bigger than its operands by more than a bit, so only the
            # result's size is checked, as budget.value would (issue 15: a third of a render
            # of the scale manifests went to these checks).
            out = self.binop_table[operator](left, right)
            if out.bit_length() > budget.limits.max_int_bits:
                budget.want_bits(out.bit_length())
            return out
        if operator == "%" and tl is str:  # the common '%04d' % n: cheap, cached check
            if tr is int or tr is float or tr is str:
                widest, star = _printf_fields(left) if len(left) <= 256 else _printf_fields.__wrapped__(left)
                if star or widest > budget.limits.max_value_chars:
                    _check_printf(budget, left, (right,))
                out = left % right
                # budget.value(out) for a string, inline: this runs for every '%04d' % n.
                n = len(out)
                limits = budget.limits
                if n > limits.max_value_chars:
                    budget.want_chars(n)
                budget.chars += n
                if budget.chars > limits.max_output_chars:
                    budget.charge(0)
                budget.values += 1
                if not budget.values & 15 and budget.clock() > budget.deadline:
                    budget.tick()
                return out
            else:
                _check_printf(budget, left, right if isinstance(right, (tuple, Mapping)) else (right,))
                _check_printed(budget, right)
        else:
            _check_binop(budget, operator, left, right)
        return budget.value(self.binop_table[operator](left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = __self.budget
        budget.tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_str_method(budget, owner, getattr(__obj, "__name__", ""), args, kwargs)
        out = super().call(__context, __obj, *args, **kwargs)
        if isinstance(__obj, jinja2.runtime.Macro) and type(out) is str:
            # A macro's text was counted piece by piece as its body printed it: size it only.
            budget.want_chars(len(out))
            return out
        return budget.value(out)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt: str = value.__self__
        budget_of = self

        def checked(*args: Any, **kwargs: Any) -> str:
            _check_format(budget_of.budget, fmt, args, kwargs)
            _check_printed(budget_of.budget, [args, kwargs])
            return wrapped(*args, **kwargs)

        return functools.update_wrapper(checked, value)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _bound_tree(super()._parse(source, name, filename))

    def join_path(self, template: str, parent: str) -> str:
        here = posixpath.dirname(parent)
        if template.startswith(("./", "../")):
            return posixpath.normpath(posixpath.join(here, template))
        beside = posixpath.join(here, template) if here else template
        loader = self.loader
        if isinstance(loader, _Loader) and beside in loader.files:
            return beside
        return template


_ITER, _VALUE, _CHARGE = "_smartplus_iter", "_smartplus_value", "_smartplus_charge"


@jinja2.pass_context
def _bounded_iter(context: jinja2.runtime.Context, iterable: Any) -> Any:
    budget = context.environment.budget  # type: ignore[attr-defined]
    if isinstance(iterable, jinja2.Undefined):
        return iterable  # iterating it raises the usual "undefined" error
    if isinstance(iterable, (list, tuple, range, dict, str)) and len(iterable) == 0:
        return iterable

    def counted() -> Any:
        for item in iterable:
            budget.iterate()
            yield item

    if isinstance(iterable, (list, tuple, range, str)):
        # keep len() for loop.length/revindex without walking the items first
        return _Counted(iterable, budget)
    return counted()


class _Counted:
    """A sized iterable whose iteration is counted against the render's budget."""

    __slots__ = ("_budget", "_seq")

    def __init__(self, seq: Any, budget: _Budget) -> None:
        self._seq = seq
        self._budget = budget

    def __len__(self) -> int:
        return len(self._seq)

    def __iter__(self) -> Any:
        iterate = self._budget.iterate
        for item in self._seq:
            iterate()
            yield item


@jinja2.pass_context
def _bounded_value(context: jinja2.runtime.Context, value: Any) -> Any:
    budget: _Budget = context.environment.budget  # type: ignore[attr-defined]
    t = type(value)
    if t is str or t is int:
        # budget.value(value), inline for the two types nearly every printed value has (issue 15:
        # these checks were most of the time of a large render).
        limits = budget.limits
        if t is str:
            n = len(value)
            if n > limits.max_value_chars:
                budget.want_chars(n)
            budget.chars += n
            if budget.chars > limits.max_output_chars:
                budget.charge(0)
        elif value.bit_length() > limits.max_int_bits:
            budget.want_bits(value.bit_length())
        budget.values += 1
        if not budget.values & 15 and budget.clock() > budget.deadline:
            budget.tick()
        return value
    _check_printed(budget, value)  # printed or concatenated: str() of it is built next
    return budget.value(value)


@jinja2.pass_context
def _charge(context: jinja2.runtime.Context, value: Any, n: int) -> Any:
    budget: _Budget = context.environment.budget  # type: ignore[attr-defined]
    budget.charge(n)
    budget.values += 1  # the clock on every 16th step, as in value()
    if not budget.values & 15:
        budget.tick()
    return value


def _wrap(node: nodes.Expr, name: str, *args: nodes.Expr) -> nodes.Filter:
    return nodes.Filter(node, name, list(args), [], None, None, lineno=node.lineno)


def _checked_by_binop(node: nodes.Node) -> bool:
    """An expression whose value ``call_binop`` checks and counts as ``_bounded_value`` would: a
    printf format written in the template applied to anything (the result is a string), or a
    number written in the template added to anything (the result is a number, or a TypeError).
    Printing it needs no second check (issue 15: a large render printed 50,000 of them). Jinja
    folds no intercepted operator at compile time in the sandbox, so these reach call_binop."""
    if isinstance(node, nodes.Mod):
        return isinstance(node.left, nodes.Const) and type(node.left.value) is str
    if isinstance(node, nodes.Add):
        return any(
            isinstance(side, nodes.Const) and type(side.value) in (int, float)
            for side in (node.left, node.right)
        )
    return False


def _bound_tree(tree: nodes.Template) -> nodes.Template:
    """Wrap the places of a parsed template where work or text can grow (see the module docstring)."""
    for loop in tree.find_all(nodes.For):
        loop.iter = _wrap(loop.iter, _ITER)  # type: ignore[arg-type]  # For.iter is an Expr
        if loop.recursive:
            for call in loop.find_all(nodes.Call):
                if isinstance(call.node, nodes.Name) and call.node.name == "loop" and call.args:
                    call.args[0] = _wrap(call.args[0], _ITER)
    for concat in list(tree.find_all(nodes.Concat)):
        concat.nodes = [_wrap(n, _VALUE) for n in concat.nodes]
    for output in tree.find_all(nodes.Output):
        literal = 0
        children: list[nodes.Expr] = []
        for child in output.nodes:
            if isinstance(child, nodes.TemplateData):
                literal += len(child.data)
                children.append(child)
            elif _checked_by_binop(child):
                children.append(child)
            else:
                children.append(_wrap(child, _VALUE))
        if literal:
            empty = nodes.Const("", lineno=output.lineno)
            children.insert(0, _wrap(empty, _CHARGE, nodes.Const(literal, lineno=output.lineno)))
        output.nodes = children
    return tree


class _MarkingEnvironment(_Environment):
    """Renders with template-line markers (see the module docstring)."""

    def __init__(self, files: Mapping[str, str]) -> None:
        super().__init__(**_options(files))
        self.marks: list[tuple[str, int]] = []
        self._index: dict[tuple[str, int], int] = {}

    def mark(self, name: str, line: int) -> str:
        key = (name, line)
        i = self._index.get(key)
        if i is None:
            i = self._index[key] = len(self.marks)
            self.marks.append(key)
        return f"{_MARK_OPEN}{i}{_MARK_CLOSE}"

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        tname = name or filename or "<template>"
        for data in tree.find_all(nodes.TemplateData):
            parts = data.data.split("\n")
            out = [self.mark(tname, data.lineno) + parts[0]]
            out.extend(self.mark(tname, data.lineno + k) + p for k, p in enumerate(parts[1:], start=1))
            data.data = "\n".join(out)
        for output in tree.find_all(nodes.Output):
            children: list[nodes.Expr] = []
            for child in output.nodes:
                if isinstance(child, nodes.Filter) and child.name == _CHARGE:
                    pass  # prints nothing: no marker
                elif not isinstance(child, nodes.TemplateData):
                    children.append(nodes.TemplateData(self.mark(tname, child.lineno), lineno=child.lineno))
                children.append(child)
            output.nodes = children
        return tree


def _options(files: Mapping[str, str]) -> dict[str, Any]:
    return {
        "loader": _Loader(files),
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "autoescape": False,
    }


def make_environment(files: Mapping[str, str]) -> jinja2.Environment:
    env = _Environment(**_options(files))
    _add_filters(env)
    return env


def _add_filters(env: jinja2.Environment) -> None:
    for name, fn in (("to_yaml", _to_yaml), ("quote", _quote)):
        env.filters[name] = _bounded_filter(env, name, fn) if isinstance(env, _Environment) else fn


def _to_yaml(value: Any) -> str:
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined: raises UndefinedError naming the variable
    try:
        return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**6).strip()
    except yaml.YAMLError as exc:
        raise ValueError(f"to_yaml cannot write a {type(value).__name__}") from exc


def _quote(value: Any) -> str:
    s = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def render_template(
    env: jinja2.Environment,
    name: str,
    values: Mapping[str, Any],
    display: Callable[[str], str] = lambda n: n,
    limits: Limits | None = None,
) -> str:
    """Render one template within ``limits``; errors carry the template file (as ``display``
    names it) and line."""
    if isinstance(env, _Environment):
        env.start(limits)
    try:
        return env.get_template(name).render(**values)
    except RenderLimitError as exc:
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [Problem(Location(file=display(tfile or name), line=tline), "template-limit", str(exc))]
        ) from exc
    except MemoryError as exc:
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [
                Problem(
                    Location(file=display(tfile or name), line=tline),
                    "template-limit",
                    "out of memory while rendering",
                )
            ]
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        file = exc.filename or exc.name or name
        raise ManifestError(
            [
                Problem(
                    Location(file=display(file), line=exc.lineno), "template-syntax", exc.message or str(exc)
                )
            ]
        ) from exc
    except jinja2.UndefinedError as exc:
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [
                Problem(
                    Location(file=display(tfile or name), line=tline), "template-undefined", str(exc.message)
                )
            ]
        ) from exc
    except jinja2.TemplateNotFound as exc:
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [
                Problem(
                    Location(file=display(tfile or name), line=tline),
                    "template-include",
                    f"template {exc.name!r} not found inside the manifest directories",
                )
            ]
        ) from exc
    except jinja2.exceptions.SecurityError as exc:
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [Problem(Location(file=display(tfile or name), line=tline), "template-sandbox", str(exc))]
        ) from exc
    except jinja2.TemplateError as exc:  # e.g. TemplateRuntimeError from {{ raise }}-like constructs
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [Problem(Location(file=display(tfile or name), line=tline), "template-error", str(exc))]
        ) from exc
    except RecursionError as exc:
        raise ManifestError(
            [
                Problem(
                    Location(file=display(name)),
                    "template-error",
                    "recursion too deep (a macro or template that calls or includes itself, or nesting too deep)",
                )
            ]
        ) from exc
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        # Errors raised by filters or operators on the user's values ({{ 1 / 0 }}, {{ x | int }} ...).
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [
                Problem(
                    Location(file=display(tfile or name), line=tline),
                    "template-error",
                    f"{type(exc).__name__}: {exc}",
                )
            ]
        ) from exc


def source_map(
    files: Mapping[str, str],
    name: str,
    values: Mapping[str, Any],
    rendered: str,
    display: Callable[[str], str] = lambda n: n,
) -> SourceMap:
    """A lazy map from the lines of ``rendered`` (the output of template ``name``) to template lines."""

    def compute() -> list[tuple[str, int] | None] | None:
        env = _MarkingEnvironment(files)
        _add_filters(env)
        marked = env.get_template(name).render(**values)
        if _MARK_RE.sub("", marked) != rendered:
            return None
        return _line_map(marked, env.marks, display)

    return SourceMap(compute)


def _line_map(
    marked: str, marks: list[tuple[str, int]], display: Callable[[str], str]
) -> list[tuple[str, int] | None]:
    out: list[tuple[str, int] | None] = []
    current: tuple[str, int] | None = None
    for line in marked.split("\n"):
        chosen: tuple[str, int] | None = None
        pos = 0
        last_in_line: tuple[str, int] | None = None
        for m in _MARK_RE.finditer(line):
            visible = line[pos : m.start()]
            if chosen is None and visible.strip():
                chosen = last_in_line or current
            t, ln = marks[int(m.group(1))]
            last_in_line = (display(t), ln)
            pos = m.end()
        if chosen is None and line[pos:].strip():
            chosen = last_in_line or current
        if last_in_line is not None:
            current = last_in_line
        out.append(chosen or last_in_line or current)
    return out


def _template_frame(exc: BaseException, env: jinja2.Environment) -> tuple[str | None, int | None]:
    """Jinja rewrites tracebacks so that template frames carry the template's
    file name and line; the innermost such frame is where the error is."""
    loader = env.loader
    names = set(loader.list_templates()) if loader is not None else set()
    tb = exc.__traceback__ or sys.exc_info()[2]
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        fname = tb.tb_frame.f_code.co_filename
        if fname in names:
            found = (fname, tb.tb_lineno)
        tb = tb.tb_next
    return found
