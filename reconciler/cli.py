"""The command line: parse arguments, call the pipeline, print through a console.

Thin on purpose: every decision lives in ``reconciler.core`` and every I/O in
``reconciler.adapters``. Exit codes, the same everywhere: 0 success and nothing
to change; 1 error; 2 changes (``plan --detailed-exitcode``) or drift
(``drift``, always); 3 the plan has changes that guardrails block. A user error
is one clear message with its location, never a traceback (``--debug`` shows
one).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from reconciler import __version__, pipeline
from reconciler.adapters import apply as apply_mod
from reconciler.adapters import applylog, connect, files
from reconciler.adapters import doctor as doctor_mod
from reconciler.adapters.api import TikTokClient
from reconciler.clikit import (
    EXIT_BLOCKED,
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    Console,
    connection_options,
    debug_option,
    format_option,
    handle_errors,
    manifest_options,
    run_async,
)
from reconciler.commands.import_cmd import import_cmd
from reconciler.core import drift as drift_mod
from reconciler.core import explain, targeting
from reconciler.core.plan import Plan
from reconciler.errors import PlanError, SmartplusError
from reconciler.pipeline import tune_gc


def _paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or ["manifests/"]


def _client(emulator: bool, emulator_db: str, rate_limit: float | None) -> TikTokClient:
    return connect.open_client(emulator=emulator, emulator_db=emulator_db, rate_limit=rate_limit)


def print_plan(console: Console, plan: Plan, fmt: str) -> None:
    if fmt == "json":
        console.out(json.dumps(plan.to_json(), indent=2, sort_keys=False))
    elif fmt == "markdown":
        console.out(explain.markdown(plan))
    else:
        for style, line in explain.text_lines(plan):
            console.out(line, style)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="smartplus")
def main() -> None:
    """Manage TikTok Smart+ Web Conversions campaigns as code.

    \b
    Templates + values -> manifests -> validate -> plan (diff with the live
    account) -> review -> apply. Connection: TIKTOK_ACCESS_TOKEN and
    TIKTOK_API_BASE_URL from the environment, or --emulator.
    """
    tune_gc()


@main.command()
@manifest_options
@handle_errors
def render(
    paths: tuple[str, ...],
    values: tuple[str, ...],
    sets: tuple[str, ...],
    advertisers: tuple[str, ...],
    debug: bool,
) -> int:
    """Print the rendered YAML of the manifests."""
    loaded = files.load(_paths(paths), values, sets, validate=False)
    console = Console()
    for i, r in enumerate(loaded.rendered):
        if i:
            console.out("---")
        console.out(f"# source: {r.file}")
        console.out(r.text.rstrip("\n"))
    return EXIT_OK


@main.command()
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
    loaded = pipeline.load_desired(_paths(paths), values, sets, advertisers)
    if explain:
        console = Console()
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
    Console().out(
        f"Valid: {len(loaded.manifests)} campaign(s), {n_ag} ad group(s), {n_ad} ad(s) in {len(loaded.rendered)} file(s)."
    )
    return EXIT_OK


@main.command()
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
    "--plan-ttl", type=float, default=24.0, show_default=True, metavar="HOURS", help="Plan lifetime."
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
        files.write_text_atomic(out, json.dumps(the_plan.to_json(), indent=2) + "\n")
        console.err(explain.next_step(the_plan, out))
    if the_plan.blocked:
        return EXIT_BLOCKED
    if detailed_exitcode and the_plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK


def read_plan(path: str) -> Plan:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanError(f"cannot read plan {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise PlanError(f"{path} is not a plan file (not JSON: {exc})") from exc
    if not isinstance(data, dict) or "format_version" not in data:
        raise PlanError(f"{path} is not a smartplus plan (no format_version)")
    try:
        return Plan.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanError(f"{path} is not a valid smartplus plan: {exc}") from exc


@main.command()
@click.argument("plan_file", type=click.Path())
@format_option
@debug_option
@handle_errors
def show(plan_file: str, fmt: str, debug: bool) -> int:
    """Print a saved plan."""
    print_plan(Console(), read_plan(plan_file), fmt)
    return EXIT_OK


@main.command()
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
                files.write_text_atomic(path, json.dumps(the_plan.to_json(), indent=2) + "\n")
            else:
                the_plan = read_plan(plan_file)
                inputs = the_plan.inputs
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
            started = await client.now()
            result: apply_mod.ApplyResult | None = None
            error: str | None = None
            try:
                result = await pipeline.apply_saved(
                    client, the_plan, loaded, plan_path=path, progress=console.err
                )
            except SmartplusError as exc:
                error = exc.summary
                raise
            finally:
                if log_path:
                    finished = await client.now()
                    entry = applylog.record(the_plan, result, started=started, finished=finished, error=error)
                    applylog.append(log_path, entry)
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


@main.command()
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
        files.write_text_atomic(out, json.dumps(report, indent=2) + "\n")
    return EXIT_CHANGES if report["drift"] else EXIT_OK


@main.command()
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
        async with _client(emulator, emulator_db, rate_limit) as client:
            return await doctor_mod.run_doctor(client, manifests, advertisers)

    checks = run_async(go())
    for check in checks:
        console.out(check.line(), "add" if check.ok else "remove")
    failed = sum(not c.ok for c in checks)
    console.out(
        f"{len(checks) - failed} passed, {failed} failed" if failed else f"All {len(checks)} checks passed."
    )
    return EXIT_ERROR if failed else EXIT_OK


@main.group()
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


main.add_command(import_cmd)

if __name__ == "__main__":  # pragma: no cover
    main()
