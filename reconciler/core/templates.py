"""Step 1: template text + values -> YAML text.

Pure: the caller (``adapters.files``) reads every file under the manifest
directories and hands their text in; Jinja2's loader is a dict of those files,
so ``{% include %}`` and ``{% import %}`` can only reach files inside the
manifest directories. The environment is sandboxed (no attribute access to
Python internals) and undefined variables are errors that name the template
file, line and variable.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.sandbox
import yaml

from reconciler.errors import Location, ManifestError, Problem


@dataclass(frozen=True)
class Rendered:
    """One rendered manifest file: its YAML text and where it came from."""

    file: str  # the manifest (or template) file, as the user named it
    text: str
    template: bool


def make_environment(files: Mapping[str, str]) -> jinja2.Environment:
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.DictLoader(dict(files)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["to_yaml"] = _to_yaml
    env.filters["quote"] = _quote
    return env


def _to_yaml(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**6).strip()


def _quote(value: Any) -> str:
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def render_template(env: jinja2.Environment, name: str, values: Mapping[str, Any]) -> str:
    """Render one template; errors carry the template file and line."""
    try:
        return env.get_template(name).render(**values)
    except jinja2.TemplateSyntaxError as exc:
        file = exc.filename or exc.name or name
        raise ManifestError(
            [Problem(Location(file=file, line=exc.lineno), "template-syntax", exc.message or str(exc))]
        ) from exc
    except jinja2.UndefinedError as exc:
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [Problem(Location(file=tfile or name, line=tline), "template-undefined", str(exc.message))]
        ) from exc
    except jinja2.TemplateNotFound as exc:
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [
                Problem(
                    Location(file=tfile or name, line=tline),
                    "template-include",
                    f"template {exc.name!r} not found inside the manifest directories",
                )
            ]
        ) from exc
    except jinja2.exceptions.SecurityError as exc:
        tfile, tline = _template_frame(exc, env)
        raise ManifestError(
            [Problem(Location(file=tfile or name, line=tline), "template-sandbox", str(exc))]
        ) from exc


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
