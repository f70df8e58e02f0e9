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
"""

from __future__ import annotations

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
    def join_path(self, template: str, parent: str) -> str:
        here = posixpath.dirname(parent)
        if template.startswith(("./", "../")):
            return posixpath.normpath(posixpath.join(here, template))
        beside = posixpath.join(here, template) if here else template
        loader = self.loader
        if isinstance(loader, _Loader) and beside in loader.files:
            return beside
        return template


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
                if not isinstance(child, nodes.TemplateData):
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
    env.filters["to_yaml"] = _to_yaml
    env.filters["quote"] = _quote


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
) -> str:
    """Render one template; errors carry the template file (as ``display`` names it) and line."""
    try:
        return env.get_template(name).render(**values)
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
                    "recursion too deep (a template including itself?)",
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
