"""``emulator serve``: the TikTok API emulator as an HTTP server."""

from __future__ import annotations

import click

from reconciler.clikit import EXIT_OK, debug_option, handle_errors


@click.group()
def emulator() -> None:
    """The TikTok API emulator."""


@emulator.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--db", default=":memory:", show_default=True, help="SQLite file, or :memory:.")
@click.option("--seed", default="demo", show_default=True, help="demo, scale:CxGxA, or none.")
@click.option("--latency-ms", default=0, type=int, show_default=True)
@click.option("--rate-limit", type=float, default=None, metavar="QPS", help="Answer 40100 above this rate.")
@click.option(
    "--faults",
    default=None,
    metavar="SPEC",
    help="kind=probability,... (error50000, error50002, timeout, drop, lost, throttle)",
)
@debug_option
@handle_errors
def emulator_serve(
    host: str,
    port: int,
    db: str,
    seed: str,
    latency_ms: int,
    rate_limit: float | None,
    faults: str | None,
    debug: bool,
) -> int:
    """Run the emulator as an HTTP server."""
    from reconciler.emulator import serve

    serve(
        host=host,
        port=port,
        db=db,
        seed=None if seed == "none" else seed,
        latency_ms=latency_ms,
        rate_limit=rate_limit,
        faults=faults,
    )
    return EXIT_OK
