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

import gc
import hashlib
import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from reconciler.core import manifests as manifests_mod
from reconciler.core import rules, templates
from reconciler.core.manifests import Manifest
from reconciler.errors import Location, ManifestError, Problem

TEMPLATE_SUFFIX = ".yaml.j2"
# Files a template may include or import.
SOURCE_SUFFIXES = (".j2", ".yaml", ".yml", ".jinja", ".txt")


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
        data = manifests_mod.safe_load(text)  # YAML 1.2, as manifests
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
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ManifestError(
            [Problem(Location(file="--set"), "set-syntax", f"expected key.path=value, got {item!r}")]
        )
    try:
        value = manifests_mod.safe_load(raw) if raw else ""
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


class Sources(Mapping[str, str]):
    """The files a template may include or import, read on demand.

    A name is found relative to a manifest root (``_partials/ad.j2``) or as the path the
    user gave (``manifests/demo/x.yaml.j2``); either way the real path, symlinks
    resolved, must lie inside one of the roots and end in one of ``SOURCE_SUFFIXES``.
    Nothing else can be read, so ``{% include '../../etc/passwd' %}`` finds nothing.
    Files are read lazily: giving one manifest file does not read its whole folder.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = list(roots)
        self._real_roots = [os.path.realpath(r) for r in self.roots]
        self._cache: dict[str, str] = {}
        self._display: dict[str, str] = {}

    def _resolve(self, name: str) -> Path | None:
        if "\0" in name or not name.endswith(SOURCE_SUFFIXES):
            return None
        norm = posixpath.normpath(name)
        candidates = [root / norm for root in self.roots if not posixpath.isabs(norm)]
        candidates.append(Path(norm))
        for cand in candidates:
            real = os.path.realpath(cand)
            inside = any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in self._real_roots)
            if inside and os.path.isfile(real):
                return cand
        return None

    def add(self, name: str, text: str) -> None:
        self._cache[name] = text

    def display(self, name: str) -> str:
        """The path to show for a template name (root-relative names get their root)."""
        return self._display.get(name, name)

    def __getitem__(self, name: str) -> str:
        if name in self._cache:
            return self._cache[name]
        path = self._resolve(name)
        if path is None:
            raise KeyError(name)
        text = path.read_text(encoding="utf-8")  # a UnicodeDecodeError surfaces as a template-error
        self._cache[name] = text
        self._display[name] = path.as_posix()
        return text

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self[name]
        except (KeyError, OSError, UnicodeDecodeError):
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._cache))

    def __len__(self) -> int:
        return len(self._cache)


def _read_manifest(f: Path) -> tuple[str | None, Problem | None]:
    try:
        return f.read_text(encoding="utf-8"), None
    except UnicodeDecodeError as exc:
        return None, Problem(Location(file=f.as_posix()), "encoding", f"not UTF-8 text: {exc.reason}")
    except OSError as exc:
        return None, Problem(Location(file=f.as_posix()), "read", exc.strerror or str(exc))


def load(
    paths: Sequence[str],
    values_files: Sequence[str] = (),
    sets: Sequence[str] = (),
    *,
    validate: bool = True,
) -> LoadedManifests:
    """Render, parse and validate every manifest; raise ManifestError with all problems.

    Problems are collected across every file (a broken file does not hide the others'
    problems; the cross-object rules run on every campaign that parsed) and sorted by
    file and line.
    """
    # Parsing builds hundreds of thousands of short-lived objects; the cyclic GC walking them
    # again and again costs a third of the time, and nothing here makes cycles worth collecting.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(paths, values_files, sets, validate=validate)
    finally:
        if paused:
            gc.enable()


def _load(
    paths: Sequence[str],
    values_files: Sequence[str],
    sets: Sequence[str],
    *,
    validate: bool,
) -> LoadedManifests:
    return parse(render(paths, values_files, sets), validate=validate)


@dataclass(frozen=True)
class RenderedSet:
    """Step 1 done: the rendered text of every manifest, and the problems met on the way."""

    rendered: list[templates.Rendered]
    problems: list[Problem]


def render(paths: Sequence[str], values_files: Sequence[str] = (), sets: Sequence[str] = ()) -> RenderedSet:
    """Render every manifest (templates through Jinja, plain YAML as is); parse nothing."""
    files, roots = discover(paths)
    values = read_values(values_files, sets)
    # The loader sees files under the manifest roots only, by path relative to a root or
    # by the path the user gave (see Sources).
    sources = Sources(roots)
    display = sources.display
    env = templates.make_environment(sources)
    rendered: list[templates.Rendered] = []
    problems: list[Problem] = []
    for f in files:
        name = f.as_posix()
        text, problem = _read_manifest(f)
        if problem is not None:
            problems.append(problem)
        if text is None:
            continue
        sources.add(name, text)
        if name.endswith(TEMPLATE_SUFFIX):
            own = f.with_name(f.name[: -len(TEMPLATE_SUFFIX)] + ".values.yaml")
            try:
                tvalues = deep_merge(_read_values_file(own), values) if own.exists() else values
                text = templates.render_template(env, name, tvalues, display)
            except ManifestError as exc:
                problems.extend(exc.problems)
                continue
            smap = templates.source_map(sources, name, tvalues, text, display)
            rendered.append(templates.Rendered(file=name, text=text, template=True, source_map=smap))
        else:
            rendered.append(templates.Rendered(file=name, text=text, template=False))
    return RenderedSet(rendered, problems)


def parse(rs: RenderedSet, *, validate: bool = True) -> LoadedManifests:
    """Steps 2-3: parse and validate rendered manifests; raise ManifestError with all problems."""
    problems = list(rs.problems)
    loaded: list[Manifest] = []
    for r in rs.rendered:
        ms, ps = manifests_mod.load_campaigns(r.text, r.file)
        if r.source_map is not None:
            smap = r.source_map
            ms = [replace(m, source=smap) for m in ms]
            ps = [Problem(smap.annotate(p.location), p.rule, p.message) for p in ps]
        loaded.extend(ms)
        problems.extend(ps)
    if validate:
        problems.extend(rules.check(loaded))
    if problems:
        problems.sort(key=lambda p: (p.location.file or "", p.location.line or 0))
        raise ManifestError(problems)
    return LoadedManifests(rendered=rs.rendered, manifests=loaded, digest=digest(rs.rendered))


_TOP_KEY = re.compile(r"^(advertiser_id|campaign_name|id):[ \t]*(.*?)[ \t]*(?:#.*)?$", re.M)


def identities(rs: RenderedSet) -> set[tuple[str, str, str | None]] | None:
    """A cheap guess of which campaigns the manifests name, read off the rendered text
    before parsing: (advertiser_id, campaign_name, pin) per document. Lets the account
    read start while the manifests are still being parsed; the caller checks the guess
    against the parsed manifests and reads again if it was wrong. None when the text is
    not the plain block style this reads (then the read waits for the parse)."""
    out: set[tuple[str, str, str | None]] = set()
    for r in rs.rendered:
        for doc in re.split(r"^---[ \t]*$", r.text, flags=re.M):
            found: dict[str, str] = {}
            for m in _TOP_KEY.finditer(doc):
                if m.group(1) in found:
                    return None
                try:
                    value = manifests_mod.safe_load(m.group(2)) if m.group(2) else None
                except yaml.YAMLError:
                    return None
                found[m.group(1)] = value if isinstance(value, str) else str(value)
            if not found:
                continue
            if "advertiser_id" not in found or "campaign_name" not in found:
                return None
            out.add((found["advertiser_id"], found["campaign_name"], found.get("id")))
    return out


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
