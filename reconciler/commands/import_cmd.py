"""``smartplus import``: write manifests, with ``id:`` pins, for live Smart+ campaigns.

Thin: ``adapters.importer`` reads the account, ``core.importer`` converts (and validates each
document once, on the very YAML text that is written, so what lands on disk validates), this
prints or writes files. ``plan`` on them right after shows no changes for the upgraded campaigns. Legacy Smart+ campaigns become upgraded manifests under a new
name, created disabled by ``apply`` (see the comment block at the top of each such file).

Exit codes: 0 every campaign imported; 1 error, or some campaigns could not be imported (each is
named with the reason; the others are still written).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from reconciler.adapters import connect, files
from reconciler.adapters import importer as reader
from reconciler.clikit import (
    EXIT_ERROR,
    EXIT_OK,
    Console,
    connection_options,
    debug_option,
    handle_errors,
    run_async,
)
from reconciler.core import importer
from reconciler.errors import SmartplusError


def render_all(rows: reader.AccountRows, now: dt.datetime) -> importer.ImportResult:
    """Rows -> the imported campaigns (upgraded first, then legacy ones), skipped ones and warnings."""
    return importer.import_account(
        rows.campaigns,
        rows.adgroups,
        rows.ads,
        rows.legacy,
        now=now,
        live_names=rows.live_names,
        notes=rows.notes,
    )


@click.command("import")
@click.option("--advertiser", "advertiser", required=True, metavar="ID", help="The advertiser to read.")
@click.option(
    "--campaign", "campaign_ids", multiple=True, metavar="ID", help="Only these campaigns (repeatable)."
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write one file per campaign into DIR (default: print to stdout).",
)
@click.option(
    "--force", is_flag=True, help="Overwrite files of the same name in DIR (default: choose new names)."
)
@click.option(
    "--legacy/--no-legacy", default=True, show_default=True, help="Also migrate legacy Smart+ campaigns."
)
@connection_options
@debug_option
@handle_errors
def import_cmd(
    advertiser: str,
    campaign_ids: tuple[str, ...],
    out_dir: str | None,
    force: bool,
    legacy: bool,
    emulator: bool,
    emulator_db: str,
    rate_limit: float | None,
    debug: bool,
) -> int:
    """Write manifests (with id: pins) for live Smart+ campaigns, legacy ones included.

    \b
    `smartplus plan` right after shows no changes for the imported campaigns.
    Legacy Smart+ campaigns become upgraded manifests under a new name; each
    file says what changed and what to do in Ads Manager.
    """
    console = Console()

    async def go() -> reader.AccountRows:
        client = connect.open_client(emulator=emulator, emulator_db=emulator_db, rate_limit=rate_limit)
        async with client:
            return await reader.read_account(client, advertiser, campaign_ids, legacy=legacy)

    console.err(f"Reading advertiser {advertiser}...")
    rows = run_async(go())
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    result = render_all(rows, now)
    existing = sorted(p.name for p in Path(out_dir).glob("*")) if out_dir and not force else []
    try:
        texts = importer.render_files(result.campaigns, taken=existing)
    except ValueError as exc:  # two documents that plan would refuse together; not expected
        raise SmartplusError(f"the imported manifests clash: {exc}") from None
    for warning in result.warnings:
        console.err(f"Warning: {warning}")
    for cid, why in result.skipped:
        console.err(f"Not imported: campaign {cid}: {why}")
    if out_dir:
        out = Path(out_dir)
        for name, text in texts.items():
            files.write_text_atomic(out / name, text)
            console.err(f"Wrote {out / name}")
    else:
        for i, text in enumerate(texts.values()):
            if i:
                console.out("---")
            console.out(text.rstrip("\n"))
    n_legacy = sum(1 for c in result.campaigns if c.legacy_id)
    console.err(
        f"Imported {len(result.campaigns) - n_legacy} campaign(s)"
        + (f" and migrated {n_legacy} legacy Smart+ campaign(s)" if n_legacy else "")
        + (f"; {len(result.skipped)} not imported" if result.skipped else "")
        + "."
    )
    if not texts and not result.skipped:
        raise SmartplusError(
            f"advertiser {advertiser} has no Smart+ campaign to import",
            hint="deleted campaigns are not imported; check --advertiser",
        )
    return EXIT_ERROR if result.skipped else EXIT_OK
