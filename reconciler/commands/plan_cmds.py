"""``plan``, ``show``, ``apply`` and ``drift``: the commands that read (or change) the account.

Saved plans are written compact (no indentation: a 10,000-change plan is a third of the
size and written three times faster) and 0600 (they hold account data); ``show`` and
``--format json`` print them indented for people.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click

from reconciler import pipeline
from reconciler.adapters import apply as apply_mod
from reconciler.adapters import applylog, connect, files
from reconciler.adapters.api import TikTokClient
from reconciler.clikit import (
    EXIT_BLOCKED,
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    Console,
    PositiveHours,
    connection_options,
    debug_option,
    format_option,
    handle_errors,
    manifest_options,
    run_async,
)
from reconciler.core import drift as drift_mod
from reconciler.core import explain
from reconciler.core.plan import FORMAT_VERSION, Plan
from reconciler.errors import PlanError, SmartplusError


def _paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or ["manifests/"]


def _client(emulator: bool, emulator_db: str, rate_limit: float | None) -> TikTokClient:
    pipeline.tune_gc()
    return connect.open_client(emulator=emulator, emulator_db=emulator_db, rate_limit=rate_limit)


def plan_file_chunks(plan: Plan) -> Iterator[str]:
    """A saved plan, in pieces (``Plan.json_chunks``): compact JSON on one line (``show``
    pretty-prints it)."""
    yield from plan.json_chunks()
    yield "\n"


def print_plan(console: Console, plan: Plan, fmt: str) -> None:
    if fmt == "json":
        console.out(json.dumps(plan.to_json(), indent=2, sort_keys=False))
    elif fmt == "markdown":
        console.out(explain.markdown(plan))
    else:
        console.out_lines(explain.iter_text_lines(plan))


@click.command()
@manifest_options
@connection_options
@format_option
@click.option("-o", "--out", "out", type=click.Path(), help="Save the plan (JSON) for `apply`.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes.")
@click.option("--replace", "replace_", multiple=True, metavar="ADDRESS", help="Allow replacing this object.")
@click.option(
    "--override", "overrides", multiple=True, metavar="RULE[:ADDRESS]", help="Override a guardrail."
)
@click.option(
    "--plan-ttl",
    type=PositiveHours(),
    default=24.0,
    show_default=True,
    metavar="HOURS",
    help="Plan lifetime in hours (above 0).",
)
@click.option(
    "--max-spend-increase",
    type=float,
    default=None,
    metavar="AMOUNT",
    help="Block a plan that raises the maximum daily spend by more than this.",
)
@handle_errors
def plan(
    paths: tuple[str, ...],
    values: tuple[str, ...],
    sets: tuple[str, ...],
    advertisers: tuple[str, ...],
    debug: bool,
    emulator: bool,
    emulator_db: str,
    rate_limit: float | None,
    fmt: str,
    out: str | None,
    detailed_exitcode: bool,
    replace_: tuple[str, ...],
    overrides: tuple[str, ...],
    plan_ttl: float,
    max_spend_increase: float | None,
) -> int:
    """Read the account and print the plan; save it with -o."""
    req = pipeline.PlanRequest(
        _paths(paths), values, sets, advertisers, replace_, overrides, plan_ttl, max_spend_increase
    )
    console = Console()
    console.err("Reading the manifests and the account...")

    async def go() -> Plan:
        async with _client(emulator, emulator_db, rate_limit) as client:
            return (await pipeline.load_and_plan(client, req))[1]

    the_plan = run_async(go())
    s = the_plan.stats
    console.err(f"Read in {s.get('read_seconds', 0):.2f}s with {s.get('api_calls', 0)} API call(s).")
    print_plan(console, the_plan, fmt)
    if out:
        files.write_private(out, plan_file_chunks(the_plan))
        console.err(explain.next_step(the_plan, out))
    if the_plan.blocked:
        return EXIT_BLOCKED
    if detailed_exitcode and the_plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK


def check_log(path: str) -> None:
    """The apply log can be appended to (created 0600 if new), or a clear error."""
    try:
        files.open_private(path).close()
    except OSError as exc:
        raise SmartplusError(
            f"cannot write the apply log {path}: {exc.strerror or exc}",
            hint="give another file with --log FILE, or --log '' for none",
        ) from exc


def read_plan(path: str) -> Plan:
    try:
        # Regular files only, size-limited: a FIFO or /dev/zero given as the plan is refused, not read.
        data = json.loads(files.read_text(path))
    except OSError as exc:
        raise PlanError(f"cannot read plan {path}: {exc.strerror or exc}") from exc
    except RecursionError as exc:
        raise PlanError(f"{path} is not a plan file (JSON nested too deep)") from exc
    except ValueError as exc:  # UnicodeDecodeError included
        raise PlanError(f"{path} is not a plan file (not JSON: {exc})") from exc
    if not isinstance(data, dict) or "format_version" not in data:
        raise PlanError(f"{path} is not a smartplus plan (no format_version)")
    if data["format_version"] != FORMAT_VERSION:
        # Before anything reads it: a plan of another format must never pass for an empty one
        # ("nothing to apply", exit 0) in an apply-on-merge job.
        raise PlanError(
            f"{path} is a plan of format version {data['format_version']!r}, made by smartplus "
            f"{data.get('tool_version', '(unknown)')}; this smartplus reads format {FORMAT_VERSION}",
            hint="make the plan again with this version (`smartplus plan -o PLAN.json`) and review it",
        )
    try:
        return Plan.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanError(f"{path} is not a valid smartplus plan: {exc}") from exc


@click.command()
@click.argument("plan_file", type=click.Path())
@format_option
@debug_option
@handle_errors
def show(plan_file: str, fmt: str, debug: bool) -> int:
    """Print a saved plan."""
    print_plan(Console(), read_plan(plan_file), fmt)
    return EXIT_OK


@click.command()
@click.argument("plan_file", required=False, type=click.Path())
@manifest_options
@connection_options
@click.option("--auto-approve", is_flag=True, help="Plan and apply in one go (no review).")
@click.option(
    "--log",
    "log_path",
    default=applylog.DEFAULT_LOG,
    show_default=True,
    metavar="FILE",
    help="Append a JSON line about this apply (who, when, plan, outcomes).",
)
@click.option("--replace", "replace_", multiple=True, metavar="ADDRESS", help="With --auto-approve.")
@click.option("--override", "overrides", multiple=True, metavar="RULE[:ADDRESS]", help="With --auto-approve.")
@click.option("--max-spend-increase", type=float, default=None, metavar="AMOUNT", help="With --auto-approve.")
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Wait this long for another apply on this machine to release the advertisers' lock.",
)
@handle_errors
def apply(
    plan_file: str | None,
    paths: tuple[str, ...],
    values: tuple[str, ...],
    sets: tuple[str, ...],
    advertisers: tuple[str, ...],
    debug: bool,
    emulator: bool,
    emulator_db: str,
    rate_limit: float | None,
    auto_approve: bool,
    log_path: str,
    replace_: tuple[str, ...],
    overrides: tuple[str, ...],
    max_spend_increase: float | None,
    lock_timeout: float,
) -> int:
    """Apply a saved, reviewed plan (or, with --auto-approve, plan and apply)."""
    console = Console()
    if auto_approve and plan_file is not None:
        # `apply --auto-approve manifests/`: the first argument is a manifest path, not a plan.
        paths, plan_file = (plan_file, *paths), None
    if plan_file is None and not auto_approve:
        raise SmartplusError(
            "apply needs a saved plan",
            hint="smartplus plan -o plan.json, review it, then smartplus apply plan.json",
        )
    if plan_file is not None and (plan_file.endswith((".yaml", ".yml", ".j2")) or Path(plan_file).is_dir()):
        raise SmartplusError(
            f"{plan_file} is a manifest, not a plan", hint="smartplus apply PLAN.json, or --auto-approve"
        )

    async def go() -> int:
        async with _client(emulator, emulator_db, rate_limit) as client:
            if plan_file is None:
                req = pipeline.PlanRequest(
                    _paths(paths),
                    values,
                    sets,
                    advertisers,
                    replace_,
                    overrides,
                    max_spend_increase=max_spend_increase,
                )
                loaded, the_plan = await pipeline.load_and_plan(client, req)
                print_plan(console, the_plan, "text")
                if the_plan.blocked:
                    console.out("The plan has changes that guardrails block: nothing applied.", "remove")
                    return EXIT_BLOCKED
                path: str = str(Path(".smartplus") / f"auto-{the_plan.plan_id}.json")
                files.write_private(path, plan_file_chunks(the_plan))
            else:
                the_plan = read_plan(plan_file)
                inputs = the_plan.inputs
                if inputs.get("allow_empty"):
                    files.ALLOW_EMPTY.set(True)  # the plan was made with --allow-empty
                loaded = pipeline.load_desired(
                    list(paths) or inputs.get("paths") or ["manifests/"],
                    values or inputs.get("values", []),
                    sets or inputs.get("sets", []),
                    advertisers or inputs.get("advertisers", []),
                )
                path = plan_file
            if not the_plan.has_changes:
                console.out("No changes. Nothing to apply.")
                return EXIT_OK
            if log_path:
                check_log(log_path)  # before any change: a log that cannot be written stops here
            started = await client.now()
            result: apply_mod.ApplyResult | None = None
            error: str | None = None
            try:
                result = await pipeline.apply_saved(
                    client, the_plan, loaded, plan_path=path, progress=console.err, lock_timeout=lock_timeout
                )
            except SmartplusError as exc:
                error = exc.summary
                raise
            finally:
                if log_path:
                    finished = await client.now()
                    entry = applylog.record(the_plan, result, started=started, finished=finished, error=error)
                    try:
                        applylog.append(log_path, entry)
                    except OSError as exc:
                        console.err(
                            f"Warning: could not append to the apply log {log_path}: {exc.strerror or exc}"
                        )
            stats = client.stats.to_json()
        if result.skipped:
            console.out(f"{len(result.skipped)} change(s) were already applied by an earlier run (journal).")
        console.out(
            f"Applied {len(result.done)} change(s); failed {len(result.failed)}; not attempted {len(result.not_attempted)}. "
            f"{stats['api_calls']} API call(s), {stats['retries']} retr{'y' if stats['retries'] == 1 else 'ies'}."
        )
        for cid, msg in result.failed:
            console.out(f"  failed {cid}: {msg}", "remove")
        if result.not_attempted:
            console.out(f"  not attempted: {', '.join(sorted(result.not_attempted))}")
        if result.failed or result.not_attempted:
            console.out(f"Run `smartplus apply {path}` again to continue where it stopped.")
            return EXIT_ERROR
        if result.verify_problems:
            console.out("After apply, the account still differs from the manifests:", "remove")
            for p in result.verify_problems:
                console.out(f"  {p}")
            return EXIT_ERROR
        console.out("Apply complete. The account matches the manifests.", "add")
        return EXIT_OK

    return run_async(go())


@click.command()
@manifest_options
@connection_options
@format_option
@click.option("--all", "show_all", is_flag=True, help="Also list unmanaged campaigns.")
@click.option("-o", "--out", "out", type=click.Path(), help="Also write the JSON report here.")
@handle_errors
def drift(
    paths: tuple[str, ...],
    values: tuple[str, ...],
    sets: tuple[str, ...],
    advertisers: tuple[str, ...],
    debug: bool,
    emulator: bool,
    emulator_db: str,
    rate_limit: float | None,
    fmt: str,
    show_all: bool,
    out: str | None,
) -> int:
    """Report what in the account differs from Git. Changes nothing. Exit 2 on drift."""
    req = pipeline.PlanRequest(_paths(paths), values, sets, advertisers)

    async def go() -> Plan:
        async with _client(emulator, emulator_db, rate_limit) as client:
            return (await pipeline.load_and_plan(client, req))[1]

    report = drift_mod.drift_report(run_async(go()), include_unmanaged=show_all)
    console = Console()
    if fmt == "json":
        console.out(json.dumps(report, indent=2))
    elif fmt == "markdown":
        console.out(drift_mod.drift_markdown(report))
    else:
        for line in drift_mod.drift_text(report):
            console.out(line)
    if out:
        files.write_private(out, json.dumps(report, indent=2) + "\n")
    return EXIT_CHANGES if report["drift"] else EXIT_OK
