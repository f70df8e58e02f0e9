"""Hostile files: FIFOs and devices named like manifests, empty manifest sets, values files
with keys written twice or not UTF-8, and the modes of the files smartplus writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from reconciler.adapters import applylog, files
from reconciler.errors import ManifestError, Problem

from ..manifests.helpers import manifest
from .run import smartplus

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def problems(
    paths: list[str], values: tuple[str, ...] = (), allow_empty: bool | None = None
) -> list[Problem]:
    with pytest.raises(ManifestError) as info:
        files.parse(files.render(paths, values), allow_empty=allow_empty)
    return info.value.problems


@needs_fifo
def test_fifo_in_a_manifest_folder_is_refused_not_waited_on(tmp_path: Path) -> None:
    m = tmp_path / "m"
    m.mkdir()
    (m / "ok.yaml").write_text(manifest())
    os.mkfifo(m / "x.yaml")
    r = smartplus("validate", "m", cwd=tmp_path, timeout=30)
    assert r.code == 1, r.text
    assert "m/x.yaml: read: not a regular file (a FIFO)" in r.err, r.err


@needs_fifo
def test_fifo_given_as_the_manifest_or_values_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.yaml")
    (tmp_path / "ok.yaml").write_text(manifest())
    r = smartplus("validate", "p.yaml", cwd=tmp_path, timeout=30)
    assert r.code == 1 and "p.yaml: read: not a regular file (a FIFO)" in r.err, r.text
    r = smartplus("validate", "ok.yaml", "--values", "p.yaml", cwd=tmp_path, timeout=30)
    assert r.code == 1 and "p.yaml: values-file: not a regular file (a FIFO)" in r.err, r.text


def test_device_named_like_a_manifest_is_refused(tmp_path: Path) -> None:
    m = tmp_path / "m"
    m.mkdir()
    (m / "ok.yaml").write_text(manifest())
    (m / "zero.yaml").symlink_to("/dev/zero")
    (p,) = problems([str(m)])
    assert p.location.file == f"{m}/zero.yaml" and p.rule == "read" and "a device" in p.message


def test_include_of_a_fifo_finds_nothing(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs")
    m = tmp_path / "m"
    m.mkdir()
    os.mkfifo(m / "_part.j2")
    (m / "t.yaml.j2").write_text("{% include '_part.j2' %}\n")
    (p,) = problems([str(m)])
    assert p.rule == "template-include" and p.location.file == f"{m}/t.yaml.j2"


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2048)
    with pytest.raises(OSError, match="over the limit of 1,024"):
        files.read_regular(big, limit=1024)


# ---- empty manifest sets ---------------------------------------------------------------------


def test_a_folder_without_manifest_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text("not a manifest")
    for command in ("validate", "render"):
        r = smartplus(command, "m", cwd=tmp_path)
        assert r.code == 1, r.text
        assert "m: no-manifests: no manifest files" in r.err, r.err
    # --allow-empty is for templates that render nothing, not for a wrong folder.
    r = smartplus("validate", "m", "--allow-empty", cwd=tmp_path)
    assert r.code == 1 and "no-manifests" in r.err, r.text


def test_a_template_that_renders_nothing_needs_allow_empty(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "maybe.yaml.j2").write_text("{% if enabled %}{{ never }}{% endif %}\n")
    (tmp_path / "v.yaml").write_text("enabled: false\n")
    r = smartplus("validate", "m", "--values", "v.yaml", cwd=tmp_path)
    assert r.code == 1, r.text
    assert "hold no campaign" in r.err and "--allow-empty" in r.err, r.err
    r = smartplus("validate", "m", "--values", "v.yaml", "--allow-empty", cwd=tmp_path)
    assert r.code == 0 and "Valid: 0 campaign(s)" in r.out, r.text


def test_allow_empty_defaults_to_the_context_variable(tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text("# nothing yet\n")
    assert [p.rule for p in problems([str(tmp_path)])] == ["no-manifests"]
    token = files.ALLOW_EMPTY.set(True)
    try:
        assert files.parse(files.render([str(tmp_path)])).manifests == []
    finally:
        files.ALLOW_EMPTY.reset(token)
    assert [p.rule for p in problems([str(tmp_path)])] == ["no-manifests"]


def test_help_documents_allow_empty(tmp_path: Path) -> None:
    r = smartplus("validate", "--help", cwd=tmp_path)
    assert "--allow-empty" in r.out and "render to no campaign" in r.out


# ---- values files ----------------------------------------------------------------------------


def test_values_file_duplicate_key_is_located(tmp_path: Path) -> None:
    (tmp_path / "t.yaml.j2").write_text("{{ x }}\n")
    (tmp_path / "v.yaml").write_text("x: 1\nm:\n  a: 1\n  a: 2\n")
    r = smartplus("validate", "t.yaml.j2", "--values", "v.yaml", cwd=tmp_path)
    assert r.code == 1, r.text
    assert "v.yaml:4: m.a: duplicate-key" in r.err, r.err


def test_values_file_not_utf8_is_named(tmp_path: Path) -> None:
    (tmp_path / "t.yaml.j2").write_text("{{ x }}\n")
    (tmp_path / "v.yaml").write_bytes(b"x: caf\xe9\n")
    r = smartplus("validate", "t.yaml.j2", "--values", "v.yaml", cwd=tmp_path)
    assert r.code == 1, r.text
    assert "v.yaml: encoding: not UTF-8 text" in r.err, r.err


def test_values_file_beside_a_template_gets_the_same_checks(tmp_path: Path) -> None:
    (tmp_path / "t.yaml.j2").write_text("{{ x }}\n")
    (tmp_path / "t.values.yaml").write_text("x: 1\nx: 2\n")
    (p,) = problems([str(tmp_path)])
    assert (p.rule, p.location.line) == ("duplicate-key", 2) and p.location.file.endswith("t.values.yaml")


def test_values_file_with_two_documents_or_bad_yaml(tmp_path: Path) -> None:
    (tmp_path / "t.yaml.j2").write_text("{{ x }}\n")
    (tmp_path / "two.yaml").write_text("x: 1\n---\nx: 2\n")
    (tmp_path / "bad.yaml").write_text("x: [1\n")
    (p,) = problems([str(tmp_path / "t.yaml.j2")], (str(tmp_path / "two.yaml"),))
    assert p.rule == "values-file" and "has 2" in p.message and p.location.line == 3
    (p,) = problems([str(tmp_path / "t.yaml.j2")], (str(tmp_path / "bad.yaml"),))
    assert p.rule == "yaml-syntax" and p.location.file.endswith("bad.yaml")


# ---- modes of written files --------------------------------------------------------------------


@pytest.fixture
def umask_022() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_write_private_is_0600_even_over_an_old_file(tmp_path: Path) -> None:
    p = tmp_path / "plan.json"
    p.write_text("old")
    os.chmod(p, 0o644)
    (tmp_path / "plan.json.tmp").write_text("stale")
    os.chmod(tmp_path / "plan.json.tmp", 0o644)
    files.write_private(p, "{}\n")
    assert mode(p) == 0o600 and p.read_text() == "{}\n"
    files.write_text_atomic(tmp_path / "m.yaml", "a: 1\n")
    assert mode(tmp_path / "m.yaml") == 0o644  # manifests: the ordinary mode


@pytest.mark.usefixtures("umask_022")
def test_open_private_creates_and_tightens(tmp_path: Path) -> None:
    new = tmp_path / "sub" / "journal.jsonl"
    with files.open_private(new) as fh:
        fh.write("a\n")
    with files.open_private(new) as fh:
        fh.write("b\n")
    assert mode(new) == 0o600 and new.read_text() == "a\nb\n"
    old = tmp_path / "old.jsonl"
    old.write_text("x\n")
    os.chmod(old, 0o644)
    with files.open_private(old) as fh:
        fh.write("y\n")
    assert mode(old) == 0o600 and old.read_text() == "x\ny\n"


@pytest.mark.usefixtures("umask_022")
def test_apply_log_is_0600(tmp_path: Path) -> None:
    log = tmp_path / ".smartplus" / "apply-log.jsonl"
    applylog.append(log, {"event": "apply"})
    assert mode(log) == 0o600


# ---- plan files and the apply log ------------------------------------------------------------


@needs_fifo
@pytest.mark.parametrize("command", ["show", "apply"])
def test_a_fifo_or_device_given_as_the_plan_is_refused(tmp_path: Path, command: str) -> None:
    os.mkfifo(tmp_path / "plan.json")
    extra = ["--emulator", "--emulator-db", "e.db"] if command == "apply" else []
    r = smartplus(command, "plan.json", *extra, cwd=tmp_path, timeout=30)
    assert r.code == 1 and "cannot read plan plan.json: not a regular file (a FIFO)" in r.err, r.text
    r = smartplus("show", "/dev/zero", cwd=tmp_path, timeout=30)
    assert r.code == 1 and "not a regular file (a device)" in r.err, r.text


def test_a_deeply_nested_plan_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text("[" * 100_000 + "]" * 100_000)
    r = smartplus("show", "plan.json", cwd=tmp_path)
    assert r.code == 1 and "plan.json is not a plan file" in r.err, r.text


@needs_fifo
def test_an_apply_log_that_cannot_be_written_stops_before_any_change(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "c.yaml").write_text(manifest())
    os.mkfifo(tmp_path / "log.fifo")
    conn = ("--emulator", "--emulator-db", "e.db")
    r = smartplus("apply", "--auto-approve", "m", *conn, "--log", "log.fifo", cwd=tmp_path, timeout=60)
    assert r.code == 1 and "cannot write the apply log log.fifo" in r.err, r.text
    r = smartplus("plan", "m", *conn, "--detailed-exitcode", cwd=tmp_path)
    assert r.code == 2 and "to create" in r.out, r.text  # nothing was applied


def test_set_with_a_value_yaml_cannot_build_is_kept_as_text() -> None:
    big = "9" * 5000
    assert files.parse_set(f"x={big}") == {"x": big}
    assert files.parse_set("d=2026-13-45") == {"d": "2026-13-45"}
