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
from reconciler.core import importer, migrate
from reconciler.errors import SmartplusError


def render_all(
    rows: reader.AccountRows, now: dt.datetime, cta_portfolio: str | None = None
) -> importer.ImportResult:
    """Rows -> the imported campaigns (upgraded, then legacy, then manual ones), skipped ones and
    warnings; each document validated once."""
    result = importer.import_account(
        rows.campaigns,
        rows.adgroups,
        rows.ads,
        rows.legacy,
        now=now,
        live_names=rows.live_names,
        notes=rows.notes,
    )
    taken = set(rows.live_names) | {c.name for c in result.campaigns}
    m = rows.manual
    converted = migrate.import_manual(
        m.campaigns, m.adgroups, m.ads, now=now, taken_names=taken, cta_portfolio=cta_portfolio
    )
    result.campaigns.extend(converted.campaigns)
    result.skipped.extend(converted.skipped)
    result.warnings.extend(converted.warnings)
    return result


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
    "--legacy/--no-legacy",
    default=True,
    show_default=True,
    help="Also migrate legacy Smart+ campaigns.",
)
@click.option(
    "--manual/--no-manual",
    default=True,
    show_default=True,
    help="Also convert manual Web Conversions campaigns (cut over by the plan: migrate_from).",
)
@click.option(
    "--cta-portfolio",
    "cta_portfolio",
    default=None,
    metavar="ID",
    help="Dynamic CTA portfolio for converted manual Spark ads that had a static CTA.",
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
    manual: bool,
    cta_portfolio: str | None,
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

    async def go() -> tuple[reader.AccountRows, dt.datetime]:
        client = connect.open_client(emulator=emulator, emulator_db=emulator_db, rate_limit=rate_limit)
        async with client:
            rows = await reader.read_account(client, advertiser, campaign_ids, legacy=legacy, manual=manual)
            # The API server's clock (the Date of its answers), as plan and apply use: a past start
            # time is moved by what TikTok calls now, not by this machine's clock.
            return rows, await client.now()

    console.err(f"Reading advertiser {advertiser}...")
    rows, now = run_async(go())
    result = render_all(rows, now, cta_portfolio)
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
    n_manual = sum(1 for c in result.campaigns if "migrate_from" in c.document)
    console.err(
        f"Imported {len(result.campaigns) - n_legacy - n_manual} campaign(s)"
        + (f" and migrated {n_legacy} legacy Smart+ campaign(s)" if n_legacy else "")
        + (f", converted {n_manual} manual campaign(s) (cut over by the next plan)" if n_manual else "")
        + (f"; {len(result.skipped)} not imported" if result.skipped else "")
        + "."
    )
    if not texts and not result.skipped:
        raise SmartplusError(
            f"advertiser {advertiser} has no Smart+ campaign to import",
            hint="deleted campaigns are not imported; check --advertiser",
        )
    return EXIT_ERROR if result.skipped else EXIT_OK
