"""What a published package needs, checked without building one (bench/wheel_smoke.py builds it).

The license file is Apache-2.0, as declared; setuptools is new enough to read the SPDX `license`
field; the metadata has classifiers and project URLs; the schema that ships in the wheel is the
schema editors use (one generator, two copies: `make schemas` writes both).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_is_publishable() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["build-system"]["requires"] == ["setuptools>=77"]
    project = data["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639 forbids both
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert {"Homepage", "Source", "Issues"} <= set(project["urls"])
    assert "schemas/*.json" in data["tool"]["setuptools"]["package-data"]["reconciler"]


def test_license_is_the_apache_2_text() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text and len(text) > 11_000


def test_the_schema_in_the_package_is_the_schema_editors_use() -> None:
    shipped = ROOT / "reconciler" / "schemas" / "manifest.schema.json"
    assert shipped.read_bytes() == (ROOT / "schemas" / "manifest.schema.json").read_bytes(), (
        "run `make schemas`: it writes schemas/manifest.schema.json and copies it into the package"
    )
