"""The command line: parse arguments, call the pipeline, print through a console.

Thin on purpose: every decision lives in ``reconciler.core`` and every I/O in
``reconciler.adapters``. Exit codes, the same everywhere: 0 success and nothing
to change; 1 error, a usage error included (an unknown flag or command, a bad
``--format``); 2 changes (``plan --detailed-exitcode``) or drift (``drift``,
always); 3 the plan has changes that guardrails block. A user error is one clear
message with its location, never a traceback (``--debug`` shows one).

The commands live in ``reconciler/commands/`` and are imported only when run
(``clikit.LazyGroup``): ``smartplus --help`` imports click and this file, and
``validate`` the manifest loader without the HTTP client or the planner.
"""

from __future__ import annotations

import click

from reconciler import __version__
from reconciler.clikit import LazyCommand, LazyGroup

# name -> where the command lives, and its line in `smartplus --help` (a test keeps these
# equal to each command's own first docstring line).
COMMANDS: dict[str, LazyCommand] = {
    "render": LazyCommand(
        "reconciler.commands.manifest_cmds:render",
        "Print the rendered YAML of the manifests (a $schema modeline only where it resolves).",
    ),
    "validate": LazyCommand(
        "reconciler.commands.manifest_cmds:validate",
        "Check the manifests offline; print every error, not just the first.",
    ),
    "schema": LazyCommand(
        "reconciler.commands.manifest_cmds:schema",
        "Print the JSON Schema of a manifest document (for editors and check-jsonschema).",
    ),
    "plan": LazyCommand(
        "reconciler.commands.plan_cmds:plan", "Read the account and print the plan; save it with -o."
    ),
    "show": LazyCommand("reconciler.commands.plan_cmds:show", "Print a saved plan."),
    "apply": LazyCommand(
        "reconciler.commands.plan_cmds:apply",
        "Apply a saved, reviewed plan (or, with --auto-approve, plan and apply).",
    ),
    "drift": LazyCommand(
        "reconciler.commands.plan_cmds:drift",
        "Report what in the account differs from Git. Changes nothing. Exit 2 on drift.",
    ),
    "import": LazyCommand(
        "reconciler.commands.import_cmd:import_cmd",
        "Write manifests (with id: pins) for live Smart+ campaigns, legacy ones included.",
    ),
    "doctor": LazyCommand(
        "reconciler.commands.doctor_cmd:doctor",
        "Check the token, Smart+ access, app permissions, pixels, identities and videos.",
    ),
    "emulator": LazyCommand("reconciler.commands.emulator_cmd:emulator", "The TikTok API emulator."),
}


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="smartplus")
def main() -> None:
    """Manage TikTok Smart+ Web Conversions campaigns as code.

    \b
    Templates + values -> manifests -> validate -> plan (diff with the live
    account) -> review -> apply. Connection: TIKTOK_ACCESS_TOKEN and
    TIKTOK_API_BASE_URL from the environment, or --emulator.

    \b
    Exit codes: 0 done, nothing to change; 1 error (usage errors included);
    2 changes (plan --detailed-exitcode) or drift; 3 guardrails block the plan.
    """


# Commands whose process may end without Python freeing its heap object by object: they write
# nothing but closed files and the standard streams. A plan of 10,000 changes holds millions of
# objects, and their one-by-one teardown took 0.1-0.4 s of the plan's wall and CPU time.
FAST_EXIT = frozenset({"plan", "drift", "show", "validate", "render"})


def entry() -> None:
    """The console script (``smartplus``, ``python -m reconciler``): ``main``, then, for the
    commands in ``FAST_EXIT``, the exit handlers and a flush of stdout and stderr, and
    ``os._exit`` with the same code. Any other command, and any exception other than
    ``SystemExit``, exits as Python does."""
    import atexit
    import contextlib
    import os
    import sys

    command = next((a for a in sys.argv[1:] if not a.startswith("-")), None)
    if command in FAST_EXIT:
        # Before the command's modules are imported: they build tens of thousands of long-lived
        # objects (pydantic schemas, dataclasses), which the default thresholds collect and
        # rescan every 700 allocations. plan and drift set the same thresholds anyway
        # (pipeline.tune_gc), validate and render pause the collector while they parse
        # (importing the plan command: 0.31 -> 0.26 s CPU, median of 9 fresh interpreters).
        import gc

        from reconciler.settings import GC_THRESHOLDS

        gc.set_threshold(*GC_THRESHOLDS)
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - click's main always exits
        code = 0
    if command not in FAST_EXIT or not isinstance(code, int | None):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`smartplus plan | head`): nothing more to say.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    entry()
