"""What every command shares: the console, exit codes, error handling, options.

Kept apart from ``cli.py`` so that commands living in their own modules
(``reconciler/commands/``) use the same pieces without importing ``cli.py``.
Cheap to import (click and the error classes only): ``smartplus --help`` loads
this module and no command (see ``LazyGroup``).
"""

from __future__ import annotations

import functools
import importlib
import math
import os
import sys
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import click

from reconciler.errors import SmartplusError
from reconciler.settings import DEFAULT_EMULATOR_DB

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_BLOCKED = 0, 1, 2, 3
T = TypeVar("T")
OUT_BATCH = 2000  # lines per write of Console.out_lines

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

    def out_lines(self, lines: Iterable[tuple[str, str]]) -> None:
        """Many (style, text) lines, a batch per write: click.echo per line flushes per line
        (40,000 lines for a plan of 10,000 changes), and all of them in one write held the
        whole text at once (40 MB for a plan of 50,000 changes)."""
        batch: list[str] = []
        for style, text in lines:
            batch.append(click.style(text, **COLORS[style]) if self.color and style in COLORS else text)  # type: ignore[arg-type]
            if len(batch) >= OUT_BATCH:
                click.echo("\n".join(batch))
                batch.clear()
        if batch:
            click.echo("\n".join(batch))

    def err(self, text: str) -> None:
        click.echo(text, err=True)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    import asyncio  # here: only the commands that talk to an API need it

    # The result is handed back outside the task: on its way out, Python 3.11's asyncio.run
    # (signal.getsignal on its SIGINT handler, a partial holding the main task) formats the
    # repr of the finished task and so of its result, in full: seconds for a plan of 10,000
    # changes (bench/profile_cli.py).
    box: list[T] = []

    async def main() -> None:
        box.append(await coro)

    asyncio.run(main())
    return box[0]


class LazyCommand:
    """Where a command lives (``module:attribute``) and its one-line help for the command list."""

    def __init__(self, target: str, short_help: str) -> None:
        self.target = target
        self.short_help = short_help

    def load(self) -> click.Command:
        module, _, attr = self.target.partition(":")
        cmd = getattr(importlib.import_module(module), attr)
        if not isinstance(cmd, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return cmd


class LazyGroup(click.Group):
    """A group whose commands are imported when used, so that ``--help`` and light commands
    (``validate``, ``schema``) do not import the HTTP client, the planner or the emulator.

    Usage errors (an unknown flag or command, a bad choice, a missing option) exit 1, like
    every other error: in this tool 2 means "changes" or "drift", and a typo'd flag in a CI
    step must not read as either."""

    def __init__(self, *args: Any, lazy: Mapping[str, LazyCommand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(self.lazy[cmd_name].load(), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                cmd = self.commands[name]
                if cmd.hidden:
                    continue
                rows.append((name, cmd.get_short_help_str(formatter.width)))
            else:
                rows.append((name, self.lazy[name].short_help))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.UsageError as exc:
            exc.show()
            sys.exit(EXIT_ERROR)
        except click.exceptions.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code if exc.exit_code not in (EXIT_CHANGES, EXIT_BLOCKED) else EXIT_ERROR)
        except click.exceptions.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


class PositiveHours(click.ParamType[float]):
    """A number of hours above zero and finite (``--plan-ttl``): 0, negative, nan and inf
    would save a plan that is expired at once or never expires."""

    name = "HOURS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            hours = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of hours", param, ctx)
        if not math.isfinite(hours) or hours <= 0:
            self.fail(f"{value!r}: a plan lifetime is a number of hours above 0 (e.g. 24)", param, ctx)
        return hours


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
    fn = click.option(
        "--allow-empty",
        is_flag=True,
        expose_value=False,
        callback=_allow_empty,
        help="Accept manifests that render to no campaign (a path with no manifest files is still an error).",
    )(fn)
    return debug_option(fn)


def _allow_empty(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    # Set for this whole command (files.ALLOW_EMPTY), every load included. Imported here so
    # that building the command line imports no YAML or Jinja.
    from reconciler.adapters import files

    files.ALLOW_EMPTY.set(bool(value))
    return bool(value)


def debug_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--debug", is_flag=True, help="Show tracebacks.")(fn)


def connection_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--emulator", is_flag=True, help="Run against the embedded emulator (state in .smartplus/)."
    )(fn)
    fn = click.option(
        "--emulator-db", default=DEFAULT_EMULATOR_DB, show_default=True, help="Emulator state file."
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
