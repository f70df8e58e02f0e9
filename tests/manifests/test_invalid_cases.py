"""Golden cases: one invalid manifest per rule, with the exact problems expected.

Each ``invalid/<case>.yaml`` sits beside ``invalid/<case>.expected``, which holds
one line per problem, ``file:line: path: rule`` (what ``smartplus validate``
prints, without the message), in order. The first line of each case says what
is wrong with it. No Python per case: add a pair of files to add a case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.adapters.files import load
from reconciler.core.rules import RULES
from reconciler.errors import ManifestError

HERE = Path(__file__).parent / "invalid"
CASES = sorted(p.stem for p in HERE.glob("*.yaml"))
# Rules that a single manifest file cannot break; unit tests cover them (test_templates.py, test_loader.py).
NOT_IN_CASES = {
    "template-syntax",
    "template-undefined",
    "template-include",
    "template-sandbox",
    "template-error",
    "values-file",
    "set-syntax",
    "no-such-path",
    "read",
    "encoding",
}


def problems_of(case: str) -> list[str]:
    try:
        load([f"{case}.yaml"])
    except ManifestError as exc:
        return [f"{p.location}: {p.rule}" for p in exc.problems]
    return []


@pytest.mark.parametrize("case", CASES)
def test_invalid_case(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)
    expected = (HERE / f"{case}.expected").read_text(encoding="utf-8").splitlines()
    assert expected, f"{case}.expected is empty"
    assert problems_of(case) == expected


def test_every_case_has_its_expectation() -> None:
    assert {p.stem for p in HERE.glob("*.expected")} == set(CASES)


def test_every_rule_has_a_case() -> None:
    covered = set()
    for exp in HERE.glob("*.expected"):
        for line in exp.read_text(encoding="utf-8").splitlines():
            covered.add(line.rsplit(": ", 1)[1])
    missing = set(RULES) - covered - NOT_IN_CASES
    assert not missing, f"rules without an invalid case: {sorted(missing)}"
    unknown = covered - set(RULES)
    assert not unknown, f"rules in cases but not in rules.RULES: {sorted(unknown)}"
