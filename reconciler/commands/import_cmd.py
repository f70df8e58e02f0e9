"""``smartplus import``: write manifests, with ``id:`` pins, for live Smart+ campaigns.

Thin: ``adapters.importer`` reads the account, ``core.importer`` converts, this prints or writes
files. Every file it writes is loaded back with ``adapters.files.load`` (render, parse, validate)
before it is kept, so what lands on disk always validates; ``plan`` on it right after shows no
changes for the upgraded campaigns. Legacy Smart+ campaigns become upgraded manifests under a new
name, created disabled by ``apply`` (see the comment block at the top of each such file).

Exit codes: 0 every campaign imported; 1 error, or some campaigns could not be imported (each is
named with the reason; the others are still written).
"""

from __future__ import annotations

import datetime as dt
import tempfile
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
    warnings."""
    result = importer.import_campaigns(rows.campaigns, rows.adgroups, rows.ads)
    taken = rows.live_names | {str(c.get("campaign_name")) for c in rows.campaigns}
    legacy = importer.import_legacy(rows.legacy, now=now, taken_names=taken)
    result.campaigns.extend(legacy.campaigns)
    result.skipped.extend(legacy.skipped)
    taken |= {c.name for c in legacy.campaigns}
    m = rows.manual
    converted = migrate.import_manual(
        m.campaigns, m.adgroups, m.ads, now=now, taken_names=taken, cta_portfolio=cta_portfolio
    )
    result.campaigns.extend(converted.campaigns)
    result.skipped.extend(converted.skipped)
    result.warnings.extend(converted.warnings)
    result.warnings.extend(rows.notes)
    return result


def check_loads(texts: dict[str, str]) -> None:
    """Load the files as ``plan`` will (render, parse, validate); raise if they do not."""
    with tempfile.TemporaryDirectory(prefix="smartplus-import-") as tmp:
        for name, text in texts.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        files.load([tmp])


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

    async def go() -> reader.AccountRows:
        client = connect.open_client(emulator=emulator, emulator_db=emulator_db, rate_limit=rate_limit)
        async with client:
            return await reader.read_account(client, advertiser, campaign_ids, legacy=legacy, manual=manual)

    console.err(f"Reading advertiser {advertiser}...")
    rows = run_async(go())
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    result = render_all(rows, now, cta_portfolio)
    existing = sorted(p.name for p in Path(out_dir).glob("*")) if out_dir and not force else []
    names = importer.file_names(result.campaigns, taken=existing)
    texts = {name: importer.to_yaml(item) for name, item in zip(names, result.campaigns, strict=True)}
    if texts:
        check_loads(texts)
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
