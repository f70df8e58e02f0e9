"""``doctor``: check the token, Smart+ access, app permissions, pixels, identities and videos."""

from __future__ import annotations

import click

from reconciler import pipeline
from reconciler.adapters import connect
from reconciler.adapters import doctor as doctor_mod
from reconciler.clikit import (
    EXIT_ERROR,
    EXIT_OK,
    Console,
    connection_options,
    handle_errors,
    manifest_options,
    run_async,
)
from reconciler.errors import SmartplusError


def _paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or ["manifests/"]


@click.command()
@manifest_options
@connection_options
@handle_errors
def doctor(
    paths: tuple[str, ...],
    values: tuple[str, ...],
    sets: tuple[str, ...],
    advertisers: tuple[str, ...],
    debug: bool,
    emulator: bool,
    emulator_db: str,
    rate_limit: float | None,
) -> int:
    """Check the token, Smart+ access, app permissions, pixels, identities and videos."""
    console = Console()
    manifests = []
    try:
        manifests = pipeline.load_desired(_paths(paths), values, sets, advertisers).manifests
    except SmartplusError as exc:
        if not advertisers:
            raise
        console.out(f"FAIL  manifests: {exc.summary} (checking the advertisers given with --advertiser only)")
    if not manifests and not advertisers:
        raise SmartplusError("no advertiser to check", hint="give manifests, or --advertiser ID")

    async def go() -> list[doctor_mod.Check]:
        async with connect.open_client(
            emulator=emulator, emulator_db=emulator_db, rate_limit=rate_limit
        ) as client:
            return await doctor_mod.run_doctor(client, manifests, advertisers)

    checks = run_async(go())
    for check in checks:
        console.out(check.line(), "add" if check.ok else "remove")
    failed = sum(not c.ok for c in checks)
    console.out(
        f"{len(checks) - failed} passed, {failed} failed" if failed else f"All {len(checks)} checks passed."
    )
    return EXIT_ERROR if failed else EXIT_OK
