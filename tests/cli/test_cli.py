"""The command line: exit codes of usage errors, --plan-ttl, lazy commands, schema, render's
modeline, compact 0600 plans that ``show`` pretty-prints."""

from __future__ import annotations

import ast
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reconciler import cli
from reconciler.cli import main
from reconciler.core import schema as schema_mod

from ..input.run import smartplus
from ..manifests.helpers import manifest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--format", "yaml"], "Invalid value for '--format'"),
        (["validate", "--no-such-flag"], "No such option '--no-such-flag'"),
        (["no-such-command"], "No such command 'no-such-command'"),
        (["import"], "Missing option '--advertiser'"),
        (["emulator", "no-such-command"], "No such command 'no-such-command'"),
        (["show"], "Missing argument 'PLAN_FILE'"),
        (["plan", "--rate-limit", "fast"], "Invalid value for '--rate-limit'"),
        ([], "Usage:"),
    ],
)
def test_usage_errors_exit_1(args: list[str], message: str) -> None:
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1, r.output
    assert message in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_usage_error_exits_1_in_a_real_process(tmp_path: Path) -> None:
    r = smartplus("plan", "--format", "yaml", cwd=tmp_path)
    assert r.code == 1 and "Invalid value for '--format'" in r.err, r.text
    r = smartplus("--help", cwd=tmp_path)
    assert r.code == 0 and "Exit codes" in r.out


@pytest.mark.parametrize("ttl", ["-5", "0", "nan", "inf", "-inf", "soon"])
def test_plan_ttl_must_be_a_positive_number_of_hours(ttl: str) -> None:
    r = CliRunner().invoke(main, ["plan", "--plan-ttl", ttl, "--emulator"])
    assert r.exit_code == 1, r.output
    assert "Invalid value for '--plan-ttl'" in r.output


def test_plan_ttl_accepts_hours() -> None:
    from reconciler.clikit import PositiveHours

    assert PositiveHours().convert("0.5", None, None) == 0.5


# ---- lazy commands ---------------------------------------------------------------------------

HEAVY = ("httpx", "reconciler.pipeline", "reconciler.adapters.apply", "reconciler.emulator", "pydantic")


def imported_after(args: list[str], cwd: Path) -> set[str]:
    code = (
        "import sys\nfrom reconciler.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    return set(r.stderr.strip().splitlines()[-1].split())


def test_help_imports_no_command(tmp_path: Path) -> None:
    loaded = imported_after(["--help"], tmp_path)
    assert not [m for m in loaded if m.startswith(HEAVY)], sorted(m for m in loaded if m.startswith(HEAVY))
    assert not [m for m in loaded if m.startswith(("reconciler.commands", "jinja2", "yaml"))]


def test_validate_imports_no_http_client_planner_or_emulator(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(manifest())
    loaded = imported_after(["validate", "m.yaml"], tmp_path)
    assert "reconciler.adapters.files" in loaded  # it did validate
    heavy = [m for m in loaded if m.startswith(HEAVY[:4])]
    assert heavy == [], heavy


def gc_thresholds_when_imported(args: list[str], cwd: Path) -> dict[str, tuple[int, ...]]:
    """The collector's thresholds at the moment each reconciler module was imported, through the
    console script's entry point (``entry``), as the installed ``smartplus`` runs."""
    code = (
        "import atexit, gc, sys\n"
        "seen = {}\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.startswith('reconciler.'):\n"
        "            seen.setdefault(name, gc.get_threshold())\n"
        "sys.meta_path.insert(0, Watch())\n"
        "atexit.register(lambda: print(repr(seen), file=sys.stderr))\n"
        "sys.argv = ['smartplus', *sys.argv[1:]]\n"
        "from reconciler.cli import entry\n"
        "entry()\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    seen: dict[str, tuple[int, ...]] = ast.literal_eval(r.stderr.strip().splitlines()[-1])
    return seen


def test_short_lived_commands_import_under_the_plan_gc_thresholds(tmp_path: Path) -> None:
    """validate, plan, drift... (cli.FAST_EXIT) raise the collector's thresholds before their modules
    are imported (their imports build tens of thousands of long-lived objects); --help leaves them."""
    from reconciler.settings import GC_THRESHOLDS

    (tmp_path / "m.yaml").write_text(manifest())
    seen = gc_thresholds_when_imported(["validate", "m.yaml"], tmp_path)
    assert seen["reconciler.commands.manifest_cmds"] == GC_THRESHOLDS
    assert seen["reconciler.adapters.files"] == GC_THRESHOLDS
    assert "reconciler.commands.manifest_cmds" not in gc_thresholds_when_imported(["--help"], tmp_path)


def test_the_command_list_says_what_each_command_says() -> None:
    ctx = click.Context(main)
    for name, lazy in cli.COMMANDS.items():
        cmd = lazy.load()
        first = (cmd.help or "").strip().split("\n\n")[0].replace("\n", " ")
        assert lazy.short_help == first, name
        assert main.get_command(ctx, name) is cmd


def test_help_lists_every_command() -> None:
    r = CliRunner().invoke(main, ["--help"])
    assert r.exit_code == 0
    for name in cli.COMMANDS:
        assert f"  {name} " in r.output


def test_emulator_db_default_matches_connect() -> None:
    from reconciler.adapters import connect
    from reconciler.settings import DEFAULT_EMULATOR_DB

    assert connect.DEFAULT_EMULATOR_DB == DEFAULT_EMULATOR_DB


# ---- schema ----------------------------------------------------------------------------------


def test_schema_prints_the_manifest_schema(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["schema"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert got == schema_mod.manifest_schema()
    assert got["$schema"].startswith("https://json-schema.org/")
    out = tmp_path / "s.json"
    r = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert r.exit_code == 0 and json.loads(out.read_text()) == got


def test_schema_prefers_the_packaged_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reconciler.commands import manifest_cmds

    pkg = tmp_path / "pkg"
    (pkg / "schemas").mkdir(parents=True)
    (pkg / "schemas" / "manifest.schema.json").write_text('{"packaged": true}\n')

    class Files:
        def __init__(self, root: Path) -> None:
            self.root = root

        def joinpath(self, rel: str) -> Path:
            return self.root / rel

    import importlib.resources

    monkeypatch.setattr(importlib.resources, "files", lambda _pkg: Files(pkg))
    assert manifest_cmds.schema_text() == '{"packaged": true}\n'
    monkeypatch.setattr(importlib.resources, "files", lambda _pkg: Files(tmp_path / "nowhere"))
    assert json.loads(manifest_cmds.schema_text()) == schema_mod.manifest_schema()


# ---- render and the $schema modeline ---------------------------------------------------------


def modelines(text: str) -> list[str]:
    return [ln.split("$schema=", 1)[1] for ln in text.splitlines() if "yaml-language-server" in ln]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "manifest.schema.json").write_text("{}\n")
    m = tmp_path / "manifests" / "team"
    m.mkdir(parents=True)
    line = "# yaml-language-server: $schema=../../schemas/manifest.schema.json\n"
    body = manifest().replace('campaign_name: "Case"', 'campaign_name: "{{ name }}"')
    (m / "two.yaml.j2").write_text(
        line + body.replace("{{ name }}", "A") + "---\n" + body.replace("{{ name }}", "B")
    )
    (m / "plain.yaml").write_text(line + manifest('"C"'))
    return tmp_path


def test_render_to_stdout_drops_modelines_that_would_not_resolve(repo: Path) -> None:
    r = smartplus("render", "manifests", cwd=repo)
    assert r.code == 0, r.text
    assert modelines(r.out) == []
    assert r.out.count("campaign_name:") == 3


def test_render_to_a_file_writes_a_modeline_that_resolves_per_document(repo: Path) -> None:
    out = repo / "build" / "deep" / "rendered.yaml"
    r = smartplus("render", "manifests", "-o", str(out), cwd=repo)
    assert r.code == 0, r.text
    text = out.read_text()
    lines = modelines(text)
    assert len(lines) == 3  # one per document
    for target in lines:
        assert (out.parent / target).resolve() == (repo / "schemas" / "manifest.schema.json").resolve()
    import yaml

    assert [d["campaign_name"] for d in yaml.safe_load_all(text)] == ["C", "A", "B"]  # files in name order


def test_render_with_schema_url_or_path(repo: Path) -> None:
    url = "https://example.com/manifest.schema.json"
    r = smartplus("render", "manifests", "--schema", url, cwd=repo)
    assert modelines(r.out) == [url] * 3
    r = smartplus("render", "manifests", "--schema", "schemas/manifest.schema.json", cwd=repo)
    uri = (repo / "schemas" / "manifest.schema.json").resolve().as_uri()
    assert modelines(r.out) == [uri] * 3  # stdout: only an absolute location resolves
    r = smartplus("render", "manifests", "--schema", "nope.json", cwd=repo)
    assert r.code == 1 and "--schema nope.json: no such file" in r.err


def test_render_drops_a_modeline_whose_schema_is_missing(repo: Path) -> None:
    (repo / "schemas" / "manifest.schema.json").unlink()
    out = repo / "out.yaml"
    assert smartplus("render", "manifests", "-o", str(out), cwd=repo).code == 0
    assert modelines(out.read_text()) == []


# ---- saved plans -----------------------------------------------------------------------------


def test_plan_is_saved_compact_and_private_and_show_pretty_prints(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "c.yaml").write_text(manifest())
    old = os.umask(0o022)
    try:
        r = smartplus("plan", "m", "--emulator", "--emulator-db", "emu.db", "-o", "plan.json", cwd=tmp_path)
    finally:
        os.umask(old)
    assert r.code == 0, r.text
    saved = tmp_path / "plan.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    text = saved.read_text()
    assert text.count("\n") == 1 and ", " not in text[:200] and ": " not in text[:200]
    data = json.loads(text)
    r = smartplus("show", "plan.json", "--format", "json", cwd=tmp_path)
    assert r.code == 0 and json.loads(r.out) == data
    assert '\n  "format_version"' in r.out  # indented for people


def test_a_plan_of_another_format_is_refused_not_read_as_empty(tmp_path: Path) -> None:
    """A plan saved by a smartplus of another plan format (2 -> 3 when the content hash became one
    over the section hashes) must not pass for "nothing to apply" (exit 0) in an apply job."""
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "c.yaml").write_text(manifest())
    r = smartplus("plan", "m", "--emulator", "--emulator-db", "emu.db", "-o", "plan.json", cwd=tmp_path)
    assert r.code == 0, r.text
    data = json.loads((tmp_path / "plan.json").read_text())
    assert data["changes"]
    assert data["format_version"] == 4
    # 3 -> 4 when the verdicts moved into one table that the operations name by index.
    for old in (2, 3):
        data["format_version"] = old
        (tmp_path / "old.json").write_text(json.dumps(data))
        for args in (("apply", "old.json", "--emulator", "--emulator-db", "emu.db"), ("show", "old.json")):
            r = smartplus(*args, cwd=tmp_path)
            assert r.code == 1, r.text
            assert f"format version {old}" in r.text and "Nothing to apply" not in r.text
            assert "Traceback" not in r.text
