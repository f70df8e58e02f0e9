"""``files.identities`` (the guess of which campaigns the manifests name, read off the text before
parsing) against the plain reading it replaced for speed: split at each ``---`` line, each key
line found with a multi-line regex, each value read with the YAML loader. Same answer on any
text made of the lines manifests hold (and some they should not)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.adapters import files
from reconciler.core import manifests as manifests_mod
from reconciler.core.templates import Rendered

_KEY = re.compile(r"^(advertiser_id|campaign_name|id):[ \t]*(.*?)[ \t]*(?:#.*)?$", re.M)


def reference(texts: list[str]) -> set[tuple[str, str, str | None]] | None:
    out: set[tuple[str, str, str | None]] = set()
    for text in texts:
        for doc in re.split(r"^---[ \t]*$", text, flags=re.M):
            found: dict[str, str] = {}
            for m in _KEY.finditer(doc):
                if m.group(1) in found:
                    return None
                try:
                    value = manifests_mod.safe_load(m.group(2)) if m.group(2) else None
                except yaml.YAMLError:
                    return None
                found[m.group(1)] = value if isinstance(value, str) else str(value)
            if not found:
                continue
            if "advertiser_id" not in found or "campaign_name" not in found:
                return None
            out.add((found["advertiser_id"], found["campaign_name"], found.get("id")))
    return out


VALUES = [
    '"7000000000000000001"', "7000000000000000001", "'7000000000000000002'", '"Spring Sale"', "Spring Sale",
    "'it''s'", '"a\\"b"', '"a\\u00e9"', '"x # y"', "x # y", "x#y", "", "  ", '"unterminated', "[a, b]",
    "{a: 1}", "true", "null", "~", "1.5", "'a' # c", '""', "''", '"\'"', "'\"'", "- x", "x: y", "é 日本",
]  # fmt: skip
LINE = st.one_of(
    st.tuples(
        st.sampled_from(["advertiser_id", "campaign_name", "id", " id", "  campaign_name", "ad_name"]),
        st.sampled_from([":", ": ", ":\t", ":  "]),
        st.sampled_from(VALUES),
        st.sampled_from(["", " ", " # c", "\t#c"]),
    ).map("".join),
    st.sampled_from(
        ["---", "--- ", "---\t", "--- # c", "---x", " ---", "...", "", "# c", "adgroups:", "  - x"]
    ),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(LINE, max_size=12).map("\n".join), min_size=1, max_size=3), st.booleans())
def test_the_guess_is_the_plain_reading(texts: list[str], newline: bool) -> None:
    texts = [t + "\n" if newline else t for t in texts]
    rs = files.RenderedSet(
        [Rendered(file=f"f{i}.yaml", text=t, template=False) for i, t in enumerate(texts)], []
    )
    assert files.identities(rs) == reference(texts)


def test_the_repository_manifests_give_the_same_guess() -> None:
    root = Path(__file__).resolve().parent.parent
    rs = files.render([str(root / "manifests")])
    guess = files.identities(rs)
    assert guess and guess == reference([r.text for r in rs.rendered])
