"""``render``, ``validate`` and ``schema``: the offline commands.

They import the manifest loader and nothing that talks to an API (no HTTP client, no
planner, no emulator), so that ``smartplus validate`` in a pre-commit hook starts fast.

``render`` and the ``$schema`` modeline. A manifest may start with
``# yaml-language-server: $schema=RELATIVE/PATH`` so that an editor checks it; the path
is relative to that manifest, so it means nothing once the text is printed somewhere
else. ``render`` therefore drops every such line from what it prints and writes one
only where it resolves: with ``-o FILE``, the schema the source pointed to (if that file
exists), rewritten relative to FILE; with ``--schema URL``, the URL as given; with
``--schema PATH``, that path relative to FILE (absolute on stdout, the only form that
resolves wherever stdout goes). On stdout without ``--schema``: no modeline. Each
document gets its own line, so a multi-document output is checked throughout.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from reconciler.adapters import files
from reconciler.clikit import EXIT_OK, Console, debug_option, handle_errors, manifest_options
from reconciler.errors import SmartplusError

MODELINE = re.compile(r"^[ \t]*#[ \t]*yaml-language-server:[ \t]*\$schema=(\S*)[ \t]*\r?$\n?", re.M)
SCHEMA_RESOURCE = "schemas/manifest.schema.json"  # inside the package (the wheel ships it)


def paths_or_default(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or ["manifests/"]


def _is_url(target: str) -> bool:
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", target) is not None


def source_schema(source_file: str, text: str) -> str | None:
    """The schema a source manifest's modeline points to: a URL as is, a path resolved
    against the source file (None when that file does not exist)."""
    m = MODELINE.search(text)
    if m is None or not m.group(1):
        return None
    target = m.group(1)
    if _is_url(target):
        return target
    resolved = Path(source_file).parent / target
    return str(resolved.resolve()) if resolved.is_file() else None


def modeline_for(schema: str | None, out: str | None) -> str | None:
    """The ``$schema`` value that resolves from where the output goes, or None."""
    if schema is None:
        return None
    if _is_url(schema):
        return schema
    target = Path(schema).resolve()
    if out is None:
        return target.as_uri()
    return Path(os.path.relpath(target, Path(out).resolve().parent)).as_posix()


def with_modeline(text: str, schema: str | None) -> str:
    """``text`` (one rendered file) without its modelines, each document headed by ``schema``'s."""
    body = MODELINE.sub("", text).rstrip("\n")
    if schema is None:
        return body
    line = f"# yaml-language-server: $schema={schema}"
    docs = re.split(r"^---[ \t]*\r?$", body, flags=re.M)
    out = []
    for doc in docs:
        doc = doc.strip("\n")
        if not doc.strip() and len(docs) > 1:
            continue  # a leading "---" or an empty trailing document
        out.append(f"{line}\n{doc}")
    return "\n---\n".join(out)


@click.command()
@manifest_options
@click.option(
    "-o", "--out", "out", type=click.Path(dir_okay=False), help="Write the YAML to FILE instead of stdout."
)
@click.option(
    "--schema",
    "schema",
    metavar="URL|PATH",
    help="The $schema modeline to write (default: the source's schema, only with -o).",
)
@handle_errors
def render(
    paths: tuple[str, ...],
    values: tuple[str, ...],
    sets: tuple[str, ...],
    advertisers: tuple[str, ...],
    debug: bool,
    out: str | None,
    schema: str | None,
) -> int:
    """Print the rendered YAML of the manifests (a $schema modeline only where it resolves)."""
    loaded = files.load(paths_or_default(paths), values, sets, validate=False)
    if schema is not None and not _is_url(schema) and not Path(schema).is_file():
        raise SmartplusError(f"--schema {schema}: no such file", hint="a URL, or the path of the schema file")
    parts = []
    for r in loaded.rendered:
        src_schema = schema
        if src_schema is None and out is not None:
            source_text = _source_text(r.file)
            src_schema = source_schema(r.file, source_text) if source_text is not None else None
        text = with_modeline(r.text, modeline_for(src_schema, out))
        parts.append(f"# source: {r.file}\n{text}" if text else f"# source: {r.file}")
    result = "\n---\n".join(parts) + "\n"
    if out is None:
        Console().out(result.rstrip("\n"))
    else:
        files.write_text_atomic(out, result)
        Console().err(f"Wrote {out}")
    return EXIT_OK


def _source_text(file: str) -> str | None:
    try:
        return files.read_text(file)
    except (OSError, UnicodeDecodeError):
        return None


@click.command()
@manifest_options
@click.option("--explain", is_flag=True, help="Say what each ad group's targeting fields mean.")
@handle_errors
def validate(
    paths: tuple[str, ...],
    values: tuple[str, ...],
    sets: tuple[str, ...],
    advertisers: tuple[str, ...],
    debug: bool,
    explain: bool,
) -> int:
    """Check the manifests offline; print every error, not just the first."""
    where = paths_or_default(paths)
    loaded = files.filter_advertisers(files.load(where, values, sets), advertisers, where)
    console = Console()
    if explain:
        from reconciler.core import targeting

        for m in loaded.manifests:
            for g in m.campaign.adgroups:
                mode = g.targeting_optimization_mode or "AUTOMATIC"
                console.out(
                    f'campaign["{m.campaign.campaign_name}"].adgroup["{g.adgroup_name}"]: {mode} targeting'
                )
                for line in targeting.explain(g):
                    console.out(f"    {line}")
    n_ag = sum(len(m.campaign.adgroups) for m in loaded.manifests)
    n_ad = sum(len(g.ads) for m in loaded.manifests for g in m.campaign.adgroups)
    console.out(
        f"Valid: {len(loaded.manifests)} campaign(s), {n_ag} ad group(s), {n_ad} ad(s) in {len(loaded.rendered)} file(s)."
    )
    return EXIT_OK


def schema_text() -> str:
    """The manifest JSON Schema: the copy shipped in the package, or generated when absent
    (a source checkout where the ``ci`` helper has not copied it in)."""
    from importlib import resources

    try:
        return resources.files("reconciler").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, OSError):
        from reconciler.core import schema

        return schema.render()


@click.command()
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False), help="Write it to FILE.")
@debug_option
@handle_errors
def schema(out: str | None, debug: bool) -> int:
    """Print the JSON Schema of a manifest document (for editors and check-jsonschema)."""
    text = schema_text()
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        files.write_text_atomic(out, text)
        Console().err(f"Wrote {out}")
    return EXIT_OK
