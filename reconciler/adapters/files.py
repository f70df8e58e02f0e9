"""Reading manifests, values and plans from disk; writing outputs.

I/O edge of steps 1-3. Which files are manifests:

- ``*.yaml`` / ``*.yml``: plain manifests, one campaign per YAML document;
- ``*.yaml.j2``: Jinja2 templates that render to such YAML;
- not manifests: files under a ``values/`` directory, files named
  ``values.yaml`` or ``*.values.yaml`` (values), and files whose name starts
  with ``_`` (partials for ``{% include %}``/``{% import %}``).

A template ``x.yaml.j2`` takes its values from ``x.values.yaml`` beside it when
that file exists, then from each ``--values FILE`` in order, then from each
``--set key.path=value``: later wins, mappings merge deeply.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reconciler.core import manifests as manifests_mod
from reconciler.core import rules, templates
from reconciler.core.manifests import Manifest
from reconciler.errors import Location, ManifestError, Problem

TEMPLATE_SUFFIX = ".yaml.j2"


@dataclass(frozen=True)
class LoadedManifests:
    """What ``render``/``validate``/``plan`` see: rendered files and validated campaigns."""

    rendered: list[templates.Rendered]
    manifests: list[Manifest]
    digest: str


def _is_manifest(path: Path) -> bool:
    name = path.name
    if name.startswith("_") or name.startswith("."):
        return False
    if "values" in path.parts[:-1] or name == "values.yaml" or name.endswith(".values.yaml"):
        return False
    return name.endswith((".yaml", ".yml", TEMPLATE_SUFFIX))


def discover(paths: Sequence[str]) -> tuple[list[Path], list[Path]]:
    """-> (manifest files, search roots for includes). A missing path is an error."""
    files: list[Path] = []
    roots: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            roots.append(path)
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for fn in sorted(filenames):
                    f = Path(dirpath) / fn
                    if _is_manifest(f.relative_to(path)):
                        files.append(f)
        elif path.is_file():
            roots.append(path.parent)
            files.append(path)
        else:
            raise ManifestError([Problem(Location(file=p), "no-such-path", "no such file or directory")])
    return files, roots


def read_values(values_files: Sequence[str], sets: Sequence[str]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for vf in values_files:
        merged = deep_merge(merged, _read_values_file(Path(vf)))
    for item in sets:
        merged = deep_merge(merged, parse_set(item))
    return merged


def _read_values_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(
            [Problem(Location(file=str(path)), "values-file", exc.strerror or str(exc))]
        ) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ManifestError(
            [Problem(Location(file=str(path), line=line), "yaml-syntax", str(exc.problem or exc))]
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ManifestError(
            [Problem(Location(file=str(path), line=1), "values-file", "values are a YAML mapping")]
        )
    return data


def parse_set(item: str) -> dict[str, Any]:
    key, sep, raw = item.partition("=")
    if not sep or not key:
        raise ManifestError(
            [Problem(Location(file="--set"), "set-syntax", f"expected key.path=value, got {item!r}")]
        )
    try:
        value = yaml.safe_load(raw) if raw else ""
    except yaml.YAMLError:
        value = raw
    out: dict[str, Any] = {}
    cur = out
    parts = key.split(".")
    for part in parts[:-1]:
        cur[part] = {}
        cur = cur[part]
    cur[parts[-1]] = value
    return out


def deep_merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def load(
    paths: Sequence[str],
    values_files: Sequence[str] = (),
    sets: Sequence[str] = (),
    *,
    validate: bool = True,
) -> LoadedManifests:
    """Render, parse and validate every manifest; raise ManifestError with all problems."""
    files, roots = discover(paths)
    values = read_values(values_files, sets)
    # The loader sees every file under the manifest roots, by path relative to its root,
    # and also by the path the user gave; nothing outside them can be included.
    sources: dict[str, str] = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for fn in filenames:
                f = Path(dirpath) / fn
                if fn.endswith((".j2", ".yaml", ".yml", ".jinja", ".txt")):
                    text = f.read_text(encoding="utf-8")
                    sources[f.relative_to(root).as_posix()] = text
                    sources[f.as_posix()] = text
    env = templates.make_environment(sources)
    rendered: list[templates.Rendered] = []
    problems: list[Problem] = []
    for f in files:
        name = f.as_posix()
        if name.endswith(TEMPLATE_SUFFIX):
            own = f.with_name(f.name[: -len(TEMPLATE_SUFFIX)] + ".values.yaml")
            tvalues = deep_merge(_read_values_file(own), values) if own.exists() else values
            try:
                text = templates.render_template(env, name, tvalues)
            except ManifestError as exc:
                problems.extend(exc.problems)
                continue
            rendered.append(templates.Rendered(file=name, text=text, template=True))
        else:
            rendered.append(templates.Rendered(file=name, text=sources[name], template=False))
    loaded: list[Manifest] = []
    for r in rendered:
        ms, ps = manifests_mod.load_campaigns(r.text, r.file)
        loaded.extend(ms)
        problems.extend(ps)
    if validate and not problems:
        problems.extend(rules.check(loaded))
    if problems:
        raise ManifestError(problems)
    return LoadedManifests(rendered=rendered, manifests=loaded, digest=digest(rendered))


def digest(rendered: Iterable[templates.Rendered]) -> str:
    h = hashlib.sha256()
    for r in sorted(rendered, key=lambda r: r.file):
        h.update(r.file.encode())
        h.update(b"\0")
        h.update(r.text.encode())
        h.update(b"\0")
    return "sha256:" + h.hexdigest()


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, p)
