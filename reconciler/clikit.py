"""What every command shares: the console, exit codes, error handling, options.

Kept apart from ``cli.py`` so that commands living in their own modules
(``reconciler/commands/``) use the same pieces without importing ``cli.py``.
"""

from __future__ import annotations

import asyncio
import functools
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import click

from reconciler.adapters import connect
from reconciler.errors import SmartplusError

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_BLOCKED = 0, 1, 2, 3
T = TypeVar("T")

COLORS = {
    "add": {"fg": "green"},
    "change": {"fg": "yellow"},
    "remove": {"fg": "red"},
    "warn": {"fg": "magenta"},
    "bold": {"bold": True},
    "dim": {"dim": True},
}


class Console:
    """Where output goes: stdout for results, stderr for progress and errors."""

    def __init__(self, color: bool | None = None) -> None:
        if color is None:
            color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        self.color = color

    def out(self, text: str = "", style: str = "") -> None:
        if self.color and style in COLORS:
            text = click.style(text, **COLORS[style])  # type: ignore[arg-type]
        click.echo(text)

    def err(self, text: str) -> None:
        click.echo(text, err=True)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    # The result is handed back outside the task: on its way out, Python 3.11's asyncio.run
    # (signal.getsignal on its SIGINT handler, a partial holding the main task) formats the
    # repr of the finished task and so of its result, in full: seconds for a plan of 10,000
    # changes (bench/profile_cli.py).
    box: list[T] = []

    async def main() -> None:
        box.append(await coro)

    asyncio.run(main())
    return box[0]


def handle_errors(fn: Callable[..., int]) -> Callable[..., None]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        debug = bool(kwargs.get("debug"))
        try:
            code = fn(*args, **kwargs)
        except SmartplusError as exc:
            if debug:
                raise
            click.echo(exc.render(), err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader went away (`smartplus plan | head`): stop quietly, as Unix tools do.
            sys.stderr.close()
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("Interrupted. Nothing is lost: run the same command again to continue.", err=True)
            sys.exit(130)
        except Exception as exc:
            if debug:
                raise
            click.echo(f"Error: internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("Hint: run again with --debug for the traceback, and report it.", err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(code)

    return wrapper


def manifest_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.argument("paths", nargs=-1, type=click.Path())(fn)
    fn = click.option(
        "--values",
        "values",
        multiple=True,
        metavar="FILE",
        help="Values file (YAML); repeatable, later wins.",
    )(fn)
    fn = click.option(
        "--set", "sets", multiple=True, metavar="KEY=VALUE", help="Set one value (a.b=c); repeatable."
    )(fn)
    fn = click.option(
        "--advertiser", "advertisers", multiple=True, metavar="ID", help="Only these advertisers' manifests."
    )(fn)
    return debug_option(fn)


def debug_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--debug", is_flag=True, help="Show tracebacks.")(fn)


def connection_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--emulator", is_flag=True, help="Run against the embedded emulator (state in .smartplus/)."
    )(fn)
    fn = click.option(
        "--emulator-db", default=connect.DEFAULT_EMULATOR_DB, show_default=True, help="Emulator state file."
    )(fn)
    fn = click.option(
        "--rate-limit",
        type=float,
        default=None,
        metavar="QPS",
        help="Client-side requests per second (default 10).",
    )(fn)
    return fn


def format_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True
    )(fn)
