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

Only regular files are read, each opened without blocking and checked after
opening (a FIFO, socket or device named ``x.yaml`` is refused with its path,
never waited on). An empty manifest set is an error, as in Terraform: no
manifest file under the paths always is; manifest files that render to no
campaign are, unless the run allows it (``--allow-empty``, for a template that
may legitimately render nothing). Values files get the manifests' YAML checks
(keys written twice, syntax, non-UTF-8 text), each naming the file.

Plans and the other files that hold account data are written 0600
(``write_private``, ``open_private``).
"""

from __future__ import annotations

import contextvars
import gc
import hashlib
import os
import posixpath
import re
import stat
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import yaml

from reconciler.adapters import media as media_mod
from reconciler.core import manifests as manifests_mod
from reconciler.core import rules, templates
from reconciler.core.manifests import Manifest
from reconciler.errors import Location, ManifestError, Problem

TEMPLATE_SUFFIX = ".yaml.j2"
# Files a template may include or import.
SOURCE_SUFFIXES = (".j2", ".yaml", ".yml", ".jinja", ".txt")


# The largest manifest, values or included file read (the 5x bench account is about 30 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024

# Whether manifests that render to no campaign are accepted (``--allow-empty``). A context
# variable, so that the command line sets it once for every load a command makes (``plan``,
# ``apply`` reloading the manifests) without threading a flag through the pipeline.
ALLOW_EMPTY: contextvars.ContextVar[bool] = contextvars.ContextVar("smartplus_allow_empty", default=False)


class NotRegularFile(OSError):
    """A path that is not a regular file (FIFO, socket, device): never read."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def read_regular(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file. Opened with O_NONBLOCK (opening a FIFO for reading
    would otherwise wait for a writer) and checked with fstat after opening, so a file
    swapped for a FIFO between a check and the open is refused too."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(0, f"not a regular file ({_kind(st.st_mode)}): not read")
        if st.st_size > limit:
            raise NotRegularFile(0, f"file of {st.st_size:,} bytes, over the limit of {limit:,}")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # a file that grows while read
                raise NotRegularFile(0, f"file over the limit of {limit:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: str | Path) -> str:
    """A regular file's UTF-8 text (a BOM is dropped). Raises OSError or UnicodeDecodeError."""
    data = read_regular(path)
    return data.decode("utf-8-sig")


def _read_problem(file: str, exc: BaseException) -> Problem:
    if isinstance(exc, UnicodeDecodeError):
        return Problem(
            Location(file=file),
            "encoding",
            f"not UTF-8 text: {exc.reason} at byte {exc.start}",
        )
    if isinstance(exc, OSError):
        return Problem(Location(file=file), "read", exc.strerror or str(exc))
    raise exc


@dataclass(frozen=True)
class LoadedManifests:
    """What ``render``/``validate``/``plan`` see: rendered files and validated campaigns."""

    rendered: list[templates.Rendered]
    manifests: list[Manifest]
    digest: str
    media: tuple[media_mod.MediaUse, ...] = ()  # every `file:` creative, read and checked


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
                        # FIFOs and devices are passed on and refused with their path when read.
                        files.append(f)
        elif path.exists():
            roots.append(path.parent)
            files.append(path)  # not a regular file: refused, with its path, when read
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
    """A values file: one YAML mapping, with the manifests' checks (keys written twice,
    syntax, encoding), each problem naming the file."""
    file = path.as_posix()
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        problem = _read_problem(file, exc)
        if problem.rule == "read":
            problem = Problem(problem.location, "values-file", problem.message)
        raise ManifestError([problem]) from exc
    docs, problems = manifests_mod.parse_documents(text, file)
    if problems:
        raise ManifestError(problems)
    if len(docs) > 1:
        raise ManifestError(
            [
                Problem(
                    Location(file=file, line=docs[1][2]),
                    "values-file",
                    f"a values file is one YAML document; this one has {len(docs)}",
                )
            ]
        )
    data = docs[0][0] if docs else None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ManifestError(
            [Problem(Location(file=file, line=docs[0][2]), "values-file", "values are a YAML mapping")]
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
        value = manifests_mod.safe_load(raw) if raw else ""  # YAML 1.2, as manifests
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
        # Not YAML (or a scalar PyYAML cannot build: a 5,000-digit number): the text as given.
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
            if inside and os.path.isfile(real):  # isfile: regular files only (no FIFO, no device)
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
        text = read_text(path)  # a UnicodeDecodeError or OSError surfaces as a template-error
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
        return read_text(f), None
    except (OSError, UnicodeDecodeError) as exc:
        return None, _read_problem(f.as_posix(), exc)


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
    paths: tuple[str, ...] = ()  # as the user gave them, for the "no manifests" error
    roots: tuple[Path, ...] = ()  # the manifest folders: where a `file:` creative may lie


def render(paths: Sequence[str], values_files: Sequence[str] = (), sets: Sequence[str] = ()) -> RenderedSet:
    """Render every manifest (templates through Jinja, plain YAML as is); parse nothing."""
    files, roots = discover(paths)
    values = read_values(values_files, sets)
    # The loader sees files under the manifest roots only, by path relative to a root or
    # by the path the user gave (see Sources).
    sources = Sources(roots)
    display = sources.display
    env = templates.make_environment(sources)
    limits = templates.Limits(clock=time.monotonic)
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
                text = templates.render_template(env, name, tvalues, display, limits)
            except ManifestError as exc:
                problems.extend(exc.problems)
                continue
            smap = templates.source_map(sources, name, tvalues, text, display)
            rendered.append(templates.Rendered(file=name, text=text, template=True, source_map=smap))
        else:
            rendered.append(templates.Rendered(file=name, text=text, template=False))
    return RenderedSet(rendered, problems, tuple(paths), tuple(roots))


def parse(rs: RenderedSet, *, validate: bool = True, allow_empty: bool | None = None) -> LoadedManifests:
    """Steps 2-3: parse and validate rendered manifests; raise ManifestError with all problems.

    An empty set is an error (see the module docstring); ``allow_empty`` (default: the
    ``ALLOW_EMPTY`` context variable) accepts manifest files that render to no campaign.

    The cyclic GC is paused here too, not only in ``load``: ``smartplus plan`` renders first (to
    guess which campaigns to read) and parses on its own, and collections in the middle of the
    parse walked its hundreds of thousands of fresh objects for nothing (issue 15)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _parse(rs, validate=validate, allow_empty=allow_empty)
    finally:
        manifests_mod.forget_shared()
        if paused:
            gc.enable()


def _parse(rs: RenderedSet, *, validate: bool, allow_empty: bool | None) -> LoadedManifests:
    if not rs.rendered and not rs.problems:
        where = ", ".join(rs.paths) or "<no path>"
        raise ManifestError(
            [
                Problem(
                    Location(file=where),
                    "no-manifests",
                    "no manifest files (*.yaml, *.yml, *.yaml.j2) here; check the path",
                )
            ]
        )
    problems = list(rs.problems)
    loaded: list[Manifest] = []
    partials: list[manifests_mod.Partial] = []
    for r in rs.rendered:
        ms, parts, ps = manifests_mod.load_campaigns_and_partials(r.text, r.file)
        if r.source_map is not None:
            smap = r.source_map
            ms = [replace(m, source=smap) for m in ms]
            parts = [replace(p, manifest=replace(p.manifest, source=smap)) for p in parts]
            ps = [Problem(smap.annotate(p.location), p.rule, p.message) for p in ps]
        loaded.extend(ms)
        partials.extend(parts)
        problems.extend(ps)
    uses, media_problems = media_mod.check(loaded, rs.roots)
    if validate:
        problems.extend(media_problems)
        problems.extend(rules.check(loaded))
        # Every error at once: the cross-object rules also run on the campaigns whose fields
        # failed (without those fields), and say nothing about the fields already reported.
        for part in partials:
            problems.extend(p for p in rules.check([part.manifest]) if not part.covers(p))
    if not loaded and not problems and not (ALLOW_EMPTY.get() if allow_empty is None else allow_empty):
        where = ", ".join(rs.paths) or "<no path>"
        problems.append(
            Problem(
                Location(file=where),
                "no-manifests",
                f"the {len(rs.rendered)} manifest file(s) here hold no campaign; if a template may "
                "render nothing, say so with --allow-empty",
            )
        )
    if problems:
        problems.sort(key=lambda p: (p.location.file or "", p.location.line or 0))
        raise ManifestError(problems)
    return LoadedManifests(
        rendered=rs.rendered, manifests=loaded, digest=digest(rs.rendered, uses), media=tuple(uses)
    )


# A top-level key line and a document marker line. Each starts with a newline (the text's first
# line is matched on its own): a literal first character lets the regex engine skip ahead, where
# a multi-line ``^`` tried every position of a 5 MB text (25 ms each; issue 15).
_TOP_KEY_LINE = r"(advertiser_id|campaign_name|id):[ \t]*([^\n]*?)[ \t]*(?:#[^\n]*)?(?=\n|\Z)"
_TOP_KEY = re.compile(r"\n" + _TOP_KEY_LINE)
_TOP_KEY_FIRST = re.compile(_TOP_KEY_LINE)
_DOC_MARKER = re.compile(r"\n---[ \t]*(?=\n|\Z)")
_DOC_MARKER_FIRST = re.compile(r"---[ \t]*(?=\n|\Z)")
# A quoted value that says what it is without YAML's help: no escape, no quote of its own kind
# inside (a double-quoted "a\"b" or a single-quoted 'it''s' goes to the YAML loader).
_SIMPLE_QUOTED = re.compile(r"\"[^\"\\]*\"|'[^']*'")


def _top_value(raw: str) -> str | None:
    """The value of a top-level key as ``safe_load`` reads it, as a string (None: not YAML).
    Quoted values without escapes are read here: a 10,000-object account has 400 of them, and
    the YAML loader took 30 ms for them (issue 15)."""
    if _SIMPLE_QUOTED.fullmatch(raw):
        return raw[1:-1]
    try:
        value = manifests_mod.safe_load(raw) if raw else None
    except yaml.YAMLError:
        return None
    return value if isinstance(value, str) else str(value)


def identities(rs: RenderedSet) -> set[tuple[str, str, str | None]] | None:
    """A cheap guess of which campaigns the manifests name, read off the rendered text
    before parsing: (advertiser_id, campaign_name, pin) per document. Lets the account
    read start while the manifests are still being parsed; the caller checks the guess
    against the parsed manifests and reads again if it was wrong. None when the text is
    not the plain block style this reads (then the read waits for the parse)."""
    out: set[tuple[str, str, str | None]] = set()
    for r in rs.rendered:
        text = r.text
        # Documents end at each marker line (offsets: the newline before the line, -1 for the
        # first line); the top-level keys are searched in one pass over the whole text.
        ends = [-1] if _DOC_MARKER_FIRST.match(text) else []
        ends.extend(m.start() for m in _DOC_MARKER.finditer(text))
        ends.append(len(text))
        first = _TOP_KEY_FIRST.match(text)
        keys = ([(-1, first)] if first else []) + [(m.start(), m) for m in _TOP_KEY.finditer(text)]
        doc = 0
        found: dict[str, str] = {}
        for at, m in keys:
            if at >= ends[doc]:
                if not _add_identity(found, out):
                    return None
                found = {}
                while at >= ends[doc]:
                    doc += 1
            if m.group(1) in found:
                return None
            value = _top_value(m.group(2))
            if value is None:
                return None
            found[m.group(1)] = value
        if not _add_identity(found, out):
            return None
    return out


def _add_identity(found: dict[str, str], out: set[tuple[str, str, str | None]]) -> bool:
    """Adds one document's identity; False when it names only part of one (no guess then)."""
    if not found:
        return True
    if "advertiser_id" not in found or "campaign_name" not in found:
        return False
    out.add((found["advertiser_id"], found["campaign_name"], found.get("id")))
    return True


def digest(rendered: Iterable[templates.Rendered], media: Iterable[media_mod.MediaUse] = ()) -> str:
    """The manifests' text and the content of every creative file they name: a creative
    changed after review makes a saved plan stale. Without files it is the text's digest alone
    (unchanged for manifests that name no file)."""
    h = hashlib.sha256()
    for r in sorted(rendered, key=lambda r: r.file):
        h.update(r.file.encode())
        h.update(b"\0")
        h.update(r.text.encode())
        h.update(b"\0")
    for path, sha in sorted({(u.media.path, u.media.sha256) for u in media}):
        h.update(b"file\0" + path.encode() + b"\0" + sha.encode() + b"\0")
    return "sha256:" + h.hexdigest()


def write_text_atomic(path: str | Path, text: str | Iterable[str], *, mode: int | None = None) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a file.
    ``mode`` (e.g. 0o600) is set on the file before any byte is written. ``text`` may come in
    pieces (a large plan is written as it is serialized)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o666 if mode is None else mode)
    if mode is not None:
        os.fchmod(fd, mode)  # the temporary file may have existed with another mode
    with open(fd, "w", encoding="utf-8") as fh:
        if isinstance(text, str):
            fh.write(text)
        else:
            fh.writelines(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, p)


def write_private(path: str | Path, text: str | Iterable[str]) -> None:
    """``write_text_atomic`` readable by its owner only (0600): plans and reports hold
    account data (names, budgets, ids)."""
    write_text_atomic(path, text, mode=0o600)


def open_private(path: str | Path, mode: str = "a") -> IO[str]:
    """Open a text file (append by default) readable and writable by its owner only.

    Created 0600; an existing file is brought to 0600 too (an older version wrote these
    world-readable). For the apply journal and the apply log."""
    if mode not in ("a", "w"):
        raise ValueError(f"open_private: mode {mode!r} (use 'a' or 'w')")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    # O_NONBLOCK: a FIFO at the path fails at once (ENXIO) instead of waiting for a reader.
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= os.O_APPEND if mode == "a" else os.O_TRUNC
    fd = os.open(p, flags, 0o600)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(0, f"{p}: not a regular file ({_kind(st.st_mode)})")
        if stat.S_IMODE(st.st_mode) != 0o600:
            os.fchmod(fd, 0o600)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return open(fd, mode, encoding="utf-8")
    except BaseException:
        os.close(fd)
        raise


def filter_advertisers(
    loaded: LoadedManifests, advertisers: Sequence[str], where: Sequence[str]
) -> LoadedManifests:
    """`--advertiser ID`: keep only those advertisers' manifests (a CI matrix shards by it).

    The same as ``pipeline.filter_advertisers``, here so that ``validate`` need not import
    the pipeline (and with it the HTTP client and the planner)."""
    if not advertisers:
        return loaded
    wanted = set(advertisers)
    kept = [m for m in loaded.manifests if m.campaign.advertiser_id in wanted]
    if not kept:
        raise ManifestError(
            [
                Problem(
                    Location(file=", ".join(where)),
                    "advertiser",
                    f"no manifest for advertiser(s) {', '.join(advertisers)}",
                )
            ]
        )
    return replace(loaded, manifests=kept)
