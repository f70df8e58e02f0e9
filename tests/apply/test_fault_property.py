"""Property: whatever the network and TikTok throw at an apply, and wherever our own
process dies, applying the plan again until it succeeds ends with the account
equal to the manifests and no object created twice."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .faults import fresh_dir, run, write_manifests

KINDS = ("error50000", "error50002", "timeout", "drop", "lost", "throttle")


@st.composite
def fault_specs(draw: st.DrawFn) -> str:
    """A random mix of fault kinds adding up to 20% of calls."""
    weights = draw(st.lists(st.integers(0, 10), min_size=len(KINDS), max_size=len(KINDS)).filter(any))
    total = sum(weights)
    return ",".join(f"{k}={0.2 * w / total:.4f}" for k, w in zip(KINDS, weights, strict=True) if w)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    faults=fault_specs(),
    fault_seed=st.integers(0, 2**32 - 1),
    crash_points=st.lists(st.integers(1, 40), max_size=3),
)
def test_apply_converges_without_duplicates(
    tmp_path_factory: object, faults: str, fault_seed: int, crash_points: list[int]
) -> None:
    base = Path(str(tmp_path_factory.getbasetemp()))  # type: ignore[attr-defined]
    manifests = base / "manifests"
    if not manifests.exists():
        write_manifests(manifests, ["US", "DE", "FR"])
    work = fresh_dir(base / "work")
    out = run(work, manifests, faults=faults, fault_seed=fault_seed, crash_points=sorted(crash_points))
    assert out.duplicates == [], out
    assert out.remaining_changes == 0, out
