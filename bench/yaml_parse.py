"""YAML parse of the scale manifests: the PyYAML path and the fast path side by side (issue 15).

The manifests of the ``scale:CxGxA`` seed (``bench/scale.yaml.j2``) are rendered as the CLI
renders them (``adapters.files.render``), then parsed N times each way with the garbage
collector tuned as the CLI tunes it (``pipeline.tune_gc``). Figures: CPU seconds, the median
of the runs with their range; both paths give the same documents (checked once here; pinned by
tests/manifests/test_yaml_fast.py). Also the cost of the gate alone; of yaml_rs without the walk
of its result, and with the manifest validation that stands in for it; of a text refused at its
very end (by the gate, or after yaml_rs: a null value), which then PyYAML parses; and of a
realistic text with ``!`` and ``&`` in every ad text and URL (stays fast).

    .venv/bin/python bench/yaml_parse.py [--seed scale:200x10x5] [--runs 7]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import median_range, parse_scale, write_scale_manifests

from reconciler.adapters.files import render
from reconciler.core import manifests, yaml_fast
from reconciler.pipeline import tune_gc


def cpu_runs(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        gc.collect()
        start = time.process_time()
        fn()
        out.append(time.process_time() - start)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", default="scale:200x10x5")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    c, g, a = parse_scale(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        rendered = render([str(write_scale_manifests(Path(tmp), c, g, a))]).rendered
    text = "".join(r.text for r in rendered)
    tune_gc()
    if not yaml_fast.available():
        sys.exit("yaml_rs is not installed: only the PyYAML path exists here")

    def pyyaml(t: str = text) -> Any:
        return manifests.parse_documents_pyyaml(t, "scale.yaml", lines=False)

    def fast(t: str = text) -> Any:
        return manifests.parse_documents(t, "scale.yaml", lines=False)

    ref, fast_docs = pyyaml(), fast()
    assert ref == fast_docs and yaml_fast.load_fast(text, manifests.MAX_NODES) is not None
    assert yaml_fast.load_unwalked(text, manifests.MAX_NODES) == [(d, first) for d, _lines, first in ref[0]]
    objects = c * (1 + g * (1 + a))
    print(f"YAML parse, {args.seed}: {objects:,} objects, {len(text) / 1e6:.1f} MB of rendered YAML")
    print(f"  CPU s, median (range) of {args.runs} runs, gc tuned as the CLI tunes it")
    slow_t = cpu_runs(pyyaml, args.runs)
    fast_t = cpu_runs(fast, args.runs)
    gate_t = cpu_runs(lambda: yaml_fast.gate(text), args.runs)
    whole_t = cpu_runs(lambda: yaml_fast.gate_whole(text), args.runs)
    unwalked_t = cpu_runs(lambda: yaml_fast.load_unwalked(text, manifests.MAX_NODES), args.runs)

    def valid() -> Any:
        manifests.forget_shared()  # each run from cold, as a command runs it
        return manifests.load_valid_fast(text, "scale.yaml")

    valid_t = cpu_runs(valid, args.runs)
    print(f"  PyYAML path (CSafeLoader + _Builder)  {median_range(slow_t, '.3f')}")
    print(f"  fast path (gate + yaml_rs + checks)   {median_range(fast_t, '.3f')}")
    print(f"    of which the gate                   {median_range(gate_t, '.3f')}")
    print(f"    (the gate on every line, not the distinct ones: {median_range(whole_t, '.3f')})")
    print(f"  without the walk (load_unwalked)      {median_range(unwalked_t, '.3f')}")
    print(f"  ... and validated (load_valid_fast)   {median_range(valid_t, '.3f')}  (what manifests use)")
    med = sorted(slow_t)[len(slow_t) // 2] - sorted(fast_t)[len(fast_t) // 2]
    print(f"  saved per run: {med:.3f} s ({med / max(sorted(slow_t)[len(slow_t) // 2], 1e-9):.0%})")

    # What a refusal costs: found by the gate (a "1_000" in the last ad text, so the scans run to
    # the end), or found after yaml_rs (a null value in the last document), then PyYAML parses.
    last = text.rfind('ad_text: "Scale ad text')
    refused = text[:last] + 'ad_text: "Scale ad text 1_000' + text[last + len('ad_text: "Scale ad text') :]
    assert not yaml_fast.gate(refused)
    last = text.rfind("budget_optimize_on: true")
    nulled = text[:last] + "budget_optimize_on:" + text[last + len("budget_optimize_on: true") :]
    assert yaml_fast.gate(nulled) and yaml_fast.load_fast(nulled, manifests.MAX_NODES) is None
    for label, t in (
        ("the gate refuses the last ad text ('1_000')", refused),
        ("a null in the last document", nulled),
    ):
        print(f"  refused, {label:41s} {median_range(cpu_runs(lambda t=t: fast(t), args.runs), '.3f')}")
    realistic = text.replace('ad_text: "Scale ad text', 'ad_text: "Free shipping! Fish & chips').replace(
        '"https://shop.example.com/"', '"https://shop.example.com/?utm_source=tt&utm_medium=ad"'
    )
    assert yaml_fast.load_fast(realistic, manifests.MAX_NODES) is not None
    realistic_t = cpu_runs(lambda: fast(realistic), args.runs)
    print(f"  '!' and '&' in every ad text and URL (stays fast)   {median_range(realistic_t, '.3f')}")


if __name__ == "__main__":
    main()
